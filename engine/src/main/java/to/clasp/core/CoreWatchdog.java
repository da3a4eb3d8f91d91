package to.clasp.core;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the core's duty cycle from a thread of its own: when the core has work (inbound events waiting, or a
 * cycle in progress) and has not completed a cycle for the stall timeout, the core is stalled. The watchdog then logs
 * once, with the stuck thread's stack, and {@link #stallReason()} says why until a cycle completes again ("liveness
 * is observable": {@code /healthz} answers 503 with the reason).
 * <p>
 * Cost to the core: two ordered stores per duty cycle ({@link RouterAgent#cycleMarks()}); the watchdog reads them
 * and the ring's cursors a few times per second.
 */
public final class CoreWatchdog implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(CoreWatchdog.class);
    private static final long MIN_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(250);

    private final RouterAgent agent;
    private final RouterInboundPort port;
    private final long stallTimeoutNs;
    private final long checkIntervalNs;
    private final Thread thread;
    private volatile String stallReason;
    private volatile boolean running = true;
    private volatile long stalls;
    private long lastMarks = -1;
    private long lastChangeNs;

    CoreWatchdog(final RouterAgent agent, final RouterInboundPort port, final long stallTimeoutNs)
    {
        this.agent = agent;
        this.port = port;
        this.stallTimeoutNs = stallTimeoutNs;
        this.checkIntervalNs = Math.max(MIN_CHECK_NS, Math.min(MAX_CHECK_NS, stallTimeoutNs / 10));
        if (stallTimeoutNs > 0)
        {
            thread = new Thread(this::run, "clasp-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
        else
        {
            thread = null;
        }
    }

    /**
     * @return why the core is considered stalled, or null while it is live (or the watchdog is off).
     */
    public String stallReason()
    {
        return stallReason;
    }

    /**
     * @return how many stalls were detected since start.
     */
    public long stalls()
    {
        return stalls;
    }

    /**
     * @return the stall timeout in nanoseconds; 0 = watchdog off.
     */
    public long stallTimeoutNs()
    {
        return stallTimeoutNs;
    }

    private void run()
    {
        lastChangeNs = System.nanoTime();
        while (running)
        {
            try
            {
                TimeUnit.NANOSECONDS.sleep(checkIntervalNs);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            check(System.nanoTime());
        }
    }

    /** One look at the core (watchdog thread; package-private for tests that drive it with their own clock). */
    void check(final long nowNs)
    {
        final long marks = agent.cycleMarks();
        if (marks != lastMarks)
        {
            lastMarks = marks;
            lastChangeNs = nowNs;
            if (null != stallReason)
            {
                LOG.warn("core live again after a stall (duty cycles are completing)");
                stallReason = null;
            }
            return;
        }
        final boolean inCycle = (marks & 1) == 1;
        final long waiting = port.used();
        if (!inCycle && waiting == 0)
        {
            // Idle: nothing to do is not a stall. The clock restarts when work shows up.
            lastChangeNs = nowNs;
            return;
        }
        final long silentNs = nowNs - lastChangeNs;
        if (silentNs < stallTimeoutNs || null != stallReason)
        {
            return;
        }
        final Thread core = agent.coreThread();
        final String reason = String.format("core stalled: no duty cycle completed for %.1f s (%s, %d inbound " +
            "event(s) waiting) on thread %s", silentNs / 1e9, inCycle ? "stuck inside a cycle" : "no cycle started",
            waiting, null == core ? "(none yet)" : core.getName());
        stalls++;
        stallReason = reason;
        final StringBuilder stack = new StringBuilder(reason);
        if (null != core)
        {
            stack.append("; its stack (state ").append(core.getState()).append("):");
            for (final StackTraceElement e : core.getStackTrace())
            {
                stack.append(System.lineSeparator()).append("\tat ").append(e);
            }
        }
        LOG.error("{}", stack);
    }

    public void close()
    {
        running = false;
        if (null != thread)
        {
            thread.interrupt();
        }
    }
}
