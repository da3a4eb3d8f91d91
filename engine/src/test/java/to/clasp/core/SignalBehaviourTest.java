package to.clasp.core;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.GesturePhase;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §5: PUBLISH signals, gestures, P2P. */
class SignalBehaviourTest extends RouterFixture
{
    @Test
    void publishIsForwardedToMatchingSubscribersExcludingTheSenderAndNotStored()
    {
        start();
        final TestClient sender = client("sender");
        final TestClient sub = client("sub");
        sender.send(Frames.subscribe(1, "/cue/**"));
        sub.send(Frames.subscribe(1, "/cue/**"));
        sub.expectNothingMore();
        // E10 from JS (indicator 1 + null) and from Python (indicator 0)
        sender.send(Frames.hex("53 41 00 15 20 30 00 07 2f 63 75 65 2f 67 6f 01 00 00 06 0a 24 18 1e 40 00"));
        sender.send(Frames.hex("53 01 00 14 20 30 00 07 2f 63 75 65 2f 67 6f 00 00 06 0a 24 18 1e 40 00"));
        assertArrayEquals(Frames.hex("53 41 00 15 20 30 00 07 2f 63 75 65 2f 67 6f 01 00 00 06 0a 24 18 1e 40 00"),
            sub.receive().bytes(), "JS emit relayed as received (event flags 0x41)");
        final Received py = sub.expect(MessageType.PUBLISH);
        assertEquals(PublishDecoder.INDICATOR_NONE, py.decoder().publish().indicator());
        sender.expectNothingMore(); // not to the sender, no ACK
        sub.send(Frames.get(1, "/cue/go"));
        assertEquals(201, sub.expect(MessageType.ERROR).decoder().error().code(), "not stored");
    }

    @Test
    void streamsAndTimelinesAreForwardedWithTheirRelayFlags()
    {
        start();
        final TestClient sender = client("sender");
        final TestClient sub = client("sub");
        sub.send(Frames.subscribe(1, "/**"));
        sub.expectNothingMore();
        sender.send(Frames.publish(1, SignalType.STREAM, "/s", 0.5));
        sender.send(Frames.publish(1, SignalType.TIMELINE, "/t", null));
        final Received stream = sub.expect(MessageType.PUBLISH);
        assertEquals(0x01, stream.bytes()[1] & 0xFF);
        assertEquals(SignalType.STREAM, stream.decoder().publish().signal());
        final Received timeline = sub.expect(MessageType.PUBLISH);
        assertEquals(0x81, timeline.bytes()[1] & 0xFF);
        sender.expectNothingMore();
    }

    @Test
    void gestureMovesAreCoalescedFirstAtOnceThenLatestAndFlushedBeforeEnd()
    {
        start(ctx -> ctx.gestureIntervalNs(TimeUnit.MILLISECONDS.toNanos(100)));
        final TestClient g = client("g");
        final TestClient sub = client("sub");
        sub.send(Frames.subscribe(1, "/g"));
        sub.expectNothingMore();
        g.send(Frames.publish(0, SignalType.GESTURE, GesturePhase.START, "/g", 0L, 7L));
        for (long i = 1; i <= 20; i++)
        {
            g.send(Frames.publish(0, SignalType.GESTURE, GesturePhase.MOVE, "/g", i, 7L));
        }
        g.send(Frames.publish(0, SignalType.GESTURE, GesturePhase.END, "/g", 99L, 7L));
        g.expectNothingMore();
        final List<Received> got = sub.receiveUntilBarrier();
        assertEquals(4, got.size(), got.toString());
        assertEquals(GesturePhase.START, got.get(0).decoder().publish().phase());
        assertEquals(GesturePhase.MOVE, got.get(1).decoder().publish().phase());
        assertEquals(1, got.get(1).decoder().publish().value().asLong(), "first move at once");
        assertEquals(GesturePhase.MOVE, got.get(2).decoder().publish().phase());
        assertEquals(20, got.get(2).decoder().publish().value().asLong(), "pending move flushed, latest wins");
        assertEquals(GesturePhase.END, got.get(3).decoder().publish().phase());
        assertEquals(7, got.get(3).decoder().publish().gestureId());
    }

    @Test
    void gesturePendingMoveIsSentWhenTheIntervalEnds()
    {
        start(ctx -> ctx.gestureIntervalNs(TimeUnit.MILLISECONDS.toNanos(50)));
        final TestClient g = client("g");
        final TestClient sub = client("sub");
        sub.send(Frames.subscribe(1, "/g"));
        sub.expectNothingMore();
        g.send(Frames.publish(0, SignalType.GESTURE, GesturePhase.MOVE, "/g", 1L, 1L));
        g.send(Frames.publish(0, SignalType.GESTURE, GesturePhase.MOVE, "/g", 2L, 1L));
        g.send(Frames.publish(0, SignalType.GESTURE, GesturePhase.MOVE, "/g", 3L, 1L));
        assertEquals(1, sub.expect(MessageType.PUBLISH).decoder().publish().value().asLong());
        assertEquals(3, sub.expect(MessageType.PUBLISH).decoder().publish().value().asLong(), "after 50 ms");
        sub.expectNothingMore();
    }

    @Test
    void p2pSignalGoesOnlyToTheTargetSessionOrGets404()
    {
        start();
        final TestClient a = client("a");
        final TestClient b = client("b");
        final TestClient snoop = client("snoop");
        snoop.send(Frames.subscribe(1, "/**"));
        snoop.expectNothingMore();
        a.send(Frames.publish(0, SignalType.EVENT, "/clasp/p2p/signal/" + b.sessionId(), "offer"));
        final Received r = b.expect(MessageType.PUBLISH);
        assertEquals("offer", r.decoder().publish().value().toObject());
        snoop.expectNothingMore();
        a.expectNothingMore();
        final String unknown = "/clasp/p2p/signal/00000000-0000-4000-8000-000000000000";
        a.send(Frames.publish(0, SignalType.EVENT, unknown, "x"));
        final Received err = a.expect(MessageType.ERROR);
        assertEquals(404, err.decoder().error().code());
        assertEquals(unknown, err.decoder().error().address());
    }

    @Test
    void p2pAnnounceGoesToItsSubscribers()
    {
        start();
        final TestClient a = client("a");
        final TestClient b = client("b");
        b.send(Frames.subscribe(1, "/clasp/p2p/announce"));
        b.expectNothingMore();
        a.send(Frames.publish(0, SignalType.EVENT, "/clasp/p2p/announce", a.sessionId()));
        assertEquals(a.sessionId(), b.expect(MessageType.PUBLISH).decoder().publish().value().toObject());
    }
}
