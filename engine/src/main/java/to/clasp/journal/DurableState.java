package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.state.ParamStore;

/**
 * Everything {@code --data-dir} turns on, in start and stop order: lock the directory, recover the state into the
 * store (while the journal's embedded driver starts beside it), start the journal (resuming its recording where the
 * valid records end), write a new base snapshot when
 * recovery asks for one, then hand the core its parts — the {@link JournalWriter}, the {@link DurablePosition}, the
 * {@link SnapshotTaker} and the {@link ReplayService}. {@link #close} (after the core has stopped) records and syncs the
 * journal, writes a final snapshot and releases the lock.
 */
public final class DurableState implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DurableState.class);

    private final Context ctx;
    private final DataDirectory directory;
    private final Recovery.Result recovery;
    private final Journal journal;
    private final SnapshotFiles snapshotFiles;
    private final SnapshotTaker snapshots;
    private final ReplayService replays;
    private final ParamStore store;
    private boolean closed;

    private DurableState(final Context ctx, final ParamStore store)
    {
        this.ctx = ctx;
        this.store = store;
        directory = DataDirectory.open(ctx.directory());
        Journal j = null;
        SnapshotTaker s = null;
        ReplayService r = null;
        try
        {
            snapshotFiles = new SnapshotFiles(directory.snapshotDirectory());
            // The journal's embedded driver starts on the journal thread while this thread recovers; the archive and
            // the recording start once recovery has said where the valid journal ends.
            j = Journal.prepare(ctx.journal().directory(directory.journalDirectory()));
            recovery = Recovery.recover(directory.journalDirectory(), snapshotFiles, store, ctx.metrics());
            j.resume(recovery.recording(), recovery.resumePosition());
            s = new SnapshotTaker(snapshotFiles, j, ctx.metrics(), ctx.snapshotIntervalNs(),
                TimeUnit.NANOSECONDS.toMillis(ctx.retentionNs()), System.nanoTime());
            if (recovery.freshSnapshotNeeded())
            {
                final File base = s.writeNow(store, j.recordingId(), j.writer().position(), nowMicros());
                LOG.warn("recovery: wrote {} as the new base for the journal", base.getName());
            }
            r = new ReplayService(j, ctx.metrics());
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(r, s, j, directory);
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(r, s, j, directory);
            throw ex;
        }
        journal = j;
        snapshots = s;
        replays = r;
    }

    /**
     * Lock the data directory, recover the state into {@code store} and start the journal. The calling thread owns
     * the store until it hands it to the core.
     *
     * @throws DataDirectory.LockedException          when another router holds the directory.
     * @throws Recovery.UnrecoverableStateException  when the directory holds state that cannot be rebuilt.
     */
    public static DurableState open(final Context ctx, final ParamStore store)
    {
        return new DurableState(ctx.conclude(), store);
    }

    private static long nowMicros()
    {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** @return what recovery found (for the start-up line and metrics). */
    public Recovery.Result recovery()
    {
        return recovery;
    }

    /** @return the core's append API. */
    public JournalWriter writer()
    {
        return journal.writer();
    }

    /** @return how far the journal is on disk. */
    public DurablePosition durablePosition()
    {
        return journal.durablePosition();
    }

    /** @return the core's snapshot scheduler. */
    public SnapshotTaker snapshots()
    {
        return snapshots;
    }

    /** @return the REPLAY reader. */
    public ReplayService replays()
    {
        return replays;
    }

    /** @return the counters. */
    public JournalMetrics metrics()
    {
        return ctx.metrics();
    }

    /** @return the settings in force. */
    public Context context()
    {
        return ctx;
    }

    /** @return the data directory. */
    public DataDirectory directory()
    {
        return directory;
    }

    /**
     * @return bytes the durable state takes: the journal's retained records, the snapshots and the catalog (segment
     * files are preallocated sparse, so their apparent size would overstate it).
     */
    public long diskBytes()
    {
        final RecordingLayout layout = journal.layout();
        long bytes = Math.max(0, journal.recordedPosition() - layout.startPosition());
        for (final File f : snapshotFiles.newestFirst())
        {
            bytes += f.length();
        }
        return bytes + new File(directory.journalDirectory(), "archive.catalog").length();
    }

    /**
     * Clean shutdown, once the core has stopped (the caller owns the store again): record and sync the journal, stop
     * the recording, write a final snapshot, release the directory. Idempotent.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietCloseAll(replays, snapshots);
        final long position = journal.writer().position();
        final long recordingId = journal.recordingId();
        journal.close();
        try
        {
            final File last = snapshots.writeNow(store, recordingId, position, nowMicros());
            LOG.info("shutdown snapshot {}: {} params", last.getName(), store.size());
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.error("shutdown snapshot failed ({}); the journal still holds every change", ex.toString());
        }
        finally
        {
            directory.close();
        }
    }

    /** Settings of the durable state ({@code --data-dir} and friends). */
    public static final class Context
    {
        public static final long SNAPSHOT_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);
        public static final long RETENTION_DEFAULT_NS = TimeUnit.HOURS.toNanos(24);

        private final Journal.Context journal = new Journal.Context();
        private File directory;
        private long snapshotIntervalNs = SNAPSHOT_INTERVAL_DEFAULT_NS;
        private long retentionNs = RETENTION_DEFAULT_NS;
        private boolean journalEvents;

        Context conclude()
        {
            Objects.requireNonNull(directory, "directory");
            if (snapshotIntervalNs < 0 || retentionNs < 0)
            {
                throw new IllegalArgumentException("intervals must be >= 0");
            }
            return this;
        }

        public File directory()
        {
            return directory;
        }

        /** @param directory the data directory ({@code --data-dir}). @return this. */
        public Context directory(final File directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * @return the journal's settings: {@code --fsync} level and interval, term and segment length (for a new
         * journal), metrics, error handler. Its directory is set from {@link #directory()} at open.
         */
        public Journal.Context journal()
        {
            return journal;
        }

        public long snapshotIntervalNs()
        {
            return snapshotIntervalNs;
        }

        /** @param ns between snapshots (default 60 s; 0 = only at shutdown). @return this. */
        public Context snapshotIntervalNs(final long ns)
        {
            this.snapshotIntervalNs = ns;
            return this;
        }

        public long retentionNs()
        {
            return retentionNs;
        }

        /** @param ns journal kept at least this long, for REPLAY (default 24 h). @return this. */
        public Context retentionNs(final long ns)
        {
            this.retentionNs = ns;
            return this;
        }

        /** @return whether forwarded PUBLISHes are journaled too (default false: only state changes). */
        public boolean journalEvents()
        {
            return journalEvents;
        }

        /** @param journal journal every forwarded PUBLISH, so REPLAY returns events too. @return this. */
        public Context journalEvents(final boolean journal)
        {
            this.journalEvents = journal;
            return this;
        }

        /** @return the counters (the journal's). */
        public JournalMetrics metrics()
        {
            return journal.metrics();
        }
    }
}
