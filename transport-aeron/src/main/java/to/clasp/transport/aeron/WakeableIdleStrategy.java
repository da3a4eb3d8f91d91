package to.clasp.transport.aeron;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

import to.clasp.core.SharedCore;

/**
 * An idle strategy that other threads can cut short. The agent's thread publishes that it is about to idle; a
 * producer that has just handed it work calls {@link #wake()}, which unparks the thread only when it is idling, so a
 * busy agent costs producers nothing (an unconditional {@code unpark} per message was a measurable share of the
 * client's send path). A wake that races with the agent entering its idle is not lost for long: the delegate parks
 * for a bounded time (the configured idle strategy's maximum) and the agent then polls again.
 */
final class WakeableIdleStrategy implements IdleStrategy
{
    private final IdleStrategy delegate;
    private final SharedCore core;
    /** The delegate's longest wait: a core timer due sooner is waited for exactly instead. */
    private final long delegateMaxIdleNs;
    private volatile Thread idler;

    WakeableIdleStrategy(final IdleStrategy delegate)
    {
        this(delegate, 0, null);
    }

    /**
     * @param delegateMaxIdleNs the delegate's longest single wait ({@link IdleStrategies#maxIdleNs}).
     * @param core the router core this agent hosts, or null. With a core, a wake-up is never lost: the agent
     *             announces its idle, then re-checks the core's ring (producers publish, then read the announcement),
     *             and it never sleeps past the core's next timer.
     */
    WakeableIdleStrategy(final IdleStrategy delegate, final long delegateMaxIdleNs, final SharedCore core)
    {
        this.delegate = delegate;
        this.delegateMaxIdleNs = delegateMaxIdleNs;
        this.core = core;
    }

    /** Any thread: the agent has work; unpark it if it is idling. */
    void wake()
    {
        final Thread t = idler;
        if (null != t)
        {
            LockSupport.unpark(t);
        }
    }

    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            delegate.reset();
            return;
        }
        idle();
    }

    public void idle()
    {
        idler = Thread.currentThread();
        try
        {
            if (null != core)
            {
                if (core.hasWork())
                {
                    return;
                }
                final long untilTimer = core.nanosToNextTimer();
                if (untilTimer < delegateMaxIdleNs)
                {
                    LockSupport.parkNanos(this, untilTimer);
                    return;
                }
            }
            delegate.idle();
        }
        finally
        {
            idler = null;
        }
    }

    public void reset()
    {
        delegate.reset();
    }

    public String alias()
    {
        return "wakeable-" + delegate.alias();
    }
}
