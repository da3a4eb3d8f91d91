package to.clasp.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's duty cycle for a host thread to run ({@link CoreThreading#SHARED}), in the manner of Agrona's
 * {@code AgentInvoker}: the host {@link #attach attaches} once on its own thread, calls {@link #doWork()} once per
 * loop iteration, asks {@link #hasWork()} and {@link #nanosToNextTimer()} before it blocks, and lets the given wake-up
 * interrupt its wait. The core stays single-writer: only the host thread ever runs it.
 * <p>
 * Closing ({@link Router#close()}, any thread) asks the host to run the core's close on its thread, so the sessions'
 * close frames are queued by the thread that owns the core; if the host never attached or has
 * {@link #detach() detached}, the closing thread runs it instead.
 */
public final class SharedCore
{
    private static final Logger LOG = LoggerFactory.getLogger(SharedCore.class);

    private static final int NEW = 0;
    private static final int ATTACHED = 1;
    private static final int DETACHED = 2;
    private static final int CLOSED = 3;

    private final RouterAgent agent;
    private final CoreIdleStrategy idle;
    private final RouterInboundPort port;
    private final RouterClock clock;
    private final java.util.function.Consumer<Throwable> errorHandler;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closeRequested;
    private Thread hostThread;
    /** Host thread only: a duty cycle is running further up the stack (a full ring cannot run another inside it). */
    private boolean inCycle;

    SharedCore(final RouterAgent agent, final CoreIdleStrategy idle, final RouterInboundPort port,
        final Router.Context ctx)
    {
        this.agent = agent;
        this.idle = idle;
        this.port = port;
        this.clock = ctx.clock();
        this.errorHandler = ctx.errorHandler();
    }

    /**
     * Host thread, once: the core runs on this thread from now on.
     *
     * @param wakeHost interrupts the host's wait; called by other threads after they publish work for the core. It
     *                 must be cheap when the host is not waiting (Netty's event loop wake-up is).
     * @throws IllegalStateException if a host already attached or the router is closed.
     */
    public void attach(final Runnable wakeHost)
    {
        if (!state.compareAndSet(NEW, ATTACHED))
        {
            throw new IllegalStateException("core already hosted or closed");
        }
        hostThread = Thread.currentThread();
        idle.host(hostThread, wakeHost);
        port.host(hostThread, this);
        agent.onStart();
    }

    /**
     * Host thread: one duty cycle of the core. Never waits.
     *
     * @return work done (0 when there was nothing to do).
     */
    public int doWork()
    {
        if (state.get() != ATTACHED)
        {
            return 0;
        }
        if (closeRequested)
        {
            closeOnHost();
            return 1;
        }
        inCycle = true;
        try
        {
            return agent.doWork();
        }
        catch (final Throwable t)
        {
            errorHandler.accept(t);
            return 1;
        }
        finally
        {
            inCycle = false;
        }
    }

    /**
     * Host thread, from inside an offer that found the ring full: run one duty cycle now to make room.
     *
     * @return false when the core cannot run here (not attached, closed, or a cycle is already on this stack).
     */
    boolean runInline()
    {
        if (inCycle || state.get() != ATTACHED || Thread.currentThread() != hostThread)
        {
            return false;
        }
        doWork();
        return true;
    }

    /**
     * Host thread, before it blocks: whether {@link #doWork()} has something to do now.
     *
     * @return true when inbound events are waiting, a timer is due or a close was requested.
     */
    public boolean hasWork()
    {
        if (state.get() != ATTACHED)
        {
            return false;
        }
        return closeRequested || agent.hasInbound() || 0 == nanosToNextTimer();
    }

    /**
     * Host thread: how long until the core's next timer is due, so the host's wait ends in time.
     *
     * @return nanoseconds (0 when overdue), or {@link Long#MAX_VALUE} when no timer is set.
     */
    public long nanosToNextTimer()
    {
        if (state.get() != ATTACHED)
        {
            return Long.MAX_VALUE;
        }
        final long deadline = agent.nextDeadlineNs();
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - clock.nanoTime());
    }

    /**
     * Host thread: the core's next timer as an absolute time, for hosts that convert it into their own clock once
     * and reuse the result while it stays the same.
     *
     * @return a {@link RouterClock#nanoTime()} deadline, or {@link Long#MAX_VALUE} when no timer is set.
     */
    public long nextTimerDeadlineNs()
    {
        return state.get() == ATTACHED ? agent.nextDeadlineNs() : Long.MAX_VALUE;
    }

    /**
     * Host thread, when it stops: it will not run the core again. A close already requested runs now; otherwise the
     * router's close runs the core's close on the closing thread.
     */
    public void detach()
    {
        if (closeRequested)
        {
            closeOnHost();
        }
        else
        {
            state.compareAndSet(ATTACHED, DETACHED);
        }
    }

    /**
     * Any thread: close the core on its host (or here when there is none) and wait for it, at most {@code timeoutNs}.
     *
     * @return false when the host did not close the core in time.
     */
    boolean close(final long timeoutNs)
    {
        closeRequested = true;
        if (Thread.currentThread() == hostThread)
        {
            closeOnHost();
            return true;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        try
        {
            while (true)
            {
                if (state.compareAndSet(NEW, CLOSED) || state.compareAndSet(DETACHED, CLOSED))
                {
                    closeCore();
                    return true;
                }
                idle.wake();
                if (closed.await(Math.min(10, Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNs))),
                    TimeUnit.MILLISECONDS))
                {
                    return true;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    LOG.warn("core host did not close the core within {} ms", TimeUnit.NANOSECONDS.toMillis(timeoutNs));
                    return false;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeOnHost()
    {
        if (state.compareAndSet(ATTACHED, CLOSED))
        {
            closeCore();
        }
    }

    private void closeCore()
    {
        try
        {
            agent.onClose();
        }
        catch (final Throwable t)
        {
            errorHandler.accept(t);
        }
        finally
        {
            closed.countDown();
        }
    }
}
