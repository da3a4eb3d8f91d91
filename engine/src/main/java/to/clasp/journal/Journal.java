package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal: an embedded Aeron media driver and Aeron Archive that record one IPC publication — the core's state
 * changes — into segment files under the journal directory, and one thread ({@code clasp-journal}) that runs them and
 * syncs what they recorded per the {@link FsyncPolicy}.
 * <p>
 * <b>Threads.</b> The driver, the archive (conductor, recorder, replayer) and both Aeron clients run in INVOKER mode
 * inside the journal thread's duty cycle: one thread in all, parked when there is nothing to record, so the journal
 * never competes with the core for the CPU on a small machine. The core appends through {@link #writer()} (shared
 * memory, no system call) and polls {@link #durablePosition()}.
 * <p>
 * <b>One recording for the life of the data directory.</b> A restart extends the same recording from where the valid
 * journal ends, so a journal position names one record forever; snapshots store the position they start from.
 * <p>
 * Lifecycle: {@link #launch} on a start-up thread (blocking calls to the archive happen there), then the journal thread
 * owns everything until {@link #close()}, which stops it, records and syncs what is left, and stops the recording
 * cleanly.
 */
public final class Journal implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** Stream id of the recorded publication. */
    static final int STREAM_ID = 7332;
    /** Session id of the recorded publication (one per driver: fixed, so the recording subscription can name it). */
    static final int SESSION_ID = 0x434C4153;
    private static final String RECORD_CHANNEL = "aeron:ipc?session-id=" + SESSION_ID;
    private static final long SETUP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final Context ctx;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch resumed = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    // Set by resume() before `resumed` opens; read by the journal thread after it.
    private JournalRecording existing;
    private long resumePosition;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile Throwable startFailure;
    private volatile boolean running = true;
    private volatile long closePosition = -1;

    // Made on the journal thread during start-up; read by others only after `started`.
    private String aeronDir;
    private MediaDriver driver;
    private Archive archive;
    private Aeron aeron;
    private AeronArchive control;
    private ExclusivePublication publication;
    private long recordingSubscriptionId;
    private int recordingCounterId;
    private long recordingId;
    private DurablePosition durable;
    private JournalWriter writer;
    private JournalAgent agent;
    private boolean closed;

    private Journal(final Context ctx)
    {
        this.ctx = ctx;
        this.thread = new Thread(this::run, "clasp-journal");
        thread.setDaemon(true);
    }

    /**
     * The journal thread: start the driver; once recovery has said where the journal resumes ({@link #resume}), start
     * the archive and the recording (the archive requires that every call to it comes from one thread, so start-up,
     * duty cycles and shutdown all happen here); run the duty cycle until closed, then record and sync what is left
     * and stop the recording.
     */
    private void run()
    {
        try
        {
            launchDriver();
            resumed.await();
            if (!running)
            {
                throw new IllegalStateException("journal closed before it was resumed");
            }
            setUp();
        }
        catch (final Throwable t)
        {
            startFailure = t;
            CloseHelper.quietCloseAll(control, aeron, archive, driver);
            started.countDown();
            stopped.countDown();
            return;
        }
        started.countDown();
        agent.onStart();
        while (running)
        {
            try
            {
                agent.doWork();
            }
            catch (final Throwable t)
            {
                // Whatever escapes the archive's duty cycle leaves the recording in an unknown state: an I/O error,
                // or a memory fault when the disk fills under a memory-mapped file (the catalog, the mark file).
                // Nothing appended from here on is promised durable; the core refuses writes and answers what it
                // holds. Reported once; the loop goes on (slowly) so shutdown still works.
                if (null == durable.failure())
                {
                    ctx.errorHandler().accept(t);
                    LOG.error("journal: the archive failed ({}); the router refuses state changes from now on",
                        t.toString());
                    ctx.metrics().markFailed();
                    durable.fail("journal failed: " + t);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        try
        {
            agent.flush(closePosition, TimeUnit.SECONDS.toNanos(5));
            control.tryStopRecording(recordingSubscriptionId);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("journal: could not stop the recording cleanly ({}); recovery will find its end", ex.toString());
        }
        finally
        {
            agent.close();
            CloseHelper.quietCloseAll(publication, control, aeron, archive, driver);
            stopped.countDown();
        }
    }

    /**
     * The part of start-up that does not depend on the journal's files (so it runs while recovery reads them): the
     * embedded media driver, the largest fixed cost of starting the journal.
     */
    private void launchDriver()
    {
        StaleAeronDirectories.sweep(new File(ctx.aeronDirParent()), "journal");
        aeronDir = new File(ctx.aeronDirParent(),
            "clasp-journal-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8))
            .getPath();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.INVOKER)
            .ipcTermBufferLength(ctx.termLength())
            .ipcMtuLength(ctx.mtu())
            .termBufferSparseFile(true)
            .spiesSimulateConnection(false)
            .errorHandler(ctx.errorHandler()::accept));
    }

    private void setUp() throws IOException
    {
        final long usable = ctx.directory().getUsableSpace();
        if (usable < ctx.segmentLength())
        {
            throw new IllegalStateException("the journal's disk has " + (usable >> 20) + " MiB free, less than one " +
                "journal segment (" + (ctx.segmentLength() >> 20) + " MiB): free some space first");
        }
        // The data directory's own lock already guarantees that no other archive uses this directory; the mark file
        // a killed archive left behind would otherwise keep this one from starting for its liveness timeout.
        java.nio.file.Files.deleteIfExists(new File(ctx.directory(), ArchiveMarkFile.FILENAME).toPath());
        archive = Archive.launch(new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(ctx.directory())
            .threadingMode(ArchiveThreadingMode.INVOKER)
            .mediaDriverAgentInvoker(driver.sharedAgentInvoker())
            .controlChannelEnabled(false)
            .localControlChannel("aeron:ipc")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:ipc"))
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .recordingEventsEnabled(false)
            .segmentFileLength(ctx.segmentLength())
            // The archive starts (or extends) a recording only with this much free space on the journal's disk.
            .lowStorageSpaceThreshold(ctx.segmentLength())
            .fileSyncLevel(0)
            .catalogFileSyncLevel(FsyncPolicy.NEVER == ctx.fsync() ? 0 : 1)
            .deleteArchiveOnStart(false)
            .archiveId(1)
            .errorHandler(ctx.errorHandler()::accept));
        final AgentInvoker archiveInvoker = archive.invoker();
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .useConductorAgentInvoker(true)
            .driverAgentInvoker(archiveInvoker)
            .errorHandler(ctx.errorHandler()::accept));
        control = AeronArchive.connect(new AeronArchive.Context()
            .aeron(aeron)
            .ownsAeronClient(false)
            .controlRequestChannel("aeron:ipc")
            .controlRequestStreamId(AeronArchive.Configuration.LOCAL_CONTROL_STREAM_ID_DEFAULT)
            .controlResponseChannel("aeron:ipc")
            .agentInvoker(archiveInvoker)
            .errorHandler(ctx.errorHandler()::accept));

        final String publicationChannel;
        final long startPosition;
        final int termLength;
        final int segmentLength;
        if (null == existing)
        {
            recordingSubscriptionId = control.startRecording(RECORD_CHANNEL, STREAM_ID, SourceLocation.LOCAL);
            termLength = ctx.termLength();
            segmentLength = ctx.segmentLength();
            startPosition = 0;
            publicationChannel = new ChannelUriStringBuilder().media("ipc")
                .sessionId(SESSION_ID).termLength(termLength).mtu(ctx.mtu()).build();
        }
        else
        {
            final long stop = control.getStopPosition(existing.recordingId());
            if (stop > resumePosition)
            {
                LOG.warn("journal: truncating recording {} from {} to {}", existing.recordingId(), stop,
                    resumePosition);
                control.truncateRecording(existing.recordingId(), resumePosition);
            }
            recordingSubscriptionId = control.extendRecording(
                existing.recordingId(), RECORD_CHANNEL, STREAM_ID, SourceLocation.LOCAL);
            termLength = existing.termLength();
            segmentLength = existing.segmentLength();
            startPosition = existing.startPosition();
            publicationChannel = new ChannelUriStringBuilder().media("ipc")
                .sessionId(SESSION_ID).mtu(existing.mtu())
                .initialPosition(resumePosition, existing.initialTermId(), termLength).build();
        }
        publication = aeron.addExclusivePublication(publicationChannel, STREAM_ID);
        recordingCounterId = awaitRecordingCounter(archiveInvoker);
        recordingId = RecordingPos.getRecordingId(aeron.countersReader(), recordingCounterId);
        final RecordingLayout layout = new RecordingLayout(ctx.directory(), recordingId, startPosition, termLength,
            segmentLength);
        final long position = publication.position();
        durable = new DurablePosition(position);
        agent = new JournalAgent(ctx, archiveInvoker, aeron.conductorAgentInvoker(), aeron.countersReader(),
            recordingCounterId, control, layout, durable, position);
        writer = new JournalWriter(publication, durable, ctx.metrics(), agent::onAppended);
    }

    private int awaitRecordingCounter(final AgentInvoker archiveInvoker)
    {
        final CountersReader counters = aeron.countersReader();
        final long deadline = System.nanoTime() + SETUP_TIMEOUT_NS;
        while (true)
        {
            final int id = RecordingPos.findCounterIdBySession(counters, SESSION_ID, control.archiveId());
            if (CountersReader.NULL_COUNTER_ID != id)
            {
                return id;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the archive did not start recording the journal within 10 s");
            }
            if (0 == archiveInvoker.invoke() + aeron.conductorAgentInvoker().invoke())
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Start the journal thread, which starts the embedded driver at once and waits for {@link #resume} to start the
     * archive and the recording: recovery reads the journal's files meanwhile, so the driver's start costs no time.
     * Close it if recovery fails.
     */
    public static Journal prepare(final Context ctx)
    {
        ctx.conclude();
        final Journal journal = new Journal(ctx);
        journal.thread.start();
        return journal;
    }

    /**
     * Start the journal thread, which starts the embedded driver and archive and resumes (or starts) the recording;
     * returns once that is done.
     *
     * @param existing       the recording recovery found, or null for a new journal.
     * @param resumePosition where the valid journal ends (recovery's finding): the recording is truncated to it if it
     *                       is longer, and extended from it.
     * @throws RuntimeException what start-up failed with.
     */
    public static Journal launch(final Context ctx, final JournalRecording existing, final long resumePosition)
    {
        return prepare(ctx).resume(existing, resumePosition);
    }

    /**
     * Start the archive and resume (or start) the recording on the journal thread of a {@link #prepare}d journal;
     * returns once that is done. Once only.
     *
     * @param existing       the recording recovery found, or null for a new journal.
     * @param resumePosition where the valid journal ends (recovery's finding): the recording is truncated to it if it
     *                       is longer, and extended from it.
     * @return this.
     * @throws RuntimeException what start-up failed with (the journal is closed then).
     */
    public Journal resume(final JournalRecording existing, final long resumePosition)
    {
        this.existing = existing;
        this.resumePosition = resumePosition;
        resumed.countDown();
        try
        {
            started.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while the journal started", ex);
        }
        final Throwable failure = startFailure;
        if (null != failure)
        {
            throw failure instanceof RuntimeException ? (RuntimeException)failure :
                new IllegalStateException("journal failed to start: " + failure, failure);
        }
        return this;
    }

    /** @return the core thread's append API. */
    public JournalWriter writer()
    {
        return writer;
    }

    /** @return how far the journal is durable (any thread). */
    public DurablePosition durablePosition()
    {
        return durable;
    }

    /** @return the recording's id (snapshots name it). */
    public long recordingId()
    {
        return recordingId;
    }

    /** @return where the recording's bytes are, with its current start (moves on purge). */
    public RecordingLayout layout()
    {
        return agent.layout();
    }

    /** @return the position up to which the archive has recorded (any thread). */
    public long recordedPosition()
    {
        return ctx.metrics().recordedPosition();
    }

    /**
     * Any thread: drop whole segments that end at or before {@code position} and were last written before
     * {@code olderThanMillis} (epoch ms); done by the journal thread shortly after.
     */
    public void requestPurge(final long position, final long olderThanMillis)
    {
        agent.requestPurge(position, olderThanMillis);
    }

    /** @return the settings in force. */
    public Context context()
    {
        return ctx;
    }

    /**
     * Stop the journal thread after it recorded and synced everything appended (the core must have stopped
     * appending) and stopped the recording so the catalog holds its end; the archive and driver close. Idempotent.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != writer)
        {
            closePosition = writer.position();
        }
        running = false;
        resumed.countDown(); // a journal prepared but never resumed: its thread stops instead of starting the archive
        LockSupport.unpark(thread);
        try
        {
            if (!stopped.await(30, TimeUnit.SECONDS))
            {
                LOG.warn("journal: the journal thread did not stop within 30 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Journal settings. Every setting has a default (and a system property where an operator may want one);
     * {@link #conclude()} validates once, at launch.
     */
    public static final class Context
    {
        /** Bytes per term of the recorded publication; the core may run at most half of it ahead of the archive. */
        public static final String TERM_LENGTH_PROP = "clasp.journal.term.length";
        public static final int TERM_LENGTH_DEFAULT = 16 * 1024 * 1024;
        /** Smallest term: its half (what the core may append ahead of the archive) holds several largest records. */
        public static final int MIN_TERM_LENGTH = 512 * 1024;
        /** Bytes per segment file (a multiple of the term length). */
        public static final String SEGMENT_LENGTH_PROP = "clasp.journal.segment.length";
        public static final int SEGMENT_LENGTH_DEFAULT = 128 * 1024 * 1024;
        /** Largest frame of the recorded publication; larger records are fragmented. */
        public static final int MTU_DEFAULT = 8192;
        public static final long FSYNC_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(2);
        /** Longest the journal thread parks when it has nothing to record. */
        public static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

        private boolean concluded;
        private File directory;
        private FsyncPolicy fsync = FsyncPolicy.BATCH;
        private long fsyncIntervalNs = FSYNC_INTERVAL_DEFAULT_NS;
        private int termLength = Integer.getInteger(TERM_LENGTH_PROP, TERM_LENGTH_DEFAULT);
        private int segmentLength = Integer.getInteger(SEGMENT_LENGTH_PROP, SEGMENT_LENGTH_DEFAULT);
        private int mtu = MTU_DEFAULT;
        private String aeronDirParent;
        private JournalMetrics metrics = new JournalMetrics();
        private Consumer<Throwable> errorHandler = t -> LOG.error("journal error", t);
        private Runnable beforeSync = () -> { };
        private long maxParkNs = MAX_PARK_NS;

        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(fsync, "fsync");
            if (fsyncIntervalNs < 0)
            {
                throw new IllegalArgumentException("fsyncInterval must be >= 0");
            }
            if (Integer.bitCount(termLength) != 1 || termLength < MIN_TERM_LENGTH)
            {
                // The core may run half a term ahead of the archive; that must hold a few of the largest records.
                throw new IllegalArgumentException("termLength must be a power of two >= 512 KiB: " + termLength);
            }
            if (Integer.bitCount(segmentLength) != 1 || segmentLength < termLength)
            {
                throw new IllegalArgumentException("segmentLength must be a power of two >= termLength");
            }
            if (null == aeronDirParent)
            {
                final File shm = new File("/dev/shm");
                aeronDirParent = shm.isDirectory() && shm.canWrite() ? shm.getPath() :
                    System.getProperty("java.io.tmpdir");
            }
            try
            {
                java.nio.file.Files.createDirectories(directory.toPath());
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException("cannot create journal directory " + directory, ex);
            }
            concluded = true;
            return this;
        }

        private void checkMutable()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
        }

        /** @return where the archive keeps the catalog and segment files. */
        public File directory()
        {
            return directory;
        }

        public Context directory(final File directory)
        {
            checkMutable();
            this.directory = directory;
            return this;
        }

        /** @return the sync policy (default batch). */
        public FsyncPolicy fsync()
        {
            return fsync;
        }

        public Context fsync(final FsyncPolicy fsync)
        {
            checkMutable();
            this.fsync = fsync;
            return this;
        }

        /** @return the batch window: most time a recorded record waits for its sync (default 2 ms). */
        public long fsyncIntervalNs()
        {
            return fsyncIntervalNs;
        }

        public Context fsyncIntervalNs(final long ns)
        {
            checkMutable();
            this.fsyncIntervalNs = ns;
            return this;
        }

        /** @return term length of the recorded publication (default 16 MiB). Fixed for a recording once started. */
        public int termLength()
        {
            return termLength;
        }

        public Context termLength(final int bytes)
        {
            checkMutable();
            this.termLength = bytes;
            return this;
        }

        /** @return segment file length (default 128 MiB). Fixed for a recording once started. */
        public int segmentLength()
        {
            return segmentLength;
        }

        public Context segmentLength(final int bytes)
        {
            checkMutable();
            this.segmentLength = bytes;
            return this;
        }

        /** @return MTU of the recorded publication (default 8 KiB). */
        public int mtu()
        {
            return mtu;
        }

        /** @return where the embedded driver's directory is made (default /dev/shm, else the temp directory). */
        public String aeronDirParent()
        {
            return aeronDirParent;
        }

        public Context aeronDirParent(final String parent)
        {
            checkMutable();
            this.aeronDirParent = parent;
            return this;
        }

        public JournalMetrics metrics()
        {
            return metrics;
        }

        public Context metrics(final JournalMetrics metrics)
        {
            checkMutable();
            this.metrics = metrics;
            return this;
        }

        public Consumer<Throwable> errorHandler()
        {
            return errorHandler;
        }

        public Context errorHandler(final Consumer<Throwable> handler)
        {
            checkMutable();
            this.errorHandler = handler;
            return this;
        }

        /**
         * @return the longest the journal thread parks (default {@link #MAX_PARK_NS}): it also paces the archive's
         * upkeep, which runs every 100 ms.
         */
        public long maxParkNs()
        {
            return maxParkNs;
        }

        /**
         * @param ns the longest the journal thread parks; for tests that must see a wake-up that was missed, which the
         *           default would cover up within 10 ms. @return this.
         */
        public Context maxParkNs(final long ns)
        {
            checkMutable();
            this.maxParkNs = ns;
            return this;
        }

        /** @return what the journal thread runs before each sync (nothing by default). */
        public Runnable beforeSync()
        {
            return beforeSync;
        }

        /**
         * @param hook run on the journal thread before each sync (also under {@code never}, where the sync is only
         *             the publication of the recorded position). For tests and fault injection: a hook that blocks
         *             holds every ACK waiting for that sync, as a slow disk would. @return this.
         */
        public Context beforeSync(final Runnable hook)
        {
            checkMutable();
            this.beforeSync = Objects.requireNonNull(hook, "hook");
            return this;
        }
    }
}
