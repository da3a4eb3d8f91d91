package to.clasp.transport.aeron;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

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
    private volatile Thread idler;

    WakeableIdleStrategy(final IdleStrategy delegate)
    {
        this.delegate = delegate;
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
        delegate.idle();
        idler = null;
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
