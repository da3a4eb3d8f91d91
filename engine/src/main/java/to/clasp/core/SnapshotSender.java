package to.clasp.core;

import java.util.ArrayDeque;

import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.Pattern;
import to.clasp.protocol.Frame;
import to.clasp.protocol.SnapshotEncoder;
import to.clasp.state.ParamStore;

/**
 * Sends SNAPSHOTs (on HELLO, on SUBSCRIBE, on GET) chunked by encoded size (payload ≤ 65 535 bytes) and at most
 * {@value SnapshotEncoder#DEFAULT_MAX_ENTRIES} entries per chunk. A large snapshot is sent incrementally: chunks go
 * out while the recipient's queue is below the soft limit, and the job resumes on later cycles as the recipient
 * drains, so a 1 M-param state never lands in one queue at once. Entries are read from the store when the chunk is
 * encoded, so a resumed snapshot is never older than live updates the recipient already got.
 * <p>
 * Snapshot output is also paced per session by a byte budget (a token bucket: {@code snapshotBytesPerSecond},
 * a burst of one second's worth): a client that asks for the same large snapshot fifty times gets it at that rate,
 * not as gigabytes at once. Live updates are not paced.
 * <p>
 * And the snapshot work of one duty cycle is bounded across all sessions ({@link #BYTES_PER_CYCLE}): a thousand
 * clients reconnecting to a large state each need the whole of it, but encoding it for all of them at once would hold
 * the core (and, with a shared core, the event loop) for seconds; spread over cycles, inbound frames and other
 * sessions are served in between.
 */
final class SnapshotSender
{
    private static final int END = -1;
    /** Snapshot bytes queued per duty cycle, all sessions together (a few milliseconds of encoding). */
    static final long BYTES_PER_CYCLE = 512 * 1024;

    /** One pending snapshot for one session. */
    static final class Job
    {
        Pattern pattern;        // null = everything
        IntArrayList candidates; // ids that may match (from the ParamDirectory); null = scan every param
        int cursor;             // next param id (full scan) or candidates position to look at
        boolean sendEvenIfEmpty;
        boolean sentAny;
        /** Kept with the job when it is recycled: {@link #candidates} points here or is null. */
        final IntArrayList candidateIds = new IntArrayList();
    }

    /** Finished jobs for reuse: a client that subscribes and unsubscribes all the time leaves no garbage here. */
    private static final int SPARE_JOBS = 64;
    private final ArrayDeque<Job> spareJobs = new ArrayDeque<>(SPARE_JOBS);

    private final ParamStore store;
    private final Outbox outbox;
    private final ParamDirectory directory;
    private final CycleClock clock;
    private final RouterMetrics metrics;
    /** Snapshot bytes per second per session; 0 = unpaced. Also the burst. */
    private final long bytesPerSecond;
    private final SnapshotEncoder encoder = new SnapshotEncoder();
    private long cycleBytesLeft = BYTES_PER_CYCLE;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);

    SnapshotSender(final ParamStore store, final Outbox outbox, final ParamDirectory directory,
        final CycleClock clock, final RouterMetrics metrics, final long bytesPerSecond)
    {
        this.store = store;
        this.outbox = outbox;
        this.directory = directory;
        this.clock = clock;
        this.metrics = metrics;
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * Queue a snapshot job and send what fits now.
     *
     * @param pattern         params to include; null for all.
     * @param sendEvenIfEmpty the HELLO snapshot is sent even when there is nothing to send.
     */
    void start(final Session s, final Pattern pattern, final boolean sendEvenIfEmpty)
    {
        final Job spare = spareJobs.pollFirst();
        final Job job = null == spare ? new Job() : spare;
        job.pattern = pattern;
        job.sendEvenIfEmpty = sendEvenIfEmpty;
        job.candidates = null;
        job.cursor = 0;
        job.sentAny = false;
        if (null != pattern)
        {
            // Only params the pattern can match (its literal prefix's subtree), not the whole store. Params created
            // after this point are not added: like the full scan's cursor, a snapshot may or may not include a param
            // created while it is being sent (live updates for it go out anyway: the subscription is registered).
            final IntArrayList candidates = job.candidateIds;
            candidates.clear();
            job.candidates = directory.candidates(pattern, candidates) ? candidates : null;
        }
        s.snapshotJobs.addLast(job);
        // A new snapshot's first chunk goes out now even when this cycle's snapshot work is used up, so a small
        // snapshot always precedes the live updates that follow its SUBSCRIBE (the per-session budget still applies).
        pump(s, s.snapshotJobs.size() == 1);
    }

    /**
     * Send chunks of the session's pending jobs while its queue has room.
     *
     * @return {@code true} when the session has no snapshot work left.
     */
    boolean pump(final Session s)
    {
        return pump(s, false);
    }

    private boolean pump(final Session s, final boolean firstChunkNow)
    {
        boolean cycleExempt = firstChunkNow;
        while (!s.snapshotJobs.isEmpty())
        {
            if (s.isGone())
            {
                s.snapshotJobs.clear();
                return true;
            }
            if (!outbox.hasRoom(s))
            {
                outbox.revisitLater(s);
                return false;
            }
            if (cycleBytesLeft <= 0 && !cycleExempt)
            {
                // This cycle's snapshot work is done; the session is revisited in the next one.
                outbox.revisitLater(s);
                return false;
            }
            if (!withinBudget(s))
            {
                // Revisited with the congested sessions (at least every millisecond) until the budget refills.
                metrics.snapshotPaced();
                outbox.revisitLater(s);
                return false;
            }
            cycleExempt = false;
            final Job job = s.snapshotJobs.peekFirst();
            if (sendChunk(s, job))
            {
                s.snapshotJobs.pollFirst();
                recycle(job);
            }
        }
        return true;
    }

    private void recycle(final Job job)
    {
        job.pattern = null;
        if (job.candidateIds.capacity() <= 1024 && spareJobs.size() < SPARE_JOBS)
        {
            job.candidateIds.clear();
            spareJobs.addLast(job);
        }
    }

    /** End of a duty cycle: the next one may queue {@link #BYTES_PER_CYCLE} of snapshots again. */
    void endOfCycle()
    {
        cycleBytesLeft = BYTES_PER_CYCLE;
    }

    /**
     * @return whether the session's snapshot budget allows another chunk now (refilled for the time passed).
     */
    private boolean withinBudget(final Session s)
    {
        if (0 == bytesPerSecond)
        {
            return true;
        }
        final long nowNs = clock.nanoTime();
        final long elapsedNs = nowNs - s.snapshotRefillNs;
        if (elapsedNs > 0)
        {
            s.snapshotRefillNs = nowNs;
            // A fresh session (refill time 0) starts with a full burst.
            final long refill = elapsedNs >= 1_000_000_000L ? bytesPerSecond :
                elapsedNs * bytesPerSecond / 1_000_000_000L;
            s.snapshotTokens = Math.min(bytesPerSecond, s.snapshotTokens + refill);
        }
        return s.snapshotTokens > 0;
    }

    /**
     * Encode and queue one chunk.
     *
     * @return {@code true} when the job is complete.
     */
    private boolean sendChunk(final Session s, final Job job)
    {
        encoder.begin(scratch, 0);
        int position = seek(job, job.cursor);
        final Pattern pattern = job.pattern;
        final boolean readsAll = s.scopes.readsEverything();
        while (END != position)
        {
            final int id = null == job.candidates ? position : job.candidates.getInt(position);
            final int addressOffset = store.addressOffset(id);
            final int addressLength = store.addressLength(id);
            // With auth, only what the session may read: the HELLO snapshot of a read-only token is cut to its scopes
            // (a SUBSCRIBE's pattern was checked to be covered by one read scope, so it never cuts anything there).
            if ((null == pattern || pattern.matches(store.addressBuffer(), addressOffset, addressLength)) &&
                (readsAll || s.scopes.canRead(store.addressBuffer(), addressOffset, addressLength)))
            {
                if (encoder.count() >= SnapshotEncoder.DEFAULT_MAX_ENTRIES || !encoder.addEntry(
                    store.addressBuffer(), addressOffset, addressLength,
                    store.valueBuffer(), store.valueOffset(id), store.valueLength(id),
                    store.revision(id),
                    store.writerBuffer(), store.writerOffset(id), store.writerLength(id),
                    true, store.timestamp(id)))
                {
                    if (encoder.count() > 0)
                    {
                        break; // chunk full; this entry starts the next one
                    }
                    // An entry too large for any SNAPSHOT (a near-64 KiB value plus the entry overhead) cannot be
                    // sent at all; skip it rather than loop on it.
                }
            }
            position = seek(job, position + 1);
        }
        final boolean done = END == position;
        job.cursor = done ? Integer.MAX_VALUE : position;
        if (encoder.count() > 0 || (done && job.sendEvenIfEmpty && !job.sentAny))
        {
            final int length = encoder.finish();
            outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
            s.snapshotTokens -= length;
            cycleBytesLeft -= length;
            job.sentAny = true;
        }
        return done;
    }

    /**
     * @return the first position at or after {@code from} holding a live param: an id for a full scan, an index into
     * the candidates otherwise; {@link #END} when there is none. A candidate may have been removed (or its id reused
     * by another address) since the job started: the liveness check here and the pattern check in the caller cover
     * both.
     */
    private int seek(final Job job, final int from)
    {
        final IntArrayList candidates = job.candidates;
        if (null == candidates)
        {
            final int id = store.nextLive(from);
            return ParamStore.NULL_ID == id ? END : id;
        }
        for (int i = from, n = candidates.size(); i < n; i++)
        {
            if (store.isLive(candidates.getInt(i)))
            {
                return i;
            }
        }
        return END;
    }

    /**
     * Encode a one-entry SNAPSHOT of a param (the GET reply) into {@code dst}.
     *
     * @return the frame length.
     */
    int encodeSingle(final int id, final UnsafeBuffer dst)
    {
        encoder.begin(dst, 0);
        encoder.addEntry(
            store.addressBuffer(), store.addressOffset(id), store.addressLength(id),
            store.valueBuffer(), store.valueOffset(id), store.valueLength(id),
            store.revision(id),
            store.writerBuffer(), store.writerOffset(id), store.writerLength(id),
            true, store.timestamp(id));
        return encoder.finish();
    }
}
