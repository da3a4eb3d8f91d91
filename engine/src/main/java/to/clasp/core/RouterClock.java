package to.clasp.core;

/**
 * The router's two clocks: wall time in epoch microseconds (WELCOME time, param timestamps, SYNC, bundle
 * schedules) and a monotonic nanosecond clock (timeouts, rate limits, coalescing). Injectable so tests can control
 * time; the default reads the system clocks.
 */
public interface RouterClock
{
    /**
     * The system clocks: {@link System#nanoTime()}, and wall time derived from it (see {@link SystemRouterClock}).
     * Thread-safe.
     */
    RouterClock SYSTEM = new SystemRouterClock();

    /**
     * @return microseconds since the Unix epoch.
     */
    long epochMicros();

    /**
     * Wall time at a monotonic reading just taken from {@link #nanoTime()}: lets a caller that already read the
     * monotonic clock get wall time without a second clock read. The default ignores the argument and reads
     * {@link #epochMicros()}.
     *
     * @param nanoTime a recent value of {@link #nanoTime()}.
     * @return microseconds since the Unix epoch.
     */
    default long epochMicros(final long nanoTime)
    {
        return epochMicros();
    }

    /**
     * @return a monotonic time in nanoseconds (arbitrary origin), as {@link System#nanoTime()}.
     */
    long nanoTime();
}
