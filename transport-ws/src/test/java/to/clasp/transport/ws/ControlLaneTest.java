package to.clasp.transport.ws;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.HeldCore;
import to.clasp.transport.ws.testing.TestWsClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Control before data, over real sockets: while a publisher's flood fills the core's ring (the core is held by the
 * test, so the backlog stays) a new client's HELLO, SUBSCRIBE and PING are answered by the very next duty
 * cycle, not after the hundreds of data frames queued before them; and the publisher's frames still all go in, in order.
 * The edge runs on its own event loop, as with a dedicated core: the thread that reads is not the one that makes room.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class ControlLaneTest
{
    private static final int RING = 1024;
    private static final int BATCH = 16;
    private static final long WAIT_MS = 5_000;

    private Router router;
    private HeldCore host;
    private WebSocketEdge edge;

    @AfterEach
    void stop()
    {
        if (host != null)
        {
            host.release();
        }
        if (edge != null)
        {
            edge.close();
        }
        if (router != null)
        {
            router.close();
        }
        if (host != null)
        {
            host.close();
        }
    }

    @Test
    void aNewClientIsAnsweredInOneDutyCycleWhileAFloodFillsTheRing() throws Exception
    {
        router = Router.launch(new Router.Context().coreThreading(CoreThreading.SHARED).inboundRingSize(RING)
            .pollBatchLimit(BATCH));
        host = new HeldCore(router.sharedCore());
        edge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
        final int port = edge.localAddress().getPort();

        try (TestWsClient publisher = TestWsClient.connect(port); TestWsClient newcomer = TestWsClient.connect(port))
        {
            publisher.send(Frames.hello("publisher"));
            assertEquals(MessageType.WELCOME, type(publisher.receive(WAIT_MS)));

            host.hold();
            // Flood until the ring is past its high-water mark (a quarter: 256 data frames and more waiting): the edge
            // stops reading the publisher, and the rest of the flood waits in the sockets.
            int sent = 0;
            while (!router.inboundPort().isBackPressured())
            {
                publisher.send(Frames.set(0, "/flood/x", sent++));
                assertTrue(sent < 100 * RING, "the ring never filled");
            }

            // A new client: its HELLO, SUBSCRIBE and PING, then a WebSocket ping the edge answers itself, after it
            // has handed the three frames over (one connection's frames are handled in order on its loop).
            newcomer.send(Frames.hello("newcomer"))
                .send(Frames.subscribe(1, "/flood/**"))
                .send(Frames.ping())
                .ping(new byte[] {1});
            newcomer.awaitPong(WAIT_MS);

            // One duty cycle handles at most a batch (16 here) of the 256 and more data frames waiting: control first.
            host.runCycles(1);
            assertEquals(MessageType.WELCOME, type(newcomer.receive(WAIT_MS)), "WELCOME after one cycle");
            assertEquals(MessageType.SNAPSHOT, type(newcomer.receive(WAIT_MS)), "the HELLO's snapshot");
            final byte[] afterSubscribe = newcomer.receive(WAIT_MS);
            if (type(afterSubscribe) == MessageType.SNAPSHOT)
            {
                // The SUBSCRIBE's snapshot of /flood/** (the first batch of SETs may already be in the state).
                assertEquals(MessageType.PONG, type(newcomer.receive(WAIT_MS)), "PONG after one cycle");
            }
            else
            {
                assertEquals(MessageType.PONG, type(afterSubscribe), "PONG after one cycle");
            }

            // The flood goes on in order once the core runs: the publisher's PING comes back after every SET.
            host.release();
            publisher.send(Frames.ping());
            for (byte[] frame = publisher.receive(WAIT_MS); type(frame) != MessageType.PONG;
                frame = publisher.receive(WAIT_MS))
            {
                assertTrue(type(frame) != MessageType.ERROR, "no error to the publisher");
            }
            assertTrue(router.backPressure().controlLane() >= 3, "HELLO, SUBSCRIBE and PING went ahead");
        }
    }

    private static int type(final byte[] frame)
    {
        return frame[4] & 0xFF;
    }
}
