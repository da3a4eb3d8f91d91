package to.clasp.journal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of the durable state, each written by one thread (named per method) with ordered writes and read by any
 * (the metrics scrape). Rates (records/s, bytes/s) are the scraper's job: these are totals.
 */
public final class JournalMetrics
{
    private static final int APPENDED_RECORDS = 0;
    private static final int APPENDED_BYTES = 1;
    private static final int REFUSED_APPENDS = 2;
    private static final int RECORDED_POSITION = 3;
    private static final int DURABLE_POSITION = 4;
    private static final int SNAPSHOTS = 5;
    private static final int SNAPSHOT_FAILURES = 6;
    private static final int SNAPSHOT_LAST_NS = 7;
    private static final int SNAPSHOT_LAST_BYTES = 8;
    private static final int SNAPSHOT_LAST_PARAMS = 9;
    private static final int RECOVERY_NS = 10;
    private static final int RECOVERED_PARAMS = 11;
    private static final int REPLAYED_RECORDS = 12;
    private static final int TORN_TAILS = 13;
    private static final int REPLAY_REQUESTS = 14;
    private static final int REPLAY_FRAMES = 15;
    private static final int PURGED_SEGMENTS = 16;
    private static final int SYNC_FAILURES = 17;
    private static final int FAILED = 18;
    private static final int COUNT = 19;

    private final AtomicLongArray values = new AtomicLongArray(COUNT);
    private final LatencyHistogram fsyncLatency = new LatencyHistogram();
    private final LatencyHistogram ackHold = new LatencyHistogram();
    private final LatencyHistogram ackReleaseLag = new LatencyHistogram();

    private void add(final int index, final long delta)
    {
        values.lazySet(index, values.get(index) + delta);
    }

    // ------------------------------------------------------------------------------------------ core thread

    /** Core thread: one record appended to the journal. */
    public void appended(final int bytes)
    {
        add(APPENDED_RECORDS, 1);
        add(APPENDED_BYTES, bytes);
    }

    /** Core thread: an append the journal could not take (back-pressured or failed). */
    public void refusedAppend()
    {
        add(REFUSED_APPENDS, 1);
    }

    /** Core thread: how long a QoS ≥ 1 ACK waited for its record to be synced. */
    public LatencyHistogram ackHold()
    {
        return ackHold;
    }

    /**
     * Core thread: from the end of the sync that made held ACKs durable to the core sending them (one sample per duty
     * cycle that released any): the hand-off from the journal thread back to the core.
     */
    public LatencyHistogram ackReleaseLag()
    {
        return ackReleaseLag;
    }

    // ------------------------------------------------------------------------------------------ journal thread

    /** Journal thread: fsync latency. */
    public LatencyHistogram fsyncLatency()
    {
        return fsyncLatency;
    }

    void positions(final long recorded, final long durable)
    {
        values.lazySet(RECORDED_POSITION, recorded);
        values.lazySet(DURABLE_POSITION, durable);
    }

    void syncFailed()
    {
        add(SYNC_FAILURES, 1);
    }

    /** Journal thread: the journal stopped making records durable (see {@link DurablePosition#failure()}). */
    void markFailed()
    {
        values.lazySet(FAILED, 1);
    }

    void purged(final int segments)
    {
        add(PURGED_SEGMENTS, segments);
    }

    // ------------------------------------------------------------------------------------------ snapshot writer

    void snapshotWritten(final long durationNs, final long bytes, final long params)
    {
        values.lazySet(SNAPSHOT_LAST_NS, durationNs);
        values.lazySet(SNAPSHOT_LAST_BYTES, bytes);
        values.lazySet(SNAPSHOT_LAST_PARAMS, params);
        add(SNAPSHOTS, 1);
    }

    void snapshotFailed()
    {
        add(SNAPSHOT_FAILURES, 1);
    }

    // ------------------------------------------------------------------------------------------ start-up

    void recovered(final long durationNs, final long params, final long records, final long tornTails)
    {
        values.lazySet(RECOVERY_NS, durationNs);
        values.lazySet(RECOVERED_PARAMS, params);
        values.lazySet(REPLAYED_RECORDS, records);
        values.lazySet(TORN_TAILS, tornTails);
    }

    // ------------------------------------------------------------------------------------------ replay thread

    void replayed(final long frames)
    {
        add(REPLAY_FRAMES, frames);
    }

    void replayRequest()
    {
        add(REPLAY_REQUESTS, 1);
    }

    // ------------------------------------------------------------------------------------------ readers

    public long appendedRecords()
    {
        return values.get(APPENDED_RECORDS);
    }

    public long appendedBytes()
    {
        return values.get(APPENDED_BYTES);
    }

    public long refusedAppends()
    {
        return values.get(REFUSED_APPENDS);
    }

    public long recordedPosition()
    {
        return values.get(RECORDED_POSITION);
    }

    public long durablePosition()
    {
        return values.get(DURABLE_POSITION);
    }

    public long syncFailures()
    {
        return values.get(SYNC_FAILURES);
    }

    /** @return 1 once the journal has failed (disk full, I/O error, failed sync), else 0. */
    public long failed()
    {
        return values.get(FAILED);
    }

    public long purgedSegments()
    {
        return values.get(PURGED_SEGMENTS);
    }

    public long snapshots()
    {
        return values.get(SNAPSHOTS);
    }

    public long snapshotFailures()
    {
        return values.get(SNAPSHOT_FAILURES);
    }

    public long lastSnapshotNs()
    {
        return values.get(SNAPSHOT_LAST_NS);
    }

    public long lastSnapshotBytes()
    {
        return values.get(SNAPSHOT_LAST_BYTES);
    }

    public long lastSnapshotParams()
    {
        return values.get(SNAPSHOT_LAST_PARAMS);
    }

    public long recoveryNs()
    {
        return values.get(RECOVERY_NS);
    }

    public long recoveredParams()
    {
        return values.get(RECOVERED_PARAMS);
    }

    public long replayedRecords()
    {
        return values.get(REPLAYED_RECORDS);
    }

    public long tornTails()
    {
        return values.get(TORN_TAILS);
    }

    public long replayRequests()
    {
        return values.get(REPLAY_REQUESTS);
    }

    public long replayFrames()
    {
        return values.get(REPLAY_FRAMES);
    }
}
