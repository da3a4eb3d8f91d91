package to.clasp.benchmarks.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving side of a run: counts every delivery and, once the warm-up is over, records each message's latency
 * from its intended and its actual send time. Shared by all subscribers of a run (any thread).
 */
public final class Measurement implements Receiver
{
    final AtomicLong delivered = new AtomicLong();
    final LatencyStats fromIntended = new LatencyStats();
    final LatencyStats fromSent = new LatencyStats();
    /** Written by the sender only. */
    final LatencyStats pacingLag = new LatencyStats();
    private volatile long measureStartNs = Long.MAX_VALUE;

    /** Messages intended from {@code ns} on are measured; earlier ones are warm-up. */
    void measureFrom(final long ns)
    {
        measureStartNs = ns;
    }

    boolean measuring(final long intendedNs)
    {
        return intendedNs >= measureStartNs;
    }

    public void onMessage(final long intendedNs, final long sentNs)
    {
        delivered.incrementAndGet();
        if (intendedNs >= measureStartNs)
        {
            final long now = System.nanoTime();
            fromIntended.record(now - intendedNs);
            fromSent.record(now - sentNs);
        }
    }

    public long delivered()
    {
        return delivered.get();
    }
}
