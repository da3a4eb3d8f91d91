package to.clasp.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How the core waits when a duty cycle found no work, for each {@link WaitStrategy}. For {@code BLOCK} the core
 * parks until a producer wakes it ({@link #wake()}, called after every publish) or the next timer deadline; the
 * {@code sleeping} flag makes the wake-up cheap when the core is busy (no unpark syscall).
 */
final class CoreIdleStrategy
{
    /** Upper bound of one park, so a missed signal can never stall the core for long. */
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final WaitStrategy strategy;
    private final org.agrona.concurrent.IdleStrategy delegate;
    private volatile Thread coreThread;
    private volatile boolean sleeping;
    /** Set when the core is hosted ({@link CoreThreading#SHARED}): wakes the host instead of unparking a thread. */
    private volatile Runnable hostWaker;

    CoreIdleStrategy(final WaitStrategy strategy)
    {
        this.strategy = strategy;
        switch (strategy)
        {
            case SLEEP:
                delegate = new SleepingMillisIdleStrategy(1);
                break;
            case YIELD:
                delegate = new YieldingIdleStrategy();
                break;
            case SPIN:
                delegate = new BusySpinIdleStrategy();
                break;
            default:
                delegate = null;
        }
    }

    void coreThread(final Thread thread)
    {
        coreThread = thread;
    }

    /**
     * The core runs on a host's thread: idling is the host's business (its own poll), and producers wake the host.
     */
    void host(final Thread thread, final Runnable waker)
    {
        coreThread = thread;
        hostWaker = waker;
    }

    /**
     * Wait after an empty duty cycle.
     *
     * @param hasWork       re-checked after announcing sleep, so a publish racing with this call is never missed.
     * @param parkLimitNs   nanoseconds until the next timer is due (or {@code Long.MAX_VALUE}).
     */
    void idle(final java.util.function.BooleanSupplier hasWork, final long parkLimitNs)
    {
        if (null != hostWaker)
        {
            return;
        }
        if (null != delegate)
        {
            delegate.idle(0);
            return;
        }
        if (parkLimitNs <= 0)
        {
            return;
        }
        sleeping = true;
        try
        {
            // Dekker-style: the producer publishes then reads `sleeping`; we write `sleeping` then re-read the ring.
            if (!hasWork.getAsBoolean())
            {
                LockSupport.parkNanos(this, Math.min(parkLimitNs, MAX_PARK_NS));
            }
        }
        finally
        {
            sleeping = false;
        }
    }

    /** Called by producers after publishing. */
    void wake()
    {
        final Runnable waker = hostWaker;
        if (null != waker)
        {
            // The host wakes itself when it finds work; a wake-up from its own thread would only cost a syscall.
            if (Thread.currentThread() != coreThread)
            {
                waker.run();
            }
            return;
        }
        if (sleeping)
        {
            final Thread t = coreThread;
            if (null != t)
            {
                LockSupport.unpark(t);
            }
        }
    }

    Thread coreThread()
    {
        return coreThread;
    }

    WaitStrategy strategy()
    {
        return strategy;
    }
}
