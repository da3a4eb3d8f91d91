package to.clasp.core;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * The router's two clocks: wall time in epoch microseconds (WELCOME time, param timestamps, SYNC, bundle
 * schedules) and a monotonic nanosecond clock (timeouts, rate limits, coalescing). Injectable so tests can control
 * time; the default reads the system clocks.
 */
public interface RouterClock
{
    /**
     * The system clocks. Wall time is the monotonic clock plus an offset to the system's wall clock, re-sampled
     * every second (Agrona's {@link OffsetEpochNanoClock}): {@code Instant.now()} allocates an Instant whenever
     * escape analysis does not remove it (it did not, once per core cycle), this allocates nothing and follows
     * adjustments of the system clock within a second. Thread-safe.
     */
    RouterClock SYSTEM = new RouterClock()
    {
        private final OffsetEpochNanoClock epoch =
            new OffsetEpochNanoClock(100, 250, TimeUnit.SECONDS.toNanos(1));

        public long epochMicros()
        {
            return epoch.nanoTime() / 1_000L;
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
