package to.clasp.core;

/**
 * The router's two clocks: wall time in epoch microseconds (WELCOME time, param timestamps, SYNC, bundle
 * schedules) and a monotonic nanosecond clock (timeouts, rate limits, coalescing). Injectable so tests can control
 * time; the default reads the system clocks.
 */
public interface RouterClock
{
    /** The system clocks. */
    RouterClock SYSTEM = new RouterClock()
    {
        public long epochMicros()
        {
            final java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
        }

        public long nanoTime()
        {
            return System.nanoTime();
        }
    };

    /**
     * @return microseconds since the Unix epoch.
     */
    long epochMicros();

    /**
     * @return a monotonic time in nanoseconds (arbitrary origin), as {@link System#nanoTime()}.
     */
    long nanoTime();
}
