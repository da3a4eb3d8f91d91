package to.clasp.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slow consumers: others are never slowed, memory stays bounded, params are conflated, the hard limit closes. */
class SlowConsumerTest extends RouterFixture
{
    private static final long SOFT = 16 * 1024;
    private static final long HARD = 128 * 1024;
    private static final int ADDRESSES = 50;
    private static final int WRITES = 10_000;

    @Test
    void slowRecipientGetsLatestParamValuesWhileOthersGetEverything()
    {
        start(ctx -> ctx.outboundSoftLimit(SOFT).outboundHardLimit(HARD));
        final TestClient slow = client("slow");
        final TestClient fast = client("fast");
        final TestClient writer = client("writer");
        slow.send(Frames.subscribe(1, "/**"));
        fast.send(Frames.subscribe(1, "/**"));
        slow.expectNothingMore();
        fast.expectNothingMore();

        final Map<String, Double> last = new HashMap<>();
        final Map<String, Long> fastRevisions = new HashMap<>();
        for (int i = 0; i < WRITES; i++)
        {
            final String address = "/mix/ch" + (i % ADDRESSES);
            writer.send(Frames.set(0, address, (double)i));
            writer.send(Frames.publish(0, SignalType.STREAM, "/meter", (double)i)); // droppable for the slow one
            last.put(address, (double)i);
            // The fast client keeps up, as a healthy socket would: it reads each update as it comes.
            final SetDecoder set = fast.expect(MessageType.SET).decoder().set();
            assertEquals(address, set.address());
            final Long prev = fastRevisions.put(set.address(), set.revision());
            assertTrue(null == prev || prev + 1 == set.revision(), "fast misses nothing: " + set.address());
            assertEquals(MessageType.PUBLISH, fast.receive().type());
            assertTrue(slow.connection().queue().queuedBytes() <= HARD + 1024, "bounded");
        }
        writer.expectNothingMore();
        assertTrue(slow.connection().queue().queuedBytes() <= HARD + 1024);
        assertTrue(!slow.connection().isClosed(), "params and streams only: conflated/dropped, not disconnected");
        await(() -> router.metrics().conflatedMessages() > 0 && router.metrics().droppedMessages() > 0,
            "conflation and stream drops counted");

        // The slow one now reads: per address, revisions only increase and it ends with the latest value.
        final Map<String, Double> slowLatest = new HashMap<>();
        final Map<String, Long> slowRevisions = new HashMap<>();
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!slowLatest.equals(last) && System.nanoTime() < deadline)
        {
            final Received r = slow.receive(Duration.ofMillis(200));
            if (null == r || MessageType.SET != r.type())
            {
                continue;
            }
            final SetDecoder set = r.decoder().set();
            final Long prev = slowRevisions.put(set.address(), set.revision());
            assertTrue(null == prev || prev < set.revision(), "revisions increase per address");
            slowLatest.put(set.address(), set.value().asDouble());
        }
        assertEquals(last, slowLatest, "slow consumer ends with the latest value of every param");
    }

    @Test
    void recipientPastTheHardLimitGets503AndIsDisconnectedWhileOthersContinue()
    {
        start(ctx -> ctx.outboundSoftLimit(SOFT).outboundHardLimit(HARD));
        final TestClient slow = client("slow");
        final TestClient fast = client("fast");
        final TestClient writer = client("writer");
        slow.send(Frames.subscribe(1, "/ev/**"));
        fast.send(Frames.subscribe(1, "/ev/**"));
        slow.expectNothingMore();
        fast.expectNothingMore();
        final String payload = "x".repeat(200);
        final int events = 2_000; // ~450 KiB of events: kept until the hard limit, then the session goes
        for (int i = 0; i < events; i++)
        {
            writer.send(Frames.publish(0, SignalType.EVENT, "/ev/" + (i % 5), payload));
            // The fast client reads each event before the next is sent, as a healthy socket would. (Reading only
            // what had arrived let a core that ran late on a loaded machine route hundreds of queued events in a
            // row, so the fast client crossed the hard limit too and was rightly cut.)
            assertEquals(MessageType.PUBLISH, fast.receive().type());
        }
        writer.expectNothingMore();
        await(() -> router.metrics().slowConsumerDisconnects() == 1, "slow consumer disconnected");
        assertTrue(slow.connection().queue().queuedBytes() <= HARD + 1024);
        Received r;
        Received lastFrame = null;
        while (null != (r = slow.receive(Duration.ofMillis(100))))
        {
            lastFrame = r;
        }
        assertTrue(null != lastFrame && MessageType.ERROR == lastFrame.type(), "ends with ERROR 503");
        assertEquals(503, lastFrame.decoder().error().code());
        assertTrue(slow.connection().isClosed());
        assertEquals(1008, slow.connection().closeCode());
        fast.send(Frames.ping());
        assertEquals(MessageType.PONG, fast.receive().type(), "others unaffected");
    }
}
