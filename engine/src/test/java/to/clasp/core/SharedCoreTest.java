package to.clasp.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hosting contract of {@link SharedCore}: attach, wake-ups, timers and closing from any thread. */
class SharedCoreTest extends RouterFixture
{
    /** No timer due for an hour: the host only runs when a producer wakes it. */
    private Router startWithoutTimers()
    {
        return start(c -> c.coreThreading(CoreThreading.SHARED)
            .ttlCheckIntervalNs(TimeUnit.HOURS.toNanos(1))
            .helloTimeoutNs(TimeUnit.HOURS.toNanos(1))
            .idleTimeoutNs(0));
    }

    @Test
    void aDedicatedRouterHasNoSharedCore()
    {
        assertNull(start().sharedCore());
    }

    @Test
    void framesFromOtherThreadsWakeTheHost()
    {
        startWithoutTimers();
        // The host parks for up to 30 s when idle; each exchange below only completes within the client's 5 s
        // timeout if the publishing thread woke it.
        final TestClient a = client("a");
        final TestClient b = client("b");
        a.send(Frames.subscribe(1, "/w/*"));
        a.receiveUntilBarrier();
        b.send(Frames.set(0, "/w/x", 7L));
        assertEquals(MessageType.SET, a.expect(MessageType.SET).type());
    }

    @Test
    void theHostThreadRunsTheCore()
    {
        startWithoutTimers();
        // The WELCOME of the handshake was queued by the core, which signalled the connection from its thread.
        final TestClient a = client("a");
        assertSame(host.thread(), a.connection().lastSignallingThread());
    }

    @Test
    void timersFireWhileTheHostWaits()
    {
        start(c -> c.coreThreading(CoreThreading.SHARED)
            .ttlCheckIntervalNs(TimeUnit.HOURS.toNanos(1))
            .helloTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)));
        final TestClient silent = TestClient.connect(port());
        // No HELLO: only the hello timer can close it, and only if the host wakes for it.
        assertTrue(silent.awaitClosed(Duration.ofSeconds(5)), "hello timeout fired on the host");
    }

    @Test
    void closeRunsOnTheHostAndClosesSessions()
    {
        startWithoutTimers();
        final TestClient a = client("a");
        router.close();
        assertTrue(a.awaitClosed(Duration.ofSeconds(5)));
        assertEquals(1001, a.connection().closeCode());
        assertSame(host.thread(), a.connection().lastSignallingThread(), "the host ran the core's close");
    }

    @Test
    void closeWithoutAHostClosesOnTheCallingThread()
    {
        final Router r = Router.launch(new Router.Context().coreThreading(CoreThreading.SHARED));
        final long start = System.nanoTime();
        r.close();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "did not wait for a host");
        assertFalse(r.inboundPort().onFrame(1, new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8));
    }

    @Test
    void closeAfterTheHostDetachedClosesOnTheCallingThread()
    {
        startWithoutTimers();
        final TestClient a = client("a");
        host.close();
        router.close();
        router = null;
        assertTrue(a.awaitClosed(Duration.ofSeconds(5)));
        assertEquals(1001, a.connection().closeCode());
        assertSame(Thread.currentThread(), a.connection().lastSignallingThread());
    }

    @Test
    void aSecondHostIsRefused()
    {
        startWithoutTimers();
        final SharedCore core = router.sharedCore();
        assertThrows(IllegalStateException.class, () -> core.attach(() -> { }));
    }

    @Test
    void aSharedCoreCannotSleepOrYield()
    {
        assertThrows(IllegalArgumentException.class, () -> Router.launch(new Router.Context()
            .coreThreading(CoreThreading.SHARED).waitStrategy(WaitStrategy.YIELD)));
        assertThrows(IllegalArgumentException.class, () -> Router.launch(new Router.Context()
            .coreThreading(CoreThreading.SHARED).waitStrategy(WaitStrategy.SLEEP)));
    }
}
