package to.clasp.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.edge.InProcessEdge;
import to.clasp.edge.InboundPort;
import to.clasp.protocol.MessageType;
import to.clasp.testing.BlockingConnection;
import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbound ring's back-pressure contract ({@link InboundPort}): the thread hosting the core never waits for it,
 * other threads are told (and resumed when the ring drains), waiting producers give up after a bound, connects and
 * disconnects always get through; and the watchdog reports a core that stopped.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InboundBackPressureTest
{
    private static final int RING = 1024;
    private static final UnsafeBuffer PING = new UnsafeBuffer(Frames.ping());

    private Router router;
    private ControlledHost host;

    @AfterEach
    void close()
    {
        if (null != host)
        {
            host.release();
        }
        if (null != router)
        {
            router.close();
        }
        if (null != host)
        {
            host.stop();
        }
    }

    private Router shared(final java.util.function.Consumer<Router.Context> customise)
    {
        final Router.Context ctx = new Router.Context()
            .coreThreading(CoreThreading.SHARED)
            .inboundRingSize(RING)
            .ttlCheckIntervalNs(TimeUnit.HOURS.toNanos(1))
            .helloTimeoutNs(TimeUnit.HOURS.toNanos(1))
            .idleTimeoutNs(0);
        customise.accept(ctx);
        router = Router.launch(ctx);
        return router;
    }

    @Test
    void theHostThreadRunsTheCoreItselfWhenTheRingIsFull()
    {
        shared(c -> { });
        final SharedCore core = router.sharedCore();
        core.attach(() -> { });
        // This thread hosts the core and never runs a duty cycle of its own accord: the ring fills, and every further
        // offer must make room by running the core here. The old port parked this thread for ever.
        final InProcessEdge.Connection connection = InProcessEdge.connect(router.inboundPort());
        final InboundPort port = router.inboundPort();
        assertEquals(InboundPort.OFFERED, port.offer(connection.connectionId(), new UnsafeBuffer(Frames.hello("h")),
            0, Frames.hello("h").length));
        final int frames = RING * 10;
        for (int i = 0; i < frames; i++)
        {
            assertEquals(InboundPort.OFFERED, port.offer(connection.connectionId(), PING, 0, PING.capacity()),
                "offer " + i);
        }
        assertTrue(router.backPressure().inlineCycles() > 0, "the host ran the core inside its offers");
        while (core.hasWork())
        {
            core.doWork();
        }
        int pongs = 0;
        for (final byte[] frame : connection.drainAll())
        {
            pongs += frame[4] == MessageType.PONG ? 1 : 0;
        }
        assertEquals(frames, pongs, "every PING was handled, in order, none lost");
        core.detach();
    }

    @Test
    void otherThreadsAreToldAndResumedWhenTheRingDrains() throws Exception
    {
        shared(c -> { });
        host = new ControlledHost(router.sharedCore());
        final InboundPort port = router.inboundPort();
        final InProcessEdge.Connection connection = InProcessEdge.connect(port);
        int offered = 0;
        while (port.offer(connection.connectionId(), PING, 0, PING.capacity()) == InboundPort.OFFERED)
        {
            offered++;
            assertTrue(offered <= RING, "the ring is bounded");
        }
        assertTrue(offered >= RING * 3 / 4, "frames may use the ring down to its reserve: " + offered);
        assertTrue(port.isBackPressured(), "above the high-water mark");
        assertTrue(router.backPressure().backPressured() >= 1);

        final CountDownLatch drained = new CountDownLatch(1);
        port.whenDrained(drained::countDown);
        assertEquals(1, drained.getCount(), "not drained while the core does not run");

        host.release();
        assertTrue(drained.await(5, TimeUnit.SECONDS), "resumed once the core drained the ring");
        assertFalse(port.isBackPressured());
        assertEquals(InboundPort.OFFERED, port.offer(connection.connectionId(), PING, 0, PING.capacity()));

        final CountDownLatch already = new CountDownLatch(1);
        port.whenDrained(already::countDown);
        assertEquals(0, already.getCount(), "a ring already below the low-water mark resumes at once");
    }

    @Test
    void aWaitingProducerGivesUpAfterItsBound()
    {
        shared(c -> c.producerWaitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)));
        host = new ControlledHost(router.sharedCore());
        final InboundPort port = router.inboundPort();
        final InProcessEdge.Connection connection = InProcessEdge.connect(port);
        while (port.offer(connection.connectionId(), PING, 0, PING.capacity()) == InboundPort.OFFERED)
        {
            // fill to the reserve
        }
        final long start = System.nanoTime();
        assertFalse(port.onFrame(connection.connectionId(), PING, 0, PING.capacity()),
            "a stalled core: the frame is refused after the bound");
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 150 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        assertEquals(1, router.backPressure().producerTimeouts());
    }

    @Test
    void connectsAndDisconnectsGetThroughAFullRing()
    {
        shared(c -> { });
        host = new ControlledHost(router.sharedCore());
        final InboundPort port = router.inboundPort();
        final InProcessEdge.Connection first = InProcessEdge.connect(port);
        while (port.offer(first.connectionId(), PING, 0, PING.capacity()) == InboundPort.OFFERED)
        {
            // fill to the reserve
        }
        // Neither call may wait: the ring keeps a reserve for them.
        final InProcessEdge.Connection second = InProcessEdge.connect(port);
        second.close();
        first.close();
        host.release();
        final TestClient third = TestClient.open(port, "third");
        third.send(Frames.ping());
        third.expect(MessageType.PONG);
        third.close();
    }

    @Test
    void theWatchdogReportsACoreThatStoppedWithWorkWaiting()
    {
        shared(c -> c.stallTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)));
        host = new ControlledHost(router.sharedCore());
        final InboundPort port = router.inboundPort();
        final InProcessEdge.Connection connection = InProcessEdge.connect(port);
        assertNull(router.watchdog().stallReason(), "an idle core is not stalled");
        port.offer(connection.connectionId(), PING, 0, PING.capacity());
        final String reason = awaitStall();
        assertTrue(reason.contains("no cycle started") && reason.contains("waiting"), reason);
        host.release();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (null != router.watchdog().stallReason() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertNull(router.watchdog().stallReason(), "live again once cycles complete");
        assertEquals(1, router.watchdog().stalls());
    }

    @Test
    void theWatchdogReportsACoreStuckInsideACycle()
    {
        router = Router.launch(new Router.Context().stallTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)));
        final CountDownLatch unblock = new CountDownLatch(1);
        final InProcessEdge.Connection connection = InProcessEdge.connect(router.inboundPort());
        final BlockingConnection stuck = new BlockingConnection(unblock);
        final long id = router.inboundPort().connect(stuck).connectionId();
        router.inboundPort().onFrame(id, new UnsafeBuffer(Frames.hello("stuck")), 0, Frames.hello("stuck").length);
        final String reason = awaitStall();
        assertTrue(reason.contains("stuck inside a cycle"), reason);
        unblock.countDown();
        connection.close();
    }

    private String awaitStall()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String reason;
        while (null == (reason = router.watchdog().stallReason()) && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertNotNull(reason, "stall reported");
        return reason;
    }

    /** A host thread that attaches and then runs the core only once released. */
    private static final class ControlledHost
    {
        private final CountDownLatch go = new CountDownLatch(1);
        private final Thread thread;
        private volatile boolean running = true;

        ControlledHost(final SharedCore core)
        {
            final CountDownLatch attached = new CountDownLatch(1);
            thread = new Thread(() ->
            {
                final Thread self = Thread.currentThread();
                core.attach(() -> java.util.concurrent.locks.LockSupport.unpark(self));
                attached.countDown();
                try
                {
                    go.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                while (running)
                {
                    if (core.doWork() == 0)
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                }
                core.detach();
            }, "controlled-host");
            thread.setDaemon(true);
            thread.start();
            try
            {
                attached.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        void release()
        {
            go.countDown();
        }

        void stop()
        {
            running = false;
            try
            {
                thread.join(Duration.ofSeconds(10).toMillis());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
