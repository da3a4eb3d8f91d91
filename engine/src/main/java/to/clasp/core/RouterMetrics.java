package to.clasp.core;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The router's counters and gauges. Written only by the core thread with ordered (lazy) writes, so updates cost a
 * plain store; read from any thread (a metrics exporter) with volatile reads. Values are monotonic counters unless
 * documented as gauges.
 */
public final class RouterMetrics
{
    /** Error codes the router sends, in the order of {@link #errorCodeAt(int)}. */
    private static final int[] ERROR_CODES = {100, 101, 200, 201, 202, 300, 301, 302, 400, 404, 429, 500, 501, 503};

    /** Upper bounds (inclusive) of the fan-out histogram buckets; the last bucket is unbounded. */
    private static final long[] FAN_OUT_BOUNDS = {0, 1, 4, 16, 64, 256, 1024, Long.MAX_VALUE};

    /**
     * Log2 latency buckets, in ns: bucket 0 holds 0 (and clamped negative readings), bucket b ≥ 1 holds
     * [2^(b-1), 2^b - 1], the last bucket everything from 2^(LATENCY_BUCKETS-2) ns (≈ 137 s) up. Fixed buckets cost
     * one increment per sample, allocate nothing, and a reader on any thread sees plain counters (no HdrHistogram,
     * no copying, no locks). Resolution is a factor of two, which is what a latency overview needs.
     */
    private static final int LATENCY_BUCKETS = 39;

    private static final int SESSIONS = 0;
    private static final int SUBSCRIPTIONS = 1;
    private static final int PARAMS = 2;
    private static final int DECODE_ERRORS = 3;
    private static final int DROPPED = 4;
    private static final int SLOW_CONSUMER_DISCONNECTS = 5;
    private static final int CONFLATED = 6;
    private static final int SESSIONS_OPENED = 7;
    private static final int SESSIONS_CLOSED = 8;
    private static final int HELLO_TIMEOUTS = 9;
    private static final int IDLE_CLOSES = 10;
    private static final int RATE_LIMITED = 11;
    private static final int FRAMES_OUT = 12;
    private static final int BYTES_OUT = 13;
    private static final int EXPIRED_PARAMS = 14;
    private static final int CONNECTIONS = 15;
    private static final int QUERY_RESULTS_TRUNCATED = 16;
    private static final int MESSAGES_IN = 17;                  // 128 slots by type code
    private static final int ERRORS = MESSAGES_IN + 128;         // one slot per ERROR_CODES entry
    private static final int FAN_OUT = ERRORS + ERROR_CODES.length;
    private static final int RING_WAIT = FAN_OUT + FAN_OUT_BOUNDS.length;  // LATENCY_BUCKETS slots, then the sum
    private static final int RING_WAIT_SUM = RING_WAIT + LATENCY_BUCKETS;
    private static final int SERVICE_TIME = RING_WAIT_SUM + 1;              // LATENCY_BUCKETS slots, then the sum
    private static final int SERVICE_TIME_SUM = SERVICE_TIME + LATENCY_BUCKETS;
    // Overload and admission (issue #10).
    private static final int REFUSED_WRITES = SERVICE_TIME_SUM + 1;
    private static final int OUTBOUND_QUEUED_BYTES = REFUSED_WRITES + 1;
    private static final int OUTBOUND_MEMORY_DISCONNECTS = OUTBOUND_QUEUED_BYTES + 1;
    private static final int SNAPSHOT_PACED = OUTBOUND_MEMORY_DISCONNECTS + 1;
    private static final int LENGTH = SNAPSHOT_PACED + 1;

    private final AtomicLongArray values = new AtomicLongArray(LENGTH);

    // ---- readers (any thread) ----

    /** @return SET/PUBLISH/BUNDLE requests refused (address, lock, revision, capacity), whatever their QoS. */
    public long refusedWrites()
    {
        return values.get(REFUSED_WRITES);
    }

    /** @return gauge: bytes queued in every session's outbound queue, as of the last check (every 10 ms). */
    public long outboundQueuedBytes()
    {
        return values.get(OUTBOUND_QUEUED_BYTES);
    }

    /** @return sessions cut because the router's outbound memory passed its global cap (largest first). */
    public long outboundMemoryDisconnects()
    {
        return values.get(OUTBOUND_MEMORY_DISCONNECTS);
    }

    /** @return times a session's snapshot output was held back by its byte budget. */
    public long snapshotsPaced()
    {
        return values.get(SNAPSHOT_PACED);
    }

    /** @return gauge: open (handshaken) sessions. */
    public long sessions()
    {
        return values.get(SESSIONS);
    }

    /** @return gauge: connections known to the core, including ones still in the handshake. */
    public long connections()
    {
        return values.get(CONNECTIONS);
    }

    /** @return gauge: live subscriptions. */
    public long subscriptions()
    {
        return values.get(SUBSCRIPTIONS);
    }

    /** @return gauge: stored params. */
    public long params()
    {
        return values.get(PARAMS);
    }

    /** @return frames that failed to decode (before or after the handshake). */
    public long decodeErrors()
    {
        return values.get(DECODE_ERRORS);
    }

    /** @return outbound messages not delivered: streams dropped for slow consumers, frames refused at limits. */
    public long droppedMessages()
    {
        return values.get(DROPPED);
    }

    /** @return param updates replaced by a newer value before delivery (slow consumer or maxRate conflation). */
    public long conflatedMessages()
    {
        return values.get(CONFLATED);
    }

    /** @return sessions disconnected because their outbound queue passed the hard limit. */
    public long slowConsumerDisconnects()
    {
        return values.get(SLOW_CONSUMER_DISCONNECTS);
    }

    /** @return sessions that completed the handshake. */
    public long sessionsOpened()
    {
        return values.get(SESSIONS_OPENED);
    }

    /** @return sessions removed (disconnect, replacement, close). */
    public long sessionsClosed()
    {
        return values.get(SESSIONS_CLOSED);
    }

    /** @return connections closed for not sending HELLO in time. */
    public long helloTimeouts()
    {
        return values.get(HELLO_TIMEOUTS);
    }

    /** @return sessions closed by the idle timeout. */
    public long idleCloses()
    {
        return values.get(IDLE_CLOSES);
    }

    /** @return inbound frames dropped by the per-session rate limit. */
    public long rateLimited()
    {
        return values.get(RATE_LIMITED);
    }

    /** @return frames queued to sessions. */
    public long framesOut()
    {
        return values.get(FRAMES_OUT);
    }

    /** @return bytes queued to sessions. */
    public long bytesOut()
    {
        return values.get(BYTES_OUT);
    }

    /** @return params removed by TTL expiry. */
    public long expiredParams()
    {
        return values.get(EXPIRED_PARAMS);
    }

    /** @return QUERY answers whose matching definitions did not all fit the one RESULT frame (65 535 bytes). */
    public long queryResultsTruncated()
    {
        return values.get(QUERY_RESULTS_TRUNCATED);
    }

    /**
     * @param type message type code (0x01 … 0x61).
     * @return inbound messages of that type that decoded (bundle items counted under their own type too).
     */
    public long messagesIn(final int type)
    {
        return type >= 0 && type < 128 ? values.get(MESSAGES_IN + type) : 0;
    }

    /** @return how many error codes are tracked. */
    public static int errorCodeCount()
    {
        return ERROR_CODES.length;
    }

    /** @return the i-th tracked error code. */
    public static int errorCodeAt(final int i)
    {
        return ERROR_CODES[i];
    }

    /**
     * @param code CLASP error code.
     * @return ERROR frames sent with that code.
     */
    public long errors(final int code)
    {
        final int i = errorIndex(code);
        return i < 0 ? 0 : values.get(ERRORS + i);
    }

    /** @return how many fan-out buckets there are. */
    public static int fanOutBucketCount()
    {
        return FAN_OUT_BOUNDS.length;
    }

    /** @return inclusive upper bound of bucket i ({@code Long.MAX_VALUE} for the last). */
    public static long fanOutBucketUpperBound(final int i)
    {
        return FAN_OUT_BOUNDS[i];
    }

    /** @return broadcasts (SET/PUBLISH) whose recipient count fell in bucket i. */
    public long fanOutBucket(final int i)
    {
        return values.get(FAN_OUT + i);
    }

    /** @return how many latency buckets each per-stage latency histogram has. */
    public static int latencyBucketCount()
    {
        return LATENCY_BUCKETS;
    }

    /**
     * @return inclusive upper bound of latency bucket i in ns: 0, 1, 3, 7, … 2^i - 1; {@code Long.MAX_VALUE} for the
     * last.
     */
    public static long latencyBucketUpperBoundNs(final int i)
    {
        return i >= LATENCY_BUCKETS - 1 ? Long.MAX_VALUE : (1L << i) - 1;
    }

    static int latencyBucket(final long ns)
    {
        return ns <= 0 ? 0 : Math.min(64 - Long.numberOfLeadingZeros(ns), LATENCY_BUCKETS - 1);
    }

    /**
     * Ring wait: time from the edge's receive timestamp of an inbound event (frame, connect, disconnect) to the start
     * of the core batch that handles it — time spent queued in the inbound ring.
     *
     * @return events whose ring wait fell in latency bucket i (non-cumulative).
     */
    public long ringWaitBucket(final int i)
    {
        return values.get(RING_WAIT + i);
    }

    /** @return inbound events with a ring wait recorded (the sum of the buckets). */
    public long ringWaitCount()
    {
        return sum(RING_WAIT);
    }

    /** @return sum of all recorded ring waits, ns. */
    public long ringWaitTotalNs()
    {
        return values.get(RING_WAIT_SUM);
    }

    /**
     * Core service time per event <em>as the mean of its batch</em>: the core's processing time for a batch (decode,
     * state, fan-out into the outbound queues) divided by the batch's event count, recorded once per event. Two clock
     * readings per batch and none per event keep it cheap, so it shows how busy the core is, not one event's own
     * time: a slow event is spread over its batch, and the tail of single events is not visible here.
     *
     * @return events whose batch-mean service time fell in latency bucket i (non-cumulative).
     */
    public long batchMeanServiceTimeBucket(final int i)
    {
        return values.get(SERVICE_TIME + i);
    }

    /** @return inbound events with a batch-mean service time recorded (the sum of the buckets). */
    public long batchMeanServiceTimeCount()
    {
        return sum(SERVICE_TIME);
    }

    /** @return total core processing time of all recorded batches, ns. */
    public long batchMeanServiceTimeTotalNs()
    {
        return values.get(SERVICE_TIME_SUM);
    }

    private long sum(final int first)
    {
        long total = 0;
        for (int i = 0; i < LATENCY_BUCKETS; i++)
        {
            total += values.get(first + i);
        }
        return total;
    }

    // ---- writers (core thread only) ----

    void ringWait(final long ns)
    {
        inc(RING_WAIT + latencyBucket(ns));
        add(RING_WAIT_SUM, Math.max(0, ns));
    }

    void batchMeanServiceTime(final long batchNs, final int events)
    {
        if (events > 0)
        {
            final int bucket = SERVICE_TIME + latencyBucket(batchNs / events);
            values.lazySet(bucket, values.get(bucket) + events);
            add(SERVICE_TIME_SUM, Math.max(0, batchNs));
        }
    }

    private void add(final int index, final long delta)
    {
        values.lazySet(index, values.get(index) + delta);
    }

    void sessions(final long v)
    {
        values.lazySet(SESSIONS, v);
    }

    void connections(final long v)
    {
        values.lazySet(CONNECTIONS, v);
    }

    void subscriptions(final long v)
    {
        values.lazySet(SUBSCRIPTIONS, v);
    }

    void params(final long v)
    {
        values.lazySet(PARAMS, v);
    }

    void refusedWrite()
    {
        inc(REFUSED_WRITES);
    }

    void outboundQueuedBytes(final long bytes)
    {
        values.lazySet(OUTBOUND_QUEUED_BYTES, bytes);
    }

    void outboundMemoryDisconnect()
    {
        inc(OUTBOUND_MEMORY_DISCONNECTS);
    }

    void snapshotPaced()
    {
        inc(SNAPSHOT_PACED);
    }

    void decodeError()
    {
        inc(DECODE_ERRORS);
    }

    void dropped()
    {
        inc(DROPPED);
    }

    void conflated()
    {
        inc(CONFLATED);
    }

    void slowConsumerDisconnect()
    {
        inc(SLOW_CONSUMER_DISCONNECTS);
    }

    void sessionOpened()
    {
        inc(SESSIONS_OPENED);
    }

    void sessionClosed()
    {
        inc(SESSIONS_CLOSED);
    }

    void helloTimeout()
    {
        inc(HELLO_TIMEOUTS);
    }

    void idleClose()
    {
        inc(IDLE_CLOSES);
    }

    void rateLimitedFrame()
    {
        inc(RATE_LIMITED);
    }

    void expired(final int count)
    {
        values.lazySet(EXPIRED_PARAMS, values.get(EXPIRED_PARAMS) + count);
    }

    void frameOut(final int bytes)
    {
        inc(FRAMES_OUT);
        values.lazySet(BYTES_OUT, values.get(BYTES_OUT) + bytes);
    }

    void queryResultTruncated()
    {
        inc(QUERY_RESULTS_TRUNCATED);
    }

    void messageIn(final int type)
    {
        if (type >= 0 && type < 128)
        {
            inc(MESSAGES_IN + type);
        }
    }

    void error(final int code)
    {
        final int i = errorIndex(code);
        if (i >= 0)
        {
            inc(ERRORS + i);
        }
    }

    void fanOut(final int recipients)
    {
        int i = 0;
        while (recipients > FAN_OUT_BOUNDS[i])
        {
            i++;
        }
        inc(FAN_OUT + i);
    }

    private void inc(final int index)
    {
        values.lazySet(index, values.get(index) + 1);
    }

    private static int errorIndex(final int code)
    {
        for (int i = 0; i < ERROR_CODES.length; i++)
        {
            if (ERROR_CODES[i] == code)
            {
                return i;
            }
        }
        return -1;
    }
}
