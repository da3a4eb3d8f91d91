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
    /** Wall clock that tests can move forward (TTL, bundle schedules); the monotonic clock stays real. */
    static final class ShiftableClock implements RouterClock
    {
        final AtomicLong offsetMicros = new AtomicLong();

        public long epochMicros()
        {
            return RouterClock.SYSTEM.epochMicros() + offsetMicros.get();
        }

        public long nanoTime()
        {
            return System.nanoTime();
        }
    }

    final ShiftableClock clock = new ShiftableClock();
    Router router;

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
        customise.accept(ctx);
        router = Router.launch(ctx);
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
    }
}
