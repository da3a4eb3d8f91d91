package to.clasp.core;

/**
 * The router clock as the core thread sees it during one duty cycle: each clock is read at most once per cycle, on
 * first use, and the value is reused until {@link #advance()} at the end of the cycle (as Aeron's
 * {@code CachedEpochClock} / {@code CachedNanoClock} are updated once per duty cycle).
 * <p>
 * Why: reading wall time ({@code Instant.now()}) and {@code System.nanoTime()} for every SET cost two clock reads per
 * message, a large share of the per-SET budget. The price is resolution: everything handled in one cycle (up to
 * {@code pollBatchLimit} events, typically tens of µs) shares one time, so params written in one batch may carry the
 * same timestamp (µs) and rate/coalescing decisions in one batch see the same instant. Time never goes backwards:
 * a cycle's values are read after the previous cycle's.
 * <p>
 * Reading lazily (rather than at a fixed point at the start of the cycle) means a cycle that needs no time reads no
 * clock, and anyone driving {@link RouterCore} directly gets correct values as long as they end each batch with
 * {@link RouterCore#endOfCycle()}. Core thread only.
 */
final class CycleClock implements RouterClock
{
    private final RouterClock clock;
    private long nanoTime;
    private long epochMicros;
    private boolean haveNanoTime;
    private boolean haveEpochMicros;

    CycleClock(final RouterClock clock)
    {
        this.clock = clock;
    }

    /**
     * @return this cycle's monotonic time, read from the underlying clock on first use in the cycle.
     */
    public long nanoTime()
    {
        if (!haveNanoTime)
        {
            nanoTime = clock.nanoTime();
            haveNanoTime = true;
        }
        return nanoTime;
    }

    /**
     * @return this cycle's wall time in epoch µs, read from the underlying clock on first use in the cycle.
     */
    public long epochMicros()
    {
        if (!haveEpochMicros)
        {
            // With this cycle's monotonic reading in hand, the system clock derives wall time from it: no second read.
            epochMicros = haveNanoTime ? clock.epochMicros(nanoTime) : clock.epochMicros();
            haveEpochMicros = true;
        }
        return epochMicros;
    }

    /**
     * @return the underlying clock, for the rare readings that must be exact (SYNC's send time).
     */
    RouterClock source()
    {
        return clock;
    }

    /**
     * Start using a time the caller has just read (the agent reads the monotonic clock when a batch starts anyway).
     */
    void nanoTime(final long nowNs)
    {
        nanoTime = nowNs;
        haveNanoTime = true;
    }

    /**
     * End of a cycle: the next reading of either clock reads the underlying clock again.
     */
    void advance()
    {
        haveNanoTime = false;
        haveEpochMicros = false;
    }
}
