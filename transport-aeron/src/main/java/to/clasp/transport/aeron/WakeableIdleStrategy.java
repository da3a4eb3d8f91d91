package to.clasp.transport.aeron;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

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
    private final BooleanSupplier hasWork;
    private final LongSupplier nanosToNextTimer;
    /** The delegate's longest wait: a timer due sooner is waited for exactly instead. */
    private final long delegateMaxIdleNs;
    private volatile Thread idler;

    WakeableIdleStrategy(final IdleStrategy delegate)
    {
        this(delegate, 0, null, null);
    }

    /**
     * @param delegateMaxIdleNs the delegate's longest single wait ({@link IdleStrategies#maxIdleNs}).
     * @param hasWork          work other threads handed over without the agent having seen it yet (the router
     *                         core's ring, a task queue), or null. A wake-up is then never lost: the agent announces
     *                         its idle, then re-checks (producers hand over, then read the announcement).
     * @param nanosToNextTimer how long until the agent's next timer (a core timer, a scheduled task), or null; the
     *                         agent never sleeps past it.
     */
    WakeableIdleStrategy(final IdleStrategy delegate, final long delegateMaxIdleNs, final BooleanSupplier hasWork,
        final LongSupplier nanosToNextTimer)
    {
        this.delegate = delegate;
        this.delegateMaxIdleNs = delegateMaxIdleNs;
        this.hasWork = hasWork;
        this.nanosToNextTimer = nanosToNextTimer;
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
            if (null != hasWork && hasWork.getAsBoolean())
            {
                return;
            }
            if (null != nanosToNextTimer)
            {
                final long untilTimer = nanosToNextTimer.getAsLong();
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
