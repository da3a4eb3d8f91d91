package to.clasp.transport.ws;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.edge.FrameWriter;
import to.clasp.edge.InProcessEdge;
import to.clasp.edge.InboundPort;
import to.clasp.protocol.MessageType;
import to.clasp.testing.Await;
import to.clasp.testing.Frames;
import to.clasp.testing.HeldCore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InboundGate} against a real core that a test thread hosts and can hold, so the ring really fills: frames the
 * ring refuses are kept in order and go in once it drained, reading pauses and resumes exactly once each, nothing
 * waits, and a router that closes meanwhile gets the transport told to close.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class InboundGateTest
{
    private static final int RING = 1024;
    private static final UnsafeBuffer PING = new UnsafeBuffer(Frames.ping());

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger pauses = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private Router router;
    private HeldCore host;

    private final InboundGate.Listener listener = new InboundGate.Listener()
    {
        public void readingPaused(final boolean paused)
        {
            (paused ? pauses : resumes).incrementAndGet();
        }

        public void keptFrameRefused()
        {
            refusals.incrementAndGet();
        }
    };

    @AfterEach
    void stop()
    {
        if (host != null)
        {
            host.release();
        }
        if (router != null)
        {
            router.close();
        }
        if (host != null)
        {
            host.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private InboundPort start()
    {
        router = Router.launch(new Router.Context().coreThreading(CoreThreading.SHARED).inboundRingSize(RING)
            .producerWaitTimeoutNs(TimeUnit.MINUTES.toNanos(1)));
        host = new HeldCore(router.sharedCore());
        return router.inboundPort();
    }

    /** On the gate's loop, as a transport calls it. */
    private int offer(final InboundGate gate, final UnsafeBuffer frame) throws Exception
    {
        return loop.submit(() -> gate.offer(frame, 0, frame.capacity())).get(10, TimeUnit.SECONDS);
    }

    /** As a decoder that writes into the ring slot itself offers ({@link InboundGate#offer(int, FrameWriter)}). */
    private int offerWritten(final InboundGate gate, final UnsafeBuffer frame) throws Exception
    {
        final FrameWriter writer = (dst, offset, length) -> dst.putBytes(offset, frame, 0, length);
        return loop.submit(() -> gate.offer(frame.capacity(), writer)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void keepsWhatAFullRingRefusesAndOffersItInOrderOnceDrained() throws Exception
    {
        keepsWhatAFullRingRefusesAndOffersItOnceDrained(false);
    }

    @Test
    void framesWrittenIntoPlaceAreKeptAndOfferedTheSameWay() throws Exception
    {
        keepsWhatAFullRingRefusesAndOffersItOnceDrained(true);
    }

    /** @param written every other frame offered through a {@link FrameWriter}, the rest from a buffer. */
    private void keepsWhatAFullRingRefusesAndOffersItOnceDrained(final boolean written) throws Exception
    {
        final InboundPort port = start();
        final InProcessEdge.Connection connection = InProcessEdge.connect(port);
        final InboundGate gate = new InboundGate(port, loop, listener).connectionId(connection.connectionId());
        assertEquals(InboundPort.OFFERED, offer(gate, new UnsafeBuffer(Frames.hello("gated"))));

        host.hold();
        final int pings = RING * 3;
        for (int i = 0; i < pings; i++)
        {
            assertEquals(InboundPort.OFFERED, written && (i & 1) == 0 ? offerWritten(gate, PING) : offer(gate, PING),
                "ping " + i + ": in the ring or kept");
        }
        assertTrue(loop.submit(gate::isKeeping).get(), "the ring refused some: kept");
        assertTrue(router.backPressure().backPressured() > 0);
        assertEquals(1, pauses.get(), "reading paused once");
        assertEquals(0, resumes.get());
        assertEquals(0, router.backPressure().producerWaits(), "nothing waited");

        host.release();
        Await.until(() -> resumes.get() == 1, () -> "reading resumed (resumes " + resumes + ")");
        assertFalse(loop.submit(gate::isKeeping).get(), "everything kept went in");
        int pongs = 0;
        while (pongs < pings)
        {
            final byte[] frame = connection.receive(java.time.Duration.ofSeconds(5));
            assertTrue(frame != null, "PONG " + pongs + " of " + pings);
            if (frame[4] == MessageType.PONG)
            {
                pongs++;
            }
        }
        assertEquals(1, pauses.get());
        assertEquals(0, refusals.get());
    }

    @Test
    void aRouterThatClosesWhileFramesAreKeptHasTheTransportClose() throws Exception
    {
        final InboundPort port = start();
        final InProcessEdge.Connection connection = InProcessEdge.connect(port);
        final InboundGate gate = new InboundGate(port, loop, listener).connectionId(connection.connectionId());
        host.hold();
        while (!loop.submit(gate::isKeeping).get())
        {
            assertEquals(InboundPort.OFFERED, offer(gate, PING));
        }
        host.close(); // stops hosting without running another cycle: the router's close runs on this thread
        router.close();
        router = null;
        Await.until(() -> refusals.get() == 1, () -> "the transport was told to close");
        assertEquals(InboundPort.REFUSED, offer(gate, PING), "and the router takes nothing more");
        assertEquals(0, resumes.get(), "reading stays paused: the connection closes");
    }
}
