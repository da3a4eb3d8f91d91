package to.clasp.journal;

import java.util.concurrent.atomic.AtomicLongArray;

import to.clasp.core.RouterMetrics;

/**
 * A fixed log2 histogram of nanosecond durations with the router's bucket bounds
 * ({@link RouterMetrics#latencyBucketUpperBoundNs}): one writer thread, plain reads from any thread (metrics scrape).
 * One increment per sample, no allocation.
 */
public final class LatencyHistogram
{
    private final AtomicLongArray buckets = new AtomicLongArray(RouterMetrics.latencyBucketCount());
    private final AtomicLongArray totals = new AtomicLongArray(2); // count, sum ns

    /** Writer thread only. */
    public void record(final long ns)
    {
        final int b = RouterMetrics.latencyBucket(ns);
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
