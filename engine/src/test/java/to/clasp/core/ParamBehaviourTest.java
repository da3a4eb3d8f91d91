package to.clasp.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.ValueType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §3: params (SET, revisions, locks, TTL, capacity, validation, GET). */
class ParamBehaviourTest extends RouterFixture
{
    private static final String E4_JS =
        "53 41 00 20 21 07 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65 40 35 80 00 00 00 00 00";
    private static final String E4_PY =
        "53 01 00 20 21 07 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65 40 35 80 00 00 00 00 00";
    private static final String E5 =
        "53 41 00 28 21 87 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65 " +
        "40 35 80 00 00 00 00 00 00 00 00 00 00 00 00 01";
    private static final String E6 =
        "53 01 00 20 50 03 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65 00 00 00 00 00 00 00 01";

    private static ErrorDecoder error(final Received r)
    {
        assertEquals(MessageType.ERROR, r.type(), () -> "expected ERROR, got " + r);
        return r.decoder().error();
    }

    @Test
    void jsSetAtQos1IsBroadcastAsE5ToTheWriterThenAckedAsE6()
    {
        start();
        final TestClient js = client("js");
        js.send(Frames.subscribe(1, "/sensors/**"));
        js.send(Frames.hex(E4_JS));
        assertArrayEquals(Frames.hex(E5), js.receive().bytes(), "E5 broadcast");
        assertArrayEquals(Frames.hex(E6), js.receive().bytes(), "E6 ACK");
        js.expectNothingMore();
    }

    @Test
    void pythonSetAtQos0IsBroadcastButNeverAcked()
    {
        start();
        final TestClient py = client("py");
        py.send(Frames.subscribe(1, "/sensors/**"));
        py.send(Frames.hex(E4_PY));
        assertArrayEquals(Frames.hex(E5), py.receive().bytes());
        py.expectNothingMore(); // no ACK: Python cannot decode 0x50
    }

    @Test
    void pythonIntegerStaysI64AsInGoldenE8()
    {
        start();
        final TestClient py = client("py");
        py.send(Frames.subscribe(1, "/py/*"));
        py.send(Frames.hex("53 01 00 13 21 05 00 07 2f 70 79 2f 69 6e 74 00 00 00 00 00 00 00 2a"));
        assertArrayEquals(Frames.hex(
            "53 41 00 1b 21 85 00 07 2f 70 79 2f 69 6e 74 00 00 00 00 00 00 00 2a 00 00 00 00 00 00 00 01"),
            py.receive().bytes());
    }

    @Test
    void narrowIntegersAreWidenedToI64AndFloatsStayFloats()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/n/*"));
        c.send(Frames.hex("53 01 00 09 21 02 00 04 2f 6e 2f 69 fb")); // i8 -5 at /n/i
        final SetDecoder set = c.expect(MessageType.SET).decoder().set();
        assertEquals(ValueType.I64, set.value().type());
        assertEquals(-5, set.value().asLong());
        c.send(Frames.set(0, "/n/f", 42.0));
        final SetDecoder f = c.expect(MessageType.SET).decoder().set();
        assertEquals(ValueType.F64, f.value().type());
        assertEquals(42.0, f.value().asDouble());
    }

    @Test
    void broadcastReachesEveryMatchingSessionOnceIncludingTheWriter()
    {
        start();
        final TestClient w = client("w");
        final TestClient twice = client("twice");
        final TestClient other = client("other");
        w.send(Frames.subscribe(1, "/a/*"));
        twice.send(Frames.subscribe(1, "/a/**"));
        twice.send(Frames.subscribe(2, "/a/b"));
        other.send(Frames.subscribe(1, "/z/**"));
        w.expectNothingMore();
        twice.expectNothingMore();
        other.expectNothingMore();

        w.send(Frames.set(0, "/a/b", 1.0));
        assertEquals(1, w.expect(MessageType.SET).decoder().set().revision());
        assertEquals(1, twice.expect(MessageType.SET).decoder().set().revision());
        twice.expectNothingMore(); // once per session
        other.expectNothingMore();
        w.expectNothingMore();
    }

    @Test
    void revisionsStartAtOneAndGrowByOnePerAcceptedWrite()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/r"));
        for (int i = 1; i <= 3; i++)
        {
            c.send(Frames.set(1, "/r", (double)i));
            assertEquals(i, c.expect(MessageType.SET).decoder().set().revision());
            assertEquals(i, c.expect(MessageType.ACK).decoder().ack().revision());
        }
    }

    @Test
    void expectedRevisionMismatchIsRejectedWithTheExactText()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.set(0, "/a", 1.0));
        c.send(Frames.set(0, "/a", 2.0, SetEncoder.REVISION, 5, 0));
        final ErrorDecoder e = error(c.receive());
        assertEquals(400, e.code());
        assertEquals("revision conflict: expected 5, actual 1", e.message());
        assertEquals("/a", e.address());
        c.send(Frames.set(1, "/a", 3.0, SetEncoder.REVISION, 1, 0));
        assertEquals(2, c.expect(MessageType.ACK).decoder().ack().revision(), "matching revision accepted");
        c.send(Frames.set(1, "/new", 3.0, SetEncoder.REVISION, 9, 0));
        assertEquals(1, c.expect(MessageType.ACK).decoder().ack().revision(), "not checked for a new param");
    }

    @Test
    void lockHeldRejectsOtherWritersEvenWithTheUnlockBit()
    {
        start();
        final TestClient holder = client("holder");
        final TestClient other = client("other");
        holder.send(Frames.set(1, "/l", 1.0, SetEncoder.LOCK, 0, 0));
        holder.expect(MessageType.ACK);
        other.send(Frames.set(1, "/l", 2.0));
        ErrorDecoder e = error(other.receive());
        assertEquals(400, e.code());
        assertEquals("lock held", e.message());
        assertEquals("/l", e.address());
        other.send(Frames.set(1, "/l", 2.0, SetEncoder.UNLOCK, 0, 0));
        e = error(other.receive());
        assertEquals("lock held", e.message());
        other.send(Frames.set(1, "/l", 2.0, SetEncoder.LOCK, 0, 0));
        assertEquals("lock held", error(other.receive()).message());
        holder.send(Frames.set(1, "/l", 5.0));
        assertEquals(2, holder.expect(MessageType.ACK).decoder().ack().revision(), "holder still writes");
    }

    @Test
    void holderUnlockReleasesTheLockInTheSameWrite()
    {
        start();
        final TestClient holder = client("holder");
        final TestClient other = client("other");
        holder.send(Frames.set(1, "/l", 1.0, SetEncoder.LOCK, 0, 0));
        holder.expect(MessageType.ACK);
        holder.send(Frames.set(1, "/l", 2.0, SetEncoder.UNLOCK, 0, 0));
        holder.expect(MessageType.ACK);
        other.send(Frames.set(1, "/l", 3.0));
        assertEquals(3, other.expect(MessageType.ACK).decoder().ack().revision());
    }

    @Test
    void broadcastCopiesLockUnlockAndTtlBits()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/**"));
        c.send(Frames.set(0, "/t", 1.0, SetEncoder.LOCK | SetEncoder.TTL, 0, 30));
        final Received r = c.expect(MessageType.SET);
        final SetDecoder set = r.decoder().set();
        assertTrue(set.lock());
        assertFalse(set.unlock());
        assertTrue(set.hasTtl());
        assertEquals(30, set.ttl());
        assertEquals(1, set.revision());
        assertEquals(0x41, r.bytes()[1] & 0xFF);
    }

    @Test
    void ttlExpiredParamsVanishWithoutAMessage()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/**"));
        c.send(Frames.set(0, "/ttl", 1.0, SetEncoder.TTL, 0, 2));          // sliding 2 s
        c.send(Frames.set(0, "/keep", 1.0, SetEncoder.TTL, 0, 0));         // raw 0: never
        c.send(Frames.set(0, "/abs", 1.0, SetEncoder.TTL, 0, 0x80000000L | 2)); // absolute 2 s
        c.receiveUntilBarrier();
        await(() -> router.metrics().params() == 3, "three params");
        clock.offsetMicros.addAndGet(3_000_000);
        await(() -> router.metrics().params() == 1, "two params expired");
        c.expectNothingMore();
        c.send(Frames.get(1, "/ttl"));
        assertEquals(201, error(c.receive()).code());
        c.send(Frames.get(1, "/keep"));
        assertEquals(MessageType.SNAPSHOT, c.receive().type());
    }

    @Test
    void routerDefaultTtlAppliesToSetsWithoutATtlField()
    {
        start(ctx -> ctx.paramTtlSeconds(1));
        final TestClient c = client("c");
        c.send(Frames.set(1, "/d", 1.0));
        c.expect(MessageType.ACK);
        clock.offsetMicros.addAndGet(2_000_000);
        await(() -> router.metrics().params() == 0, "default TTL expired it");
    }

    @Test
    void newAddressAtCapacityIsRejectedWithStateFull()
    {
        start(ctx -> ctx.maxParams(2));
        final TestClient c = client("c");
        c.send(Frames.set(1, "/1", 1.0));
        c.send(Frames.set(1, "/2", 1.0));
        c.expect(MessageType.ACK);
        c.expect(MessageType.ACK);
        c.send(Frames.set(1, "/3", 1.0));
        final ErrorDecoder e = error(c.receive());
        assertEquals(400, e.code());
        assertEquals("state full", e.message());
        assertEquals("/3", e.address());
        c.send(Frames.set(1, "/1", 2.0));
        assertEquals(MessageType.ACK, c.receive().type(), "existing params still writable");
    }

    @Test
    void invalidAddressesGetError200WithTheAddress()
    {
        start();
        final TestClient c = client("c");
        // QoS 1: every refused write is answered (at QoS 0 at most one ERROR per second is, see below).
        for (final String bad : new String[] {"no-slash", "/a/*", "/a//b", "/a/**"})
        {
            c.send(Frames.set(1, bad, 1.0));
            final ErrorDecoder e = error(c.receive());
            assertEquals(200, e.code(), bad);
            assertEquals("invalid address", e.message());
            assertEquals(bad, e.address());
        }
        c.send(Frames.get(0, "/x/*"));
        assertEquals(200, error(c.receive()).code());
        c.send(Frames.publish(1, 1, "/p//q", null));
        assertEquals(200, error(c.receive()).code());
        c.expectNothingMore();
    }

    @Test
    void refusedWritesAtQos0GetAtMostOneErrorPerSecondAndAreCounted() throws Exception
    {
        start(ctx -> ctx.maxParams(1));
        final TestClient c = client("c");
        c.send(Frames.set(0, "/only", 1.0));
        // A writer flooding a full store at QoS 0: one ERROR says so, the other 99 refusals are counted, not answered
        // (one ERROR each would get this very client cut off as a slow consumer by the router's own errors).
        for (int i = 0; i < 100; i++)
        {
            c.send(Frames.set(0, "/full/" + i, 1.0));
        }
        c.send(Frames.ping());
        final ErrorDecoder first = error(c.receive());
        assertEquals(400, first.code());
        assertEquals("state full", first.message());
        assertEquals("/full/0", first.address());
        assertEquals(MessageType.PONG, c.receive().type(), "no other ERROR before the PONG");
        await(() -> router.metrics().refusedWrites() == 100, "100 refused writes counted");

        Thread.sleep(Replies.REFUSED_REPORT_INTERVAL_NS / 1_000_000 + 100);
        c.send(Frames.set(0, "/full/late", 1.0));
        final ErrorDecoder next = error(c.receive());
        assertEquals("state full (99 more QoS 0 write(s) refused since the previous error)", next.message());
        assertEquals("/full/late", next.address());
        c.send(Frames.set(1, "/full/confirmed", 1.0));
        assertEquals("state full", error(c.receive()).message(), "QoS 1 is always answered");
        c.expectNothingMore();
    }

    @Test
    void getHitAnswersOneEntrySnapshotWithWriterAndTimestamp()
    {
        start();
        final TestClient w = client("w");
        final TestClient r = client("r");
        w.send(Frames.hex(E4_JS));
        w.expect(MessageType.ACK);
        r.send(Frames.hex("53 01 00 17 22 00 14 2f 73 65 6e 73 6f 72 73 2f 74 65 6d 70 65 72 61 74 75 72 65")); // E7
        final Received snap = r.expect(MessageType.SNAPSHOT);
        final SnapshotDecoder d = snap.decoder().snapshot();
        assertEquals(1, d.count());
        d.entry(0);
        assertEquals("/sensors/temperature", d.address());
        assertEquals(21.5, d.value().asDouble());
        assertEquals(1, d.revision());
        assertEquals(w.sessionId(), d.writer());
        assertTrue(d.hasTimestamp());
        assertTrue(Math.abs(d.timestamp() - clock.epochMicros()) < 5_000_000);
        assertEquals(93, snap.bytes().length, "E7 layout");
    }

    @Test
    void getMissSendsNothingAtQos0AndError201AtQos1()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.get(0, "/missing"));
        c.expectNothingMore();
        c.send(Frames.get(1, "/missing"));
        final ErrorDecoder e = error(c.receive());
        assertEquals(201, e.code());
        assertEquals("not found", e.message());
        assertEquals("/missing", e.address());
    }

    @Test
    void lastWriterWinsByArrivalOrder()
    {
        start();
        final TestClient a = client("a");
        final TestClient b = client("b");
        a.send(Frames.set(1, "/x", 1.0));
        a.expect(MessageType.ACK);
        b.send(Frames.set(1, "/x", 2.0));
        b.expect(MessageType.ACK);
        a.send(Frames.get(0, "/x"));
        final SnapshotDecoder d = a.expect(MessageType.SNAPSHOT).decoder().snapshot();
        d.entry(0);
        assertEquals(2.0, d.value().asDouble());
        assertEquals(b.sessionId(), d.writer());
        final List<Received> none = a.receiveUntilBarrier();
        assertTrue(none.isEmpty());
    }
}
