package to.clasp.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import to.clasp.core.SharedCore;

/**
 * Hosts a shared core ({@code CoreThreading.SHARED}) on a thread of the test's own, which can be told to stop running
 * duty cycles: while it is held, the inbound ring fills as it does behind a busy or stalled core, and a transport on
 * any other thread must be told so ({@code InboundPort.BACK_PRESSURED}) rather than wait. Close the router while the
 * core is released (its close runs on the host), then close this.
 */
public final class HeldCore implements AutoCloseable
{
    private static final long IDLE_PARK_NS = 100_000;

    private final Thread thread;
    private volatile boolean holdRequested;
    private volatile boolean holding;
    private volatile boolean running = true;
    /** Duty cycles to run while held ({@link #runCycles}); the host thread counts them down. */
    private final java.util.concurrent.atomic.AtomicInteger cyclesWhileHeld = new java.util.concurrent.atomic.AtomicInteger();

    public HeldCore(final SharedCore core)
    {
        final CountDownLatch attached = new CountDownLatch(1);
        thread = new Thread(() ->
        {
            final Thread self = Thread.currentThread();
            core.attach(() -> LockSupport.unpark(self));
            attached.countDown();
            while (running)
            {
                if (holdRequested)
                {
                    if (cyclesWhileHeld.get() > 0)
                    {
                        core.doWork();
                        cyclesWhileHeld.decrementAndGet();
                        continue;
                    }
                    holding = true;
                    LockSupport.parkNanos(IDLE_PARK_NS);
                    continue;
                }
                holding = false;
                if (core.doWork() == 0)
                {
                    LockSupport.parkNanos(IDLE_PARK_NS);
                }
            }
            core.detach();
        }, "held-core-host");
        thread.setDaemon(true);
        thread.start();
        try
        {
            if (!attached.await(10, TimeUnit.SECONDS))
            {
                throw new AssertionError("the host thread did not attach");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Stop running duty cycles; returns once the current one (if any) has finished. */
    public void hold()
    {
        holdRequested = true;
        LockSupport.unpark(thread);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!holding)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("the core did not stop within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * While held: run exactly {@code cycles} duty cycles on the host thread, then stay held; returns once they ran.
     * What one cycle does (at most a batch of ring events) is then observable before anything else happens.
     */
    public void runCycles(final int cycles)
    {
        if (!holdRequested)
        {
            throw new IllegalStateException("not held");
        }
        cyclesWhileHeld.addAndGet(cycles);
        LockSupport.unpark(thread);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cyclesWhileHeld.get() > 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("the host did not run " + cycles + " cycles within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** Run duty cycles again. */
    public void release()
    {
        holdRequested = false;
        LockSupport.unpark(thread);
    }

    /** Stop hosting (detach): a core that was held runs no further cycle here. */
    public void close()
    {
        running = false;
        release();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
