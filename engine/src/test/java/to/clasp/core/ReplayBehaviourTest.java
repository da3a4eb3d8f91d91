package to.clasp.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.journal.DurableState;
import to.clasp.journal.JournalWriter;
import to.clasp.journal.RecordCodec;
import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.ReplayEncoder;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.ValueCodec;
import to.clasp.security.Authenticator;
import to.clasp.security.Grant;
import to.clasp.security.IssuedTokens;
import to.clasp.security.ScopeSet;
import to.clasp.security.Secrets;
import to.clasp.state.ParamStore;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.StoreWrites;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REPLAY (0x24) with a journal (router-behaviour.md §5): the matching entries as SET / PUBLISH frames in journal
 * order, filtered by pattern, time range, limit and type mask, then ACK{pattern} at QoS ≥ 1; read on the replay
 * thread and paced into the session's queue like a snapshot, so a client that does not read holds the replay back
 * instead of being cut off.
 */
class ReplayBehaviourTest extends RouterFixture
{
    @TempDir
    Path dir;

    private DurableState durable;
    private ParamStore store;

    @AfterEach
    void closeDurableState()
    {
        // The core first (it uses the journal), then the journal.
        if (null != router)
        {
            router.close();
            router = null;
        }
        if (null != durable)
        {
            durable.close();
        }
    }

    /** Journal entries written before the router starts, as the core journals them. */
    private interface Populate
    {
        void into(ParamStore store, JournalWriter writer);
    }

    private void startWithJournal(final Populate populate) throws InterruptedException
    {
        startWithJournal(populate, ctx -> { });
    }

    private void startWithJournal(final Populate populate, final Consumer<Router.Context> more)
        throws InterruptedException
    {
        store = baseContext().newParamStore();
        final DurableState.Context durableCtx = new DurableState.Context().directory(dir.toFile())
            .snapshotIntervalNs(0);
        durableCtx.journal().termLength(1 << 20).segmentLength(1 << 22);
        durable = DurableState.open(durableCtx, store);
        populate.into(store, durable.writer());
        final long end = durable.writer().position();
        durable.writer().endOfCycle();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (durable.durablePosition().get() < end)
        {
            assertTrue(System.nanoTime() < deadline, "journal not durable");
            Thread.sleep(1);
        }
        start(ctx -> more.accept(ctx.initialState(store).durableState(durable)));
    }

    private static void set(final ParamStore store, final JournalWriter writer, final String address,
        final Object value, final long micros)
    {
        final UnsafeBuffer a = new UnsafeBuffer(address.getBytes());
        final UnsafeBuffer v = new UnsafeBuffer(new byte[ValueCodec.encodedLength(value)]);
        final int length = ValueCodec.encode(value, v, 0);
        final String w = "writer-session";
        final int id = StoreWrites.apply(store, StoreWrites.request(address, v, length, w, micros));
        while (!writer.hasRoom(RecordCodec.paramRecordLength(a.capacity(), w.length(), length)))
        {
            writer.endOfCycle();
            Thread.onSpinWait();
        }
        assertTrue(writer.appendParam(store, id, false, false));
    }

    private static void event(final JournalWriter writer, final String address, final long value, final long micros)
    {
        final byte[] frame = Frames.publish(Qos.CONFIRM, SignalType.EVENT, address, value);
        final UnsafeBuffer payload = new UnsafeBuffer(frame, Frame.HEADER_LENGTH, frame.length - Frame.HEADER_LENGTH);
        final UnsafeBuffer a = new UnsafeBuffer(address.getBytes());
        final UnsafeBuffer w = new UnsafeBuffer("writer-session".getBytes());
        assertTrue(writer.appendEvent(micros, 0x02, a, 0, a.capacity(), w, 0, w.capacity(), payload, 0,
            payload.capacity()));
    }

    private static byte[] replay(final int qos, final String pattern, final Long from, final Long to,
        final Long limit, final int mask)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[2048]);
        final int length = ReplayEncoder.encode(b, 0, qos, pattern, from, to, limit, mask);
        final byte[] out = new byte[length];
        b.getBytes(0, out);
        return out;
    }

    /** Frames up to the replay's closing ACK (which must name the pattern). */
    private static List<Received> untilAck(final TestClient c, final String pattern)
    {
        final List<Received> frames = new ArrayList<>();
        while (true)
        {
            final Received r = c.receive();
            if (MessageType.ACK == r.type())
            {
                assertEquals(pattern, r.decoder().ack().address());
                return frames;
            }
            frames.add(r);
        }
    }

    private static String describe(final Received r)
    {
        if (MessageType.SET == r.type())
        {
            final SetDecoder set = r.decoder().set();
            return set.address() + "@" + set.revision() + "=" + set.value().toObject();
        }
        return "PUBLISH " + r.decoder().publish().address() + "=" + r.decoder().publish().value().toObject();
    }

    /** A replayed frame carries the original write's time in its header; live frames never have one. */
    private static String describeWithTime(final Received r)
    {
        assertTrue(r.decoder().hasTimestamp(), "replayed frames carry a header timestamp");
        return describe(r) + " t" + r.decoder().timestamp();
    }

    @Test
    void matchingParamsComeBackAsSetFramesInJournalOrderWithTheirRevisionsThenAnAck() throws Exception
    {
        startWithJournal((s, w) ->
        {
            set(s, w, "/r/a", 1L, 1_000);
            set(s, w, "/r/a", 2L, 2_000);
            set(s, w, "/other/x", 3L, 3_000);
            set(s, w, "/r/b/c", 4L, 4_000);
            set(s, w, "/r/a", 5L, 5_000);
        });
        final TestClient c = client("c");
        c.send(replay(Qos.CONFIRM, "/r/**", null, null, null, 0));
        final List<String> got = new ArrayList<>();
        for (final Received r : untilAck(c, "/r/**"))
        {
            got.add(describeWithTime(r));
        }
        assertEquals(List.of("/r/a@1=1 t1000", "/r/a@2=2 t2000", "/r/b/c@1=4 t4000", "/r/a@3=5 t5000"), got);

        // The state itself is the latest value: a replay does not change it; the recovered params are indexed for
        // subscribe snapshots like written ones.
        c.send(Frames.get(Qos.CONFIRM, "/r/a"));
        assertEquals(3, c.expect(MessageType.SNAPSHOT).decoder().snapshot().entry(0).revision());
        c.send(Frames.subscribe(1, "/r/b/*"));
        final to.clasp.protocol.SnapshotDecoder snapshot = c.expect(MessageType.SNAPSHOT).decoder().snapshot();
        assertEquals(1, snapshot.count());
        assertEquals("/r/b/c", snapshot.entry(0).address());
    }

    @Test
    void withTokenAuthAReplayNeedsReadCoveringItsWholePattern() throws Exception
    {
        final IssuedTokens tokens = new IssuedTokens();
        tokens.put(Secrets.TokenDigest.of("r-reader"), new Grant(ScopeSet.parse("read:/r/*"), Grant.NEVER, null,
            IssuedTokens.SOURCE));
        final Authenticator authenticator = new Authenticator(List.of(tokens));
        startWithJournal((s, w) ->
        {
            set(s, w, "/r/a", 1L, 1_000);
            set(s, w, "/r/b/c", 2L, 2_000);
            set(s, w, "/other/x", 3L, 3_000);
        }, ctx -> ctx.authenticator(authenticator));
        final TestClient c = TestClient.connect(port()).hello("reader", "r-reader");
        c.expect(MessageType.SNAPSHOT);
        for (final String wider : new String[] {"/r/**", "/**", "/other/*"})
        {
            c.send(replay(Qos.CONFIRM, wider, null, null, null, 0));
            final ErrorDecoder e = c.expect(MessageType.ERROR).decoder().error();
            assertEquals(301, e.code());
            assertEquals(wider, e.address());
        }
        c.send(replay(Qos.CONFIRM, "/r/*", null, null, null, 0));
        final List<String> got = new ArrayList<>();
        for (final Received r : untilAck(c, "/r/*"))
        {
            got.add(describe(r));
        }
        assertEquals(List.of("/r/a@1=1"), got);
        authenticator.close();
    }

    @Test
    void timeRangeLimitAndTypeMaskSelectTheEntries() throws Exception
    {
        startWithJournal((s, w) ->
        {
            for (int i = 1; i <= 10; i++)
            {
                set(s, w, "/m/p", (long)i, i * 1_000L);
                event(w, "/m/e", i, i * 1_000L + 500);
            }
        });
        final TestClient c = client("c");

        c.send(replay(Qos.CONFIRM, "/m/*", 3_000L, 5_000L, null, 0xFF));
        final List<String> range = new ArrayList<>();
        untilAck(c, "/m/*").forEach(r -> range.add(describeWithTime(r)));
        assertEquals(List.of("/m/p@3=3 t3000", "PUBLISH /m/e=3 t3500", "/m/p@4=4 t4000", "PUBLISH /m/e=4 t4500",
            "/m/p@5=5 t5000"), range);

        c.send(replay(Qos.CONFIRM, "/m/*", null, null, 3L, 0x02));
        final List<String> events = new ArrayList<>();
        untilAck(c, "/m/*").forEach(r -> events.add(describe(r)));
        assertEquals(List.of("PUBLISH /m/e=1", "PUBLISH /m/e=2", "PUBLISH /m/e=3"), events);

        c.send(replay(Qos.CONFIRM, "/m/*", 9_000L, null, null, 0x01));
        final List<String> params = new ArrayList<>();
        untilAck(c, "/m/*").forEach(r -> params.add(describe(r)));
        assertEquals(List.of("/m/p@9=9", "/m/p@10=10"), params);

        c.send(replay(Qos.CONFIRM, "m/no-slash", null, null, null, 0));
        assertEquals(202, c.expect(MessageType.ERROR).decoder().error().code());
    }

    @Test
    void aLongReplayToAClientThatDoesNotReadIsHeldBackNotCutOffAndCompletes() throws Exception
    {
        // 30 000 entries of ~230 bytes: 6.9 MB, more than the 4 MiB hard limit a session may queue, so only pacing
        // (never more than the soft limit queued) keeps the reader connected.
        final int entries = 30_000;
        final String filler = "x".repeat(200);
        startWithJournal((s, w) ->
        {
            for (int i = 0; i < entries; i++)
            {
                set(s, w, "/big/" + (i % 1000), filler + i, 1_000 + i);
            }
        });
        final TestClient reader = client("reader");
        final TestClient other = client("other");
        reader.receiveUntilBarrier(); // the rest of the HELLO snapshot (1 000 params: two chunks)
        other.receiveUntilBarrier();
        reader.send(replay(Qos.CONFIRM, "/big/**", null, null, (long)entries, 0));
        // While the reader does not read, the router goes on serving others at once.
        for (int i = 0; i < 20; i++)
        {
            other.send(Frames.ping());
            assertEquals(MessageType.PONG, other.receive().type());
        }
        assertFalse(reader.connection().isClosed());
        final List<Received> got = untilAckCounting(reader);
        assertEquals(entries, got.size());
        assertEquals("/big/0", got.get(0).decoder().set().address());
        assertEquals("/big/999", got.get(entries - 1).decoder().set().address());
    }

    private static List<Received> untilAckCounting(final TestClient c)
    {
        final List<Received> frames = new ArrayList<>();
        while (true)
        {
            final Received r = c.receive(Duration.ofSeconds(10));
            if (null == r)
            {
                throw new AssertionError("replay stalled after " + frames.size() + " frames");
            }
            if (MessageType.ACK == r.type())
            {
                return frames;
            }
            frames.add(r);
        }
    }
}
