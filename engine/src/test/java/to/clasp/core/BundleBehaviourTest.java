package to.clasp.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §5 BUNDLE [better]: atomic, ordered, scheduled. */
class BundleBehaviourTest extends RouterFixture
{
    @Test
    void jsBundleAppliesSetsThenPublishesThenAcksTheLastRevisionAtQos2()
    {
        start();
        final TestClient js = client("js");
        final TestClient sub = client("sub");
        js.send(Frames.subscribe(1, "/**"));
        sub.send(Frames.subscribe(1, "/**"));
        sub.expectNothingMore();
        js.send(Frames.hex("53 81 00 1f 30 00 00 02 00 10 21 07 00 04 2f 6c 2f 31 3f f0 00 00 00 00 00 00 " +
            "00 07 20 20 00 02 2f 65 00")); // E11 (JS)
        final Received set = js.expect(MessageType.SET);
        assertEquals("/l/1", set.decoder().set().address());
        final Received ack = js.expect(MessageType.ACK);
        assertTrue(ack.decoder().ack().hasRevision());
        assertEquals(1, ack.decoder().ack().revision());
        js.expectNothingMore();
        assertEquals(MessageType.SET, sub.receive().type());
        assertEquals(MessageType.PUBLISH, sub.receive().type());
        sub.expectNothingMore();
    }

    @Test
    void pythonMessagePackBundleIsAcceptedWithoutAck()
    {
        start();
        final TestClient py = client("py");
        py.send(Frames.subscribe(1, "/l/*"));
        py.send(Frames.hex("53 01 00 48 83 a4 74 79 70 65 a6 42 55 4e 44 4c 45 a9 74 69 6d 65 73 74 61 6d 70 c0 " +
            "a8 6d 65 73 73 61 67 65 73 91 83 a4 74 79 70 65 a3 53 45 54 a7 61 64 64 72 65 73 73 a4 2f 6c 2f 31 " +
            "a5 76 61 6c 75 65 cb 3f f0 00 00 00 00 00 00"));
        final Received set = py.expect(MessageType.SET);
        assertEquals(1.0, set.decoder().set().value().asDouble());
        py.expectNothingMore(); // QoS 0: no ACK
    }

    @Test
    void aFailingEntryRejectsTheWholeBundleWithOneErrorNamingItsAddress()
    {
        start();
        final TestClient holder = client("holder");
        final TestClient c = client("c");
        final TestClient sub = client("sub");
        sub.send(Frames.subscribe(1, "/**"));
        holder.send(Frames.set(1, "/locked", 1.0, SetEncoder.LOCK, 0, 0));
        holder.expect(MessageType.ACK);
        sub.receiveUntilBarrier();
        c.send(Frames.bundle(2, null,
            Frames.set(0, "/ok/1", 1.0),
            Frames.publish(0, SignalType.EVENT, "/ev", "x"),
            Frames.set(0, "/locked", 2.0)));
        final Received err = c.expect(MessageType.ERROR);
        assertEquals(400, err.decoder().error().code());
        assertEquals("/locked", err.decoder().error().address());
        assertTrue(err.decoder().error().message().contains("lock held"));
        c.expectNothingMore();
        sub.expectNothingMore(); // nothing applied, nothing forwarded
        c.send(Frames.get(1, "/ok/1"));
        assertEquals(201, c.expect(MessageType.ERROR).decoder().error().code());
    }

    @Test
    void bundleValidatesRevisionsCountingEarlierEntries()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.bundle(1, null,
            Frames.set(0, "/r", 1.0),
            Frames.set(0, "/r", 2.0, SetEncoder.REVISION, 1, 0),
            Frames.set(0, "/r", 3.0, SetEncoder.REVISION, 2, 0)));
        assertEquals(3, c.expect(MessageType.ACK).decoder().ack().revision());
        c.send(Frames.bundle(1, null,
            Frames.set(0, "/r", 4.0, SetEncoder.REVISION, 3, 0),
            Frames.set(0, "/r", 5.0, SetEncoder.REVISION, 3, 0)));
        final Received err = c.expect(MessageType.ERROR);
        assertEquals("bundle rejected: revision conflict: expected 3, actual 4", err.decoder().error().message());
    }

    @Test
    void bundleWithoutSetsGetsAnEmptyAckAtQos1()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.bundle(1, null, Frames.publish(0, SignalType.EVENT, "/e", null)));
        final Received ack = c.expect(MessageType.ACK);
        assertFalse(ack.decoder().ack().hasRevision());
        assertFalse(ack.decoder().ack().hasAddress());
    }

    @Test
    void futureBundleIsScheduledAndTooFarAheadIsRejected()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/**"));
        final long at = clock.epochMicros() + 150_000; // 150 ms ahead
        final long t0 = System.nanoTime();
        c.send(Frames.bundle(0, at, Frames.set(0, "/later", 1.0)));
        c.expectNothingMore(); // not yet
        assertEquals(MessageType.SET, c.receive().type());
        assertTrue(System.nanoTime() - t0 >= 100_000_000L, "ran at its time");

        c.send(Frames.bundle(0, clock.epochMicros() + 2L * 3600 * 1_000_000, Frames.set(0, "/never", 1.0)));
        final Received err = c.expect(MessageType.ERROR);
        assertEquals(400, err.decoder().error().code());

        c.send(Frames.bundle(0, clock.epochMicros() - 1_000_000, Frames.set(0, "/past", 1.0)));
        assertEquals("/past", c.expect(MessageType.SET).decoder().set().address(), "past timestamp runs at once");
        final List<Received> rest = c.receiveUntilBarrier();
        assertTrue(rest.isEmpty(), rest.toString());
    }
}
