package to.clasp.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import to.clasp.journal.RecoveryProperties;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueCodec;
import to.clasp.state.ParamStore;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Recovery through the real handlers, against a model: two sessions send random QoS 1 SETs (TTLs sliding and
 * absolute, expected revisions right and wrong, lock and unlock), atomic BUNDLEs (some refused as a whole) and, by
 * moving the router's wall clock, TTL expiries; the model predicts every answer (ACK with its revision, or ERROR) and
 * the state. At random points the router restarts — cleanly (final snapshot) or as {@code kill -9} leaves the data
 * directory (copied while the router runs, once every write was answered: under always and batch an answered write is
 * durable) — and the recovered state must equal the model (value, revision, writer, TTL, no locks) and the state the
 * router held (timestamps and deadlines too). Revisions go on from the recovered ones.
 */
class JournaledRecoveryProperties extends RouterFixture
{
    private static final int ADDRESSES = 12;
    /** TTLs of the short-lived params: longer than a test round lasts, shorter than one clock jump. */
    private static final int SHORT_TTL_S = 60;
    private static final long JUMP_MICROS = TimeUnit.SECONDS.toMicros(3 * SHORT_TTL_S);
    /** An absolute TTL no test outlives, even with the clock jumps. */
    private static final long LONG_TTL_S = 10_000_000;

    /** What the model expects of one param. */
    private static final class Expected
    {
        Object value;
        long revision;
        String writer;
        long ttlRaw;
        boolean hasTtl;
        String lockHolder;

        boolean shortLived()
        {
            return hasTtl && (ttlRaw & 0x7FFF_FFFFL) != 0 && (ttlRaw & 0x7FFF_FFFFL) < LONG_TTL_S;
        }
    }

    private final Map<String, Expected> model = new HashMap<>();
    private Path root;
    private Path dir;
    private DurableState durable;
    private ParamStore store;
    private TestClient[] clients;
    private FsyncPolicy fsync;

    @Property(tries = 4)
    void theRecoveredStateIsTheModelsAfterEveryRestart(@ForAll final long seed) throws Exception
    {
        final Random random = new Random(seed);
        model.clear();
        clock.offsetMicros.set(0);
        root = Files.createTempDirectory("clasp-journaled-recovery");
        dir = root.resolve("run0");
        fsync = random.nextBoolean() ? FsyncPolicy.ALWAYS : FsyncPolicy.BATCH;
        try
        {
            launch(baseContext().newParamStore());
            final int rounds = 2 + random.nextInt(2);
            for (int round = 0; round < rounds; round++)
            {
                final int steps = 60 + random.nextInt(140);
                for (int i = 0; i < steps; i++)
                {
                    step(random);
                }
                restart(random, round);
            }
        }
        finally
        {
            if (null != router)
            {
                router.close();
                router = null;
            }
            if (null != durable)
            {
                durable.close();
                durable = null;
            }
            if (null != store)
            {
                store.close();
                store = null;
            }
            RecoveryProperties.delete(root);
        }
    }

    private void launch(final ParamStore into)
    {
        store = into;
        final DurableState.Context ctx = new DurableState.Context().directory(dir.toFile()).snapshotIntervalNs(0);
        ctx.journal().fsync(fsync).fsyncIntervalNs(TimeUnit.MILLISECONDS.toNanos(2)).termLength(1 << 20)
            .segmentLength(1 << 22);
        durable = DurableState.open(ctx, store);
        start(c -> c.initialState(store).durableState(durable));
        clients = new TestClient[] {client("a"), client("b")};
        for (final Expected e : model.values())
        {
            e.lockHolder = null; // locks are not recovered: their sessions are gone
        }
    }

    private void step(final Random random)
    {
        final int op = random.nextInt(100);
        final int who = random.nextInt(clients.length);
        if (op < 75)
        {
            set(random, who);
        }
        else if (op < 93)
        {
            bundle(random, who);
        }
        else
        {
            expireShortLived();
        }
    }

    private void set(final Random random, final int who)
    {
        final TestClient c = clients[who];
        final String address = "/m/" + random.nextInt(ADDRESSES);
        final Object value = random.nextBoolean() ? (Object)random.nextLong() : "v" + random.nextInt(1000);
        final Expected e = model.get(address);
        int options = 0;
        long expectRevision = 0;
        long ttl = 0;
        final int shape = random.nextInt(20);
        if (shape < 3)
        {
            options |= SetEncoder.TTL;
            ttl = SHORT_TTL_S / 2 + random.nextInt(SHORT_TTL_S / 2) | (random.nextBoolean() ? 0x8000_0000L : 0);
        }
        else if (shape < 4)
        {
            options |= SetEncoder.TTL;
            ttl = 0x8000_0000L | LONG_TTL_S;
        }
        else if (shape < 6)
        {
            options |= SetEncoder.REVISION;
            expectRevision = null == e ? 0 : e.revision;
        }
        else if (shape < 7 && null != e)
        {
            options |= SetEncoder.REVISION;
            expectRevision = e.revision + 1 + random.nextInt(3); // wrong
        }
        else if (shape < 8)
        {
            options |= SetEncoder.LOCK;
        }
        else if (shape < 9)
        {
            options |= SetEncoder.UNLOCK;
        }
        c.send(Frames.set(Qos.CONFIRM, address, value, options, expectRevision, ttl));
        final boolean refused = null != e && ((null != e.lockHolder && !e.lockHolder.equals(c.sessionId())) ||
            ((options & SetEncoder.REVISION) != 0 && expectRevision != e.revision));
        final Received answer = c.receive();
        if (refused)
        {
            assertEquals(MessageType.ERROR, answer.type(), "refused " + address + ": " + answer);
            return;
        }
        assertEquals(MessageType.ACK, answer.type(), "accepted " + address + ": " + answer);
        final Expected next = apply(address, value, c.sessionId(), options, ttl);
        assertEquals(next.revision, answer.decoder().ack().revision(), "revision of " + address);
    }

    private Expected apply(final String address, final Object value, final String writer, final int options,
        final long ttl)
    {
        final Expected e = model.computeIfAbsent(address, a -> new Expected());
        e.value = value;
        e.revision++;
        e.writer = writer;
        if ((options & SetEncoder.TTL) != 0)
        {
            e.hasTtl = (ttl & 0x7FFF_FFFFL) != 0;
            e.ttlRaw = ttl;
        }
        if ((options & SetEncoder.UNLOCK) != 0)
        {
            e.lockHolder = null;
        }
        else if ((options & SetEncoder.LOCK) != 0)
        {
            e.lockHolder = writer;
        }
        return e;
    }

    private void bundle(final Random random, final int who)
    {
        final TestClient c = clients[who];
        final int n = 1 + random.nextInt(4);
        final List<byte[]> items = new ArrayList<>();
        final List<String> addresses = new ArrayList<>();
        final List<Object> values = new ArrayList<>();
        final Map<String, Long> revisionInBundle = new HashMap<>();
        boolean refused = false;
        for (int i = 0; i < n; i++)
        {
            final String address = "/m/" + random.nextInt(ADDRESSES);
            final Object value = random.nextLong();
            final Expected e = model.get(address);
            final long current = revisionInBundle.getOrDefault(address, null == e ? 0 : e.revision);
            if (null != e && null != e.lockHolder && !e.lockHolder.equals(c.sessionId()))
            {
                refused = true;
            }
            if (random.nextInt(8) == 0 && current > 0)
            {
                final boolean wrong = random.nextBoolean();
                items.add(Frames.set(Qos.CONFIRM, address, value, SetEncoder.REVISION, wrong ? current + 5 : current,
                    0));
                refused |= wrong;
            }
            else
            {
                items.add(Frames.set(Qos.CONFIRM, address, value));
            }
            revisionInBundle.put(address, current + 1);
            addresses.add(address);
            values.add(value);
        }
        c.send(Frames.bundle(Qos.CONFIRM, null, items.toArray(new byte[0][])));
        final Received answer = c.receive();
        if (refused)
        {
            assertEquals(MessageType.ERROR, answer.type(), "refused bundle: " + answer);
            return;
        }
        assertEquals(MessageType.ACK, answer.type(), "accepted bundle: " + answer);
        Expected last = null;
        for (int i = 0; i < n; i++)
        {
            last = apply(addresses.get(i), values.get(i), c.sessionId(), 0, 0);
        }
        assertEquals(last.revision, answer.decoder().ack().revision(), "bundle ACK carries the last revision");
    }

    /** Jump the router's wall clock past every short TTL, and wait until the sweep removed those params. */
    private void expireShortLived()
    {
        clock.offsetMicros.addAndGet(JUMP_MICROS);
        final TestClient c = clients[0];
        for (final Map.Entry<String, Expected> entry : new ArrayList<>(model.entrySet()))
        {
            if (!entry.getValue().shortLived())
            {
                continue;
            }
            final String address = entry.getKey();
            await(() ->
            {
                c.send(Frames.get(Qos.CONFIRM, address));
                final Received r = c.receive();
                return MessageType.ERROR == r.type() && 201 == r.decoder().error().code();
            }, "expiry of " + address);
            model.remove(address);
        }
    }

    private void restart(final Random random, final int round) throws Exception
    {
        final ParamStore running = store;
        final Path from = dir;
        if (random.nextBoolean())
        {
            // Clean stop: the core stops, the journal is synced, the final snapshot written.
            router.close();
            router = null;
            durable.close();
        }
        else
        {
            // kill -9: the directory as the running router leaves it. Every write was answered, so under always and
            // batch every one is durable; the copy is what a restart after the crash finds.
            dir = root.resolve("run" + (round + 1));
            RecoveryProperties.copyTree(from, dir);
            router.close();
            router = null;
            durable.close();
        }
        durable = null;
        launch(baseContext().newParamStore());
        RecoveryProperties.assertSameState(running, store);
        assertModel();
        running.close();
    }

    private void assertModel()
    {
        assertEquals(model.size(), store.size(), "params recovered");
        for (final Map.Entry<String, Expected> entry : model.entrySet())
        {
            final Expected e = entry.getValue();
            final int id = store.find(entry.getKey());
            assertNotEquals(ParamStore.NULL_ID, id, "recovered " + entry.getKey());
            assertEquals(e.revision, store.revision(id), "revision of " + entry.getKey());
            assertEquals(e.writer, store.writer(id), "writer of " + entry.getKey());
            assertEquals(e.hasTtl, store.hasTtl(id), "TTL of " + entry.getKey());
            if (e.hasTtl)
            {
                assertEquals(e.ttlRaw, store.ttlRaw(id), "TTL of " + entry.getKey());
            }
            assertEquals(ParamStore.NO_LOCK_HOLDER, store.lockHolder(id), "no lock after a restart");
            final UnsafeBuffer expected = new UnsafeBuffer(new byte[ValueCodec.encodedLength(e.value)]);
            final int length = ValueCodec.encode(e.value, expected, 0);
            final byte[] want = new byte[length];
            expected.getBytes(0, want);
            final byte[] got = new byte[store.valueLength(id)];
            store.valueBuffer().getBytes(store.valueOffset(id), got);
            assertArrayEquals(want, got, "value of " + entry.getKey());
        }
    }
}
