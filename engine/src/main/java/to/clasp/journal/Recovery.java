package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.state.ParamStore;
import to.clasp.state.WriteResult;

/**
 * Rebuilds the state at start-up, before the archive starts: the newest snapshot that checks out whole, then every
 * journal record after the position it started from, in order (records hold a param's full state, so replaying one
 * that the snapshot already reflects is harmless). A corrupt snapshot is skipped for the one before it (and a longer
 * replay); a torn or corrupt journal tail is cut off where the valid records end, with a WARN, so the archive resumes
 * the recording there. With files present but nothing valid to start from it refuses, with the reason.
 * <p>
 * Restored params keep their revision, writer, timestamp and TTL deadline; no locks; revisions continue from there.
 */
public final class Recovery
{
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** Thrown when the data directory holds durable state that cannot be recovered. */
    public static final class UnrecoverableStateException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UnrecoverableStateException(final String message)
        {
            super(message);
        }
    }

    /** What recovery found and did. */
    public static final class Result
    {
        JournalRecording recording;
        long resumePosition;
        File snapshot;
        long snapshotParams;
        long replayedRecords;
        long truncatedFrom = -1;
        String truncationReason;
        long params;
        long durationNs;
        boolean freshSnapshotNeeded;

        /** @return the journal's recording, or null when there is none yet. */
        public JournalRecording recording()
        {
            return recording;
        }

        /** @return where the valid journal ends: the recording resumes here. */
        public long resumePosition()
        {
            return resumePosition;
        }

        /** @return the snapshot loaded, or null. */
        public File snapshot()
        {
            return snapshot;
        }

        public long replayedRecords()
        {
            return replayedRecords;
        }

        /** @return params in the store after recovery. */
        public long params()
        {
            return params;
        }

        public long durationNs()
        {
            return durationNs;
        }

        /** @return the position a torn tail was cut at, or -1. */
        public long truncatedFrom()
        {
            return truncatedFrom;
        }

        /**
         * @return whether a snapshot must be written before serving: the state came from a snapshot that the journal
         * does not continue (journal missing, or shorter than the snapshot), so later recoveries need a new base.
         */
        public boolean freshSnapshotNeeded()
        {
            return freshSnapshotNeeded;
        }

        /** @return one line for the start-up log. */
        public String describe()
        {
            final StringBuilder b = new StringBuilder();
            b.append(params).append(" params recovered");
            if (null != snapshot)
            {
                b.append(" from ").append(snapshot.getName()).append(" (").append(snapshotParams).append(" params)");
            }
            b.append(null != snapshot ? " + " : " from ").append(replayedRecords).append(" journal records");
            if (truncatedFrom >= 0)
            {
                b.append(", torn journal tail cut at position ").append(truncatedFrom);
            }
            b.append(" in ").append(durationNs / 1_000_000).append(" ms");
            return b.toString();
        }
    }

    private Recovery()
    {
    }

    /**
     * @param journalDir   the archive's directory.
     * @param snapshots    the snapshot directory.
     * @param store        an empty store to fill.
     */
    public static Result recover(
        final File journalDir, final SnapshotFiles snapshots, final ParamStore store, final JournalMetrics metrics)
    {
        final long start = System.nanoTime();
        final Result result = new Result();
        final JournalRecording recording = JournalRecording.find(journalDir);
        result.recording = recording;

        // 1. The newest snapshot that checks out and that the journal can continue from.
        final SnapshotReader reader = new SnapshotReader();
        final List<File> candidates = snapshots.newestFirst();
        File chosen = null;
        for (final File candidate : candidates)
        {
            if (!reader.check(candidate))
            {
                LOG.warn("snapshot {} is unusable ({}); trying the one before it", candidate.getName(),
                    reader.problem());
                continue;
            }
            if (null != recording && reader.recordingId() == recording.recordingId() &&
                reader.journalPosition() < recording.startPosition())
            {
                LOG.warn("snapshot {} starts at journal position {}, before the journal's retained start {}; " +
                    "trying the one before it", candidate.getName(), reader.journalPosition(),
                    recording.startPosition());
                continue;
            }
            chosen = candidate;
            break;
        }

        long replayFrom;
        boolean replay = null != recording;
        if (null != chosen)
        {
            reader.load(chosen, store);
            result.snapshot = chosen;
            result.snapshotParams = reader.paramCount();
            if (null == recording || reader.recordingId() != recording.recordingId())
            {
                LOG.warn("snapshot {} belongs to journal recording {}, which is not there: recovering from the " +
                    "snapshot alone", chosen.getName(), reader.recordingId());
                replay = false;
                result.freshSnapshotNeeded = true;
            }
            replayFrom = reader.journalPosition();
        }
        else if (null != recording && 0 == recording.startPosition())
        {
            if (!candidates.isEmpty())
            {
                LOG.warn("no usable snapshot: replaying the whole journal");
            }
            replayFrom = 0;
        }
        else if (null == recording && candidates.isEmpty())
        {
            replayFrom = 0; // a new data directory
        }
        else
        {
            throw new UnrecoverableStateException(null == recording ?
                "the data directory holds snapshots but none is intact, and no journal" :
                "no intact snapshot, and the journal no longer starts at its beginning (position " +
                    recording.startPosition() + "): the state cannot be rebuilt");
        }

        // 2. Replay the journal after the snapshot; find where its valid records end.
        if (replay)
        {
            final RecordingLayout layout = recording.layout(journalDir);
            final long limit = recording.stoppedCleanly() ? recording.stopPosition() : Long.MAX_VALUE;
            final long[] replayed = {0};
            final JournalReader.RecordHandler apply = (codec, template, buffer, offset, length, s, e) ->
            {
                replayed[0]++;
                if (RecordCodec.PARAM_WRITTEN == template)
                {
                    if (store.restore(buffer, codec.addressOffset(), codec.addressLength(),
                        buffer, codec.valueOffset(), codec.valueLength(),
                        buffer, codec.writerOffset(), codec.writerLength(),
                        codec.revision(), codec.timestampMicros(), codec.hasTtl(), codec.ttlRaw(),
                        codec.deadlineMicros()) == -WriteResult.STATE_FULL)
                    {
                        throw new UnrecoverableStateException("the journal holds more params than the router may " +
                            "store (--max-params " + store.capacity() + ")");
                    }
                }
                else if (RecordCodec.PARAM_REMOVED == template)
                {
                    final int id = store.find(buffer, codec.addressOffset(), codec.addressLength());
                    if (ParamStore.NULL_ID != id)
                    {
                        store.remove(id);
                    }
                }
                return true;
            };
            final JournalReader.Outcome outcome;
            final long validEnd;
            final String why;
            try (JournalReader journal = new JournalReader())
            {
                outcome = journal.read(layout, replayFrom, limit, apply);
                validEnd = journal.validEnd();
                why = journal.invalidReason();
            }
            result.replayedRecords = replayed[0];
            if (JournalReader.Outcome.INVALID == outcome || (recording.stoppedCleanly() && validEnd < limit))
            {
                result.truncatedFrom = validEnd;
                result.truncationReason = null != why ? why : "journal ends before its recorded stop position";
                LOG.warn("journal: torn or corrupt tail at position {} ({}); truncating the journal there",
                    validEnd, result.truncationReason);
                if (!recording.stoppedCleanly())
                {
                    cutTail(layout, validEnd);
                }
            }
            result.resumePosition = validEnd;
            if (null != chosen && reader.endPosition() > validEnd)
            {
                // The snapshot holds writes the journal lost (machine crash under --fsync never): keep them, and
                // write a new snapshot before serving so later recoveries do not go back behind it.
                result.freshSnapshotNeeded = true;
            }
        }
        result.params = store.size();
        result.durationNs = System.nanoTime() - start;
        metrics.recovered(result.durationNs, result.params, result.replayedRecords,
            result.truncatedFrom >= 0 ? 1 : 0);
        return result;
    }

    /**
     * Cut a recording the archive did not stop (crash) at {@code position}, before the archive starts: zero the rest
     * of that segment (the archive finds a recording's end at the first zero frame header) and delete later segments.
     * A stopped recording is truncated through the archive instead.
     */
    static void cutTail(final RecordingLayout layout, final long position)
    {
        final long base = layout.segmentBase(position);
        final File segment = layout.segmentFile(position);
        try
        {
            if (segment.exists())
            {
                try (FileChannel channel = FileChannel.open(segment.toPath(), StandardOpenOption.WRITE))
                {
                    channel.truncate(position - base);
                    // Keep the file's full length, as the archive preallocates it: the hole reads as zeros.
                    channel.write(ByteBuffer.wrap(new byte[1]), layout.segmentLength() - 1);
                    channel.force(true);
                }
            }
            final File[] files = layout.directory().listFiles((d, n) ->
                n.startsWith(layout.recordingId() + "-") && n.endsWith(RecordingLayout.SEGMENT_SUFFIX));
            if (null != files)
            {
                for (final File f : files)
                {
                    final String n = f.getName();
                    final long fileBase = Long.parseLong(
                        n.substring(n.indexOf('-') + 1, n.length() - RecordingLayout.SEGMENT_SUFFIX.length()));
                    if (fileBase > base)
                    {
                        Files.delete(f.toPath());
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot truncate the journal at position " + position, ex);
        }
    }
}
