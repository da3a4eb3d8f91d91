package to.clasp.journal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed log2 histogram of nanosecond durations (bucket b ≥ 1 holds [2^(b-1), 2^b − 1] ns, the router's per-stage
 * latency buckets): one writer thread, plain reads from any thread (metrics scrape). One increment per sample, no
 * allocation.
 */
public final class LatencyHistogram
{
    /** Buckets: 0 ns, then powers of two up to about 2^37 ns (~137 s), the last open-ended. */
    public static final int BUCKETS = 39;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray totals = new AtomicLongArray(2); // count, sum ns

    /** @return inclusive upper bound of bucket i in ns; {@code Long.MAX_VALUE} for the last. */
    public static long upperBoundNs(final int i)
    {
        return i >= BUCKETS - 1 ? Long.MAX_VALUE : (1L << i) - 1;
    }

    /** Writer thread only. */
    public void record(final long ns)
    {
        final int b = ns <= 0 ? 0 : Math.min(64 - Long.numberOfLeadingZeros(ns), BUCKETS - 1);
        buckets.lazySet(b, buckets.get(b) + 1);
        totals.lazySet(0, totals.get(0) + 1);
        totals.lazySet(1, totals.get(1) + Math.max(0, ns));
    }

    /** @return samples in bucket i (non-cumulative). */
    public long bucket(final int i)
    {
        return buckets.get(i);
    }

    public long count()
    {
        return totals.get(0);
    }

    public long sumNs()
    {
        return totals.get(1);
    }
}
