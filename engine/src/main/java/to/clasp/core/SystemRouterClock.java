package to.clasp.core;

import java.time.Instant;

/**
 * {@link RouterClock#SYSTEM}: wall time as the monotonic clock plus an offset to the system's wall clock, re-sampled
 * once a second (the idea of Agrona's {@code OffsetEpochNanoClock}, with the offset usable for a reading the caller
 * already has).
 * <p>
 * Why: {@code Instant.now()} on every read allocates an Instant whenever escape analysis does not remove it (it did
 * not, once per core cycle), and a second clock read per cycle is avoidable when the core has just read
 * {@link System#nanoTime()}. Following the wall clock within a second is enough for param timestamps, WELCOME and
 * SYNC; a re-sample may correct the offset by a few µs either way, as the wall clock itself may move. Thread-safe:
 * samples are immutable and published through a volatile field; racing re-samples are both valid.
 */
final class SystemRouterClock implements RouterClock
{
    private static final long RESAMPLE_INTERVAL_NS = 1_000_000_000L;

    private static final class Sample
    {
        final long nanoTime;
        final long offsetNs; // epoch ns = nanoTime + offsetNs

        Sample(final long nanoTime, final long offsetNs)
        {
            this.nanoTime = nanoTime;
            this.offsetNs = offsetNs;
        }
    }

    private volatile Sample sample = measure();

    public long nanoTime()
    {
        return System.nanoTime();
    }

    public long epochMicros()
    {
        return epochMicros(System.nanoTime());
    }

    public long epochMicros(final long nanoTime)
    {
        Sample s = sample;
        if (nanoTime - s.nanoTime > RESAMPLE_INTERVAL_NS)
        {
            s = measure();
            sample = s;
        }
        return (nanoTime + s.offsetNs) / 1000L;
    }

    private static Sample measure()
    {
        // Bracket the wall-clock read with two monotonic reads and pair it with their midpoint.
        final long before = System.nanoTime();
        final Instant now = Instant.now();
        final long after = System.nanoTime();
        final long mid = before + (after - before) / 2;
        return new Sample(after, now.getEpochSecond() * 1_000_000_000L + now.getNano() - mid);
    }
}
