package to.clasp.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.OutboundQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox is the one owner of congestion state: sessions are conflated and revisited through its API only, the
 * congested list never leaves it, and a session leaves that list exactly when its work is done (or it is gone).
 */
class OutboxTest
{
    private static final int SOFT = 1024;
    private static final int HARD = 64 * 1024;

    private final SessionTable table = new SessionTable();
    private final RouterMetrics metrics = new RouterMetrics();
    private final Outbox outbox = new Outbox(metrics, SOFT, HARD);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[SOFT]);
    private final AtomicInteger signals = new AtomicInteger();
    private final AtomicInteger hardLimits = new AtomicInteger();

    OutboxTest()
    {
        outbox.slowConsumerHandler(s -> hardLimits.incrementAndGet());
    }

    private Session session(final long connectionId)
    {
        final OutboundQueue queue = new OutboundQueue(connectionId, 16 * 1024, HARD + 1024);
        final EdgeConnection connection = new EdgeConnection()
        {
            public void outboundReady()
            {
                signals.incrementAndGet();
            }

            public void close(final int closeCode, final String reason)
            {
            }

            public String transport()
            {
                return "test";
            }

            public String remoteAddress()
            {
                return "test";
            }
        };
        final Session s = new Session(connectionId, connection, queue, table.allocateIndex(), null);
        s.state = Session.OPEN;
        return s;
    }

    private static void drainAll(final Session s)
    {
        s.queue.drain((buffer, offset, length) -> { }, Integer.MAX_VALUE);
    }

    @Test
    void paramsAreConflatedPastTheSoftLimitAndResentOnceThereIsRoom()
    {
        final Session s = session(1);
        assertTrue(outbox.send(s, frame, 0, SOFT, Outbox.CLASS_CONTROL, -1), "fills the queue to the soft limit");
        assertFalse(outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 7));
        assertFalse(outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 7), "the same param twice: one entry");
        assertFalse(outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 9));
        assertFalse(outbox.send(s, frame, 0, 10, Outbox.CLASS_STREAM, -1), "streams are dropped");
        assertTrue(outbox.hasCongested());

        final List<Integer> resent = new ArrayList<>();
        final Outbox.ConflatedSender sender = (session, id) -> resent.add(id);
        assertFalse(outbox.resendConflated(s, sender), "no room yet: nothing is resent");
        assertTrue(resent.isEmpty());

        drainAll(s);
        assertTrue(outbox.send(s, frame, 0, 10, Outbox.CLASS_CONTROL, -1), "control frames still go");
        assertFalse(outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 11),
            "a param update while others are held back is held back too (no reordering past the conflated ones)");
        assertTrue(outbox.resendConflated(s, sender));
        resent.sort(Integer::compare);
        assertEquals(List.of(7, 9, 11), resent);
        assertTrue(outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 11), "nothing held back: sent at once");
    }

    @Test
    void resendingStopsWhenTheQueueFillsAgainAndContinuesLater()
    {
        final Session s = session(1);
        outbox.send(s, frame, 0, SOFT, Outbox.CLASS_CONTROL, -1);
        for (int id = 0; id < 10; id++)
        {
            outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, id);
        }
        drainAll(s);
        final AtomicInteger resent = new AtomicInteger();
        final Outbox.ConflatedSender fillsQueue = (session, id) ->
        {
            resent.incrementAndGet();
            outbox.sendFinal(session, frame, 0, SOFT / 4);
        };
        assertFalse(outbox.resendConflated(s, fillsQueue), "stops once the queue reaches the soft limit again");
        assertEquals(4, resent.get());
        drainAll(s);
        assertFalse(outbox.resendConflated(s, fillsQueue));
        drainAll(s);
        assertTrue(outbox.resendConflated(s, fillsQueue));
        assertEquals(10, resent.get(), "every held-back param is resent exactly once");
    }

    @Test
    void congestedSessionsLeaveTheListOnlyWhenDoneOrGone()
    {
        final Session busy = session(1);
        final Session done = session(2);
        final Session gone = session(3);
        outbox.revisitLater(busy);
        outbox.revisitLater(busy);
        outbox.revisitLater(done);
        outbox.revisitLater(gone);
        gone.state = Session.CLOSING;

        final List<Long> visited = new ArrayList<>();
        outbox.resumeCongested(s ->
        {
            visited.add(s.connectionId);
            return s != busy;
        });
        visited.sort(Long::compare);
        assertEquals(List.of(1L, 2L), visited, "each listed once; a gone session is not resumed");
        assertTrue(outbox.hasCongested());

        visited.clear();
        outbox.resumeCongested(s ->
        {
            visited.add(s.connectionId);
            return true;
        });
        assertEquals(List.of(1L), visited);
        assertFalse(outbox.hasCongested());
    }

    @Test
    void aSessionWithoutRoomStaysListedWithoutBeingResumed()
    {
        final Session s = session(1);
        outbox.send(s, frame, 0, SOFT, Outbox.CLASS_CONTROL, -1);
        outbox.revisitLater(s);
        final AtomicInteger resumed = new AtomicInteger();
        outbox.resumeCongested(session ->
        {
            resumed.incrementAndGet();
            return true;
        });
        assertEquals(0, resumed.get());
        assertTrue(outbox.hasCongested());
        drainAll(s);
        outbox.resumeCongested(session ->
        {
            resumed.incrementAndGet();
            return true;
        });
        assertEquals(1, resumed.get());
        assertFalse(outbox.hasCongested());
    }

    @Test
    void aForgottenSessionHasNothingToResend()
    {
        final Session s = session(1);
        outbox.send(s, frame, 0, SOFT, Outbox.CLASS_CONTROL, -1);
        outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 5);
        outbox.forget(s);
        drainAll(s);
        assertTrue(outbox.resendConflated(s, (session, id) -> { throw new AssertionError("resent " + id); }));
        assertTrue(outbox.send(s, frame, 0, 10, Outbox.CLASS_PARAM, 5));
    }

    @Test
    void eachConnectionIsSignalledOncePerBatchAndThePastHardLimitGoesToTheHandler()
    {
        final Session a = session(1);
        final Session b = session(2);
        outbox.send(a, frame, 0, 10, Outbox.CLASS_CONTROL, -1);
        outbox.send(a, frame, 0, 10, Outbox.CLASS_CONTROL, -1);
        outbox.send(b, frame, 0, 10, Outbox.CLASS_CONTROL, -1);
        outbox.signalReady();
        assertEquals(2, signals.get());
        outbox.signalReady();
        assertEquals(2, signals.get(), "nothing new: no signal");
        outbox.send(a, frame, 0, 10, Outbox.CLASS_CONTROL, -1);
        outbox.signalReady();
        assertEquals(3, signals.get());

        final UnsafeBuffer big = new UnsafeBuffer(new byte[HARD]);
        assertFalse(outbox.send(a, big, 0, HARD, Outbox.CLASS_CONTROL, -1));
        assertEquals(1, hardLimits.get());
    }
}
