package to.clasp.transport.aeron;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Idle strategies by name, so the edge's and the client's duty cycles (and an embedded driver's own threads) are
 * chosen by configuration:
 * <ul>
 *     <li>{@code spin}: never gives up the core (lowest latency; needs a core to itself).</li>
 *     <li>{@code yield}: {@code Thread.yield()}; on a 2-core machine shared with the core thread and the drivers this
 *     still burns a core, which is what made Aeron's own UDP ping-pong take milliseconds there.</li>
 *     <li>{@code backoff}: Aeron's default: 10 spins, 5 yields, then parks from 1 µs doubling to 1 ms.</li>
 *     <li>{@code park} or {@code park:MAX_US}: no spins or yields, parks from 1 µs doubling to {@code MAX_US}
 *     (default 50 µs). Idles politely yet re-polls within tens of microseconds.</li>
 *     <li>{@code sleep:US}: parks a fixed {@code US} µs every idle cycle.</li>
 * </ul>
 */
public final class IdleStrategies
{
    /** Default for the edge and client duty cycles (see docs/benchmarks.md §6 for how it was chosen). */
    public static final String DEFAULT = "park:1000";

    private IdleStrategies()
    {
    }

    /**
     * @param spec a name as listed in the class comment.
     * @return a new idle strategy (each thread needs its own instance).
     * @throws IllegalArgumentException for an unknown name or a bad number.
     */
    public static IdleStrategy parse(final String spec)
    {
        final Spec parsed = Spec.of(spec);
        final String arg = parsed.arg;
        switch (parsed.name)
        {
            case "spin":
                noArg(spec, arg);
                return new BusySpinIdleStrategy();
            case "yield":
                noArg(spec, arg);
                return new YieldingIdleStrategy();
            case "backoff":
                noArg(spec, arg);
                return new BackoffIdleStrategy();
            case "park":
            {
                final long maxUs = null == arg ? 50 : micros(spec, arg);
                return new BackoffIdleStrategy(0, 0, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MICROSECONDS.toNanos(maxUs));
            }
            case "sleep":
                if (null == arg)
                {
                    throw new IllegalArgumentException("sleep needs a period in µs, e.g. sleep:100: " + spec);
                }
                return new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(micros(spec, arg)));
            default:
                throw new IllegalArgumentException(
                    "unknown idle strategy '" + spec + "' (spin, yield, backoff, park[:MAX_US], sleep:US)");
        }
    }

    /**
     * @param spec a name as listed in the class comment (already valid).
     * @return the longest single wait of that strategy, in ns (0 for spin and yield); a host of the router core must
     * not wait that long when a core timer is due sooner.
     */
    public static long maxIdleNs(final String spec)
    {
        final Spec parsed = Spec.of(spec);
        final String arg = parsed.arg;
        switch (parsed.name)
        {
            case "park":
                return TimeUnit.MICROSECONDS.toNanos(null == arg ? 50 : micros(spec, arg));
            case "sleep":
                return TimeUnit.MICROSECONDS.toNanos(micros(spec, arg));
            case "backoff":
                return BackoffIdleStrategy.DEFAULT_MAX_PARK_PERIOD_NS;
            default:
                return 0;
        }
    }

    /** {@code "park:1000"} → name {@code "park"}, arg {@code "1000"} (null without a colon). */
    private record Spec(String name, String arg)
    {
        static Spec of(final String spec)
        {
            final String s = spec.trim().toLowerCase(Locale.ROOT);
            final int colon = s.indexOf(':');
            return colon < 0 ? new Spec(s, null) : new Spec(s.substring(0, colon), s.substring(colon + 1));
        }
    }

    private static void noArg(final String spec, final String arg)
    {
        if (null != arg)
        {
            throw new IllegalArgumentException("idle strategy takes no argument: " + spec);
        }
    }

    private static long micros(final String spec, final String arg)
    {
        try
        {
            final long v = Long.parseLong(arg);
            if (v < 1 || v > 1_000_000)
            {
                throw new IllegalArgumentException("idle period must be 1..1000000 µs: " + spec);
            }
            return v;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad idle period in '" + spec + "'", ex);
        }
    }
}
