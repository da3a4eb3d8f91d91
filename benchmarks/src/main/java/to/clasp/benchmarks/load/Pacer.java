package to.clasp.benchmarks.load;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate schedule: message {@code i} is intended to leave at {@code start + i * period}, whatever happened to
 * the messages before it. Latency measured from that intended time includes any time the generator or the router
 * made the message wait, so a stall is charged to every message it delayed (coordinated omission corrected, as in
 * wrk2 and HdrHistogram's own guidance). Waiting parks the thread and, on request, spins the last stretch so the
 * send leaves within a microsecond or so of its time.
 */
public final class Pacer
{
    private final long startNs;
    private final double periodNs;
    private final long spinNs;

    /**
     * @param startNs  intended time of message 0 ({@link System#nanoTime()} clock).
     * @param rate     messages per second, more than 0.
     * @param spinNs   how long before the intended time to stop parking and spin; 0 only parks (cheaper on a
     *                 2-core machine, less precise).
     */
    public Pacer(final long startNs, final double rate, final long spinNs)
    {
        if (!(rate > 0))
        {
            throw new IllegalArgumentException("rate must be > 0: " + rate);
        }
        if (spinNs < 0)
        {
            throw new IllegalArgumentException("spin must be >= 0: " + spinNs);
        }
        this.startNs = startNs;
        this.periodNs = 1e9 / rate;
        this.spinNs = spinNs;
    }

    /** Intended send time of message {@code index}. */
    public long intendedNs(final long index)
    {
        return startNs + (long)(index * periodNs);
    }

    /** How many messages are due at {@code nowNs} (index of the first one not yet due). */
    public long dueCount(final long nowNs)
    {
        if (nowNs < startNs)
        {
            return 0;
        }
        return (long)Math.floor((nowNs - startNs) / periodNs) + 1;
    }

    /**
     * Wait until {@code targetNs}. Returns at once when it has passed (the generator is behind: the caller sends
     * immediately and the lag shows in its latency from the intended time).
     *
     * @return the time it returned ({@link System#nanoTime()}).
     */
    public long awaitUntil(final long targetNs)
    {
        long now = System.nanoTime();
        while (now < targetNs)
        {
            final long remaining = targetNs - now;
            if (remaining > spinNs)
            {
                // A park wakes tens of microseconds late on Linux; with spinning on, stop short and spin the rest.
                LockSupport.parkNanos(remaining - spinNs);
            }
            else
            {
                Thread.onSpinWait();
            }
            now = System.nanoTime();
        }
        return now;
    }
}
