package to.clasp.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;

import to.clasp.edge.InboundPort;
import to.clasp.testing.TestClient;

/**
 * Starts a router per test with small rings and short timeouts, and closes it afterwards.
 */
abstract class RouterFixture
{
    /**
     * Clocks that tests can move forward: the wall clock (TTL, bundle schedules) and the monotonic clock (maxRate,
     * gesture and other core timers), each by its own offset over the real clock; neither ever goes back.
     */
    static final class ShiftableClock implements RouterClock
    {
        final AtomicLong offsetMicros = new AtomicLong();
        final AtomicLong offsetNanos = new AtomicLong();

        public long epochMicros()
        {
            return RouterClock.SYSTEM.epochMicros() + offsetMicros.get();
        }

        public long nanoTime()
        {
            return System.nanoTime() + offsetNanos.get();
        }
    }

    final ShiftableClock clock = new ShiftableClock();
    Router router;
    /** Set by subclasses that run the same behaviour with the core on a host thread (CoreThreading.SHARED). */
    boolean sharedCore;
    TestHost host;

    Router.Context baseContext()
    {
        return new Router.Context()
            .inboundRingSize(1024)
            .helloTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .ttlCheckIntervalNs(TimeUnit.MILLISECONDS.toNanos(10))
            .clock(clock)
            .errorHandler(t -> t.printStackTrace());
    }

    Router start()
    {
        return start(c -> { });
    }

    Router start(final Consumer<Router.Context> customise)
    {
        final Router.Context ctx = baseContext();
        if (sharedCore)
        {
            ctx.coreThreading(CoreThreading.SHARED);
        }
        customise.accept(ctx);
        router = Router.launch(ctx);
        if (null != router.sharedCore())
        {
            host = new TestHost(router.sharedCore());
        }
        return router;
    }

    InboundPort port()
    {
        return router.inboundPort();
    }

    TestClient client(final String name)
    {
        return TestClient.open(port(), name);
    }

    /** Poll until the condition holds (bounded); for metrics written by the core thread. */
    static void await(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @AfterEach
    void stopRouter()
    {
        if (null != router)
        {
            router.close();
        }
        if (null != host)
        {
            host.close();
        }
    }

    /**
     * The smallest correct host for a shared core: run a duty cycle, and when the core has nothing to do park until
     * its next timer or until a producer's wake-up unparks this thread (a permit given before the park is kept, so a
     * wake-up is never lost).
     */
    static final class TestHost implements AutoCloseable
    {
        private final Thread thread;
        private volatile boolean running = true;

        TestHost(final SharedCore core)
        {
            final java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
            thread = new Thread(() ->
            {
                final Thread self = Thread.currentThread();
                core.attach(() -> java.util.concurrent.locks.LockSupport.unpark(self));
                attached.countDown();
                while (running)
                {
                    core.doWork();
                    if (!core.hasWork())
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(
                            Math.min(core.nanosToNextTimer(), TimeUnit.SECONDS.toNanos(30)));
                    }
                }
                core.detach();
            }, "test-core-host");
            thread.setDaemon(true);
            thread.start();
            try
            {
                attached.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        Thread thread()
        {
            return thread;
        }

        /** Stop running the core (without closing it) and wait for the thread to end. */
        public void close()
        {
            running = false;
            java.util.concurrent.locks.LockSupport.unpark(thread);
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
}
