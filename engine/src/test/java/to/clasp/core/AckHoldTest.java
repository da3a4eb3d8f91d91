package to.clasp.core;

import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.OutboundQueue;
import to.clasp.journal.DurablePosition;
import to.clasp.journal.LatencyHistogram;
import to.clasp.journal.TestDurablePositions;
import to.clasp.protocol.AckEncoder;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.testing.SilentConnection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Held ACKs (--fsync always|batch): released in order, only once the durable position covers their record, never
 * to a session that has gone; the core asks to be woken instead of waiting; the hold is bounded.
 */
class AckHoldTest
{
    private final SessionTable table = new SessionTable();
    private final RouterMetrics metrics = new RouterMetrics();
    private final Outbox outbox = new Outbox(metrics, 256 * 1024, 4 * 1024 * 1024);
    private final DurablePosition durable = TestDurablePositions.create(0);
    private final LatencyHistogram holdTime = new LatencyHistogram();
    private final LatencyHistogram releaseLag = new LatencyHistogram();
    private final UnsafeBuffer ack = new UnsafeBuffer(new byte[128]);

    private Session session(final long connectionId)
    {
        final OutboundQueue queue = new OutboundQueue(connectionId, 16 * 1024, 1 << 22);
        final EdgeConnection connection = new SilentConnection(); // the test drains the queue itself
        final Session s = new Session(connectionId, connection, queue, table.allocateIndex(), null);
        s.assignId(java.util.UUID.randomUUID());
        s.state = Session.OPEN;
        table.add(s);
        table.opened(s);
        return s;
    }

    private int ackFor(final long revision)
    {
        return AckEncoder.setAck(ack, 0, new UnsafeBuffer("/a".getBytes()), 0, 2, revision);
    }

    private static long[] revisionsQueued(final Session s)
    {
        final FrameDecoder d = new FrameDecoder();
        final long[] out = new long[64];
        final int[] n = {0};
        s.queue.drain((buffer, offset, length) ->
        {
            d.decode(buffer, offset, length);
            assertEquals(MessageType.ACK, d.type());
            out[n[0]++] = d.ack().revision();
        }, 64);
        return java.util.Arrays.copyOf(out, n[0]);
    }

    @Test
    void acksGoOutInOrderOnlyWhenTheirRecordIsDurableAndTheCoreIsWokenForTheNext()
    {
        final AckHold hold = new AckHold(durable, table, outbox, holdTime, releaseLag, 1 << 20);
        final AtomicInteger wakes = new AtomicInteger();
        durable.waker(wakes::incrementAndGet);
        final Session a = session(1);
        final Session b = session(2);
        assertTrue(hold.hold(a, 100, ack, 0, ackFor(1), 0));
        assertTrue(hold.hold(b, 200, ack, 0, ackFor(2), 0));
        assertTrue(hold.hold(a, 300, ack, 0, ackFor(3), 0));

        assertEquals(0, hold.release(10));
        assertFalse(hold.releasable());
        assertEquals(0, revisionsQueued(a).length);
        assertEquals(0, releaseLag.count(), "nothing released, no hand-off timed");

        TestDurablePositions.advance(durable, 250); // the journal thread: durable up to 250, wakes the core once
        assertEquals(1, wakes.get());
        assertTrue(hold.releasable());
        assertEquals(2, hold.release(20));
        assertEquals(1, revisionsQueued(a).length);
        assertEquals(2, revisionsQueued(b)[0]);
        assertFalse(hold.releasable());

        TestDurablePositions.advance(durable, 300);
        assertEquals(2, wakes.get());
        assertEquals(1, hold.release(30));
        assertEquals(3, revisionsQueued(a)[0]);
        assertTrue(hold.isEmpty());
        assertEquals(3, holdTime.count());
        assertEquals(2, releaseLag.count(), "one hand-off timed per release that sent answers");
        assertTrue(releaseLag.sumNs() >= 0 && releaseLag.sumNs() < java.util.concurrent.TimeUnit.SECONDS.toNanos(10),
            "timed from the sync's end: " + releaseLag.sumNs());
    }

    @Test
    void anAckForASessionThatClosedIsDropped()
    {
        final AckHold hold = new AckHold(durable, table, outbox, holdTime, releaseLag, 1 << 20);
        final Session a = session(1);
        hold.hold(a, 100, ack, 0, ackFor(1), 0);
        a.state = Session.CLOSED;
        TestDurablePositions.advance(durable, 100);
        assertEquals(1, hold.release(1));
        assertTrue(hold.isEmpty());
        assertEquals(0, revisionsQueued(a).length);
    }

    @Test
    void theHoldIsBoundedSoTheCallerRefusesWritesInsteadOfGrowingMemory()
    {
        final AckHold hold = new AckHold(durable, table, outbox, holdTime, releaseLag, 64 * 1024);
        final Session a = session(1);
        int held = 0;
        while (hold.hasRoom())
        {
            assertTrue(hold.hold(a, ++held, ack, 0, ackFor(held), 0));
        }
        assertTrue(held > 100 && held < 2_000, "held " + held);
        TestDurablePositions.advance(durable, held);
        hold.release(1);
        assertTrue(hold.hasRoom());
    }
}
