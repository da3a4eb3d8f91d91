package to.clasp.state;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of writes (with revisions, locks, TTLs), clock advances with expiry, removals and disconnects,
 * applied both to a {@link ParamStore} and to a plain HashMap model of router-behaviour.md §3; after every step the
 * two must agree on outcomes, values, revisions, writers, lock holders, deadlines and the live set.
 * <p>
 * The store is small (capacity 8, 12 addresses, tiny initial tables and arena) so capacity refusals, id reuse, table
 * and arena growth, hash collisions and value relocation all happen within short sequences.
 */
class ParamStoreModelProperties
{
    private static final int ADDRESSES = 12;
    private static final int SESSIONS = 4;
    private static final int CAPACITY = 8;
    private static final long SECOND = 1_000_000L;
    private static final int DEFAULT_TTL = 3;

    sealed interface Op permits Write, Advance, Remove, Release
    {
    }

    /**
     * @param expect  -1 no expected revision, else 0 = actual - 1, 1 = actual, 2 = actual + 1.
     * @param lockBits bit0 lock, bit1 unlock.
     * @param ttl     -1 no TTL field, else the raw u32.
     */
    record Write(int address, int valueLength, int session, int expect, int lockBits, long ttl, byte fill)
        implements Op
    {
    }

    record Advance(long micros) implements Op
    {
    }

    record Remove(int address) implements Op
    {
    }

    record Release(int session) implements Op
    {
    }

    static final class ModelParam
    {
        byte[] value;
        long revision;
        String writer;
        long timestamp;
        int holder = -1;
        boolean hasTtl;
        long ttlRaw;
        long deadline = Long.MAX_VALUE;
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Long> ttl = Arbitraries.oneOf(
            Arbitraries.just(-1L),
            Arbitraries.just(0L),
            Arbitraries.longs().between(1, 6),
            Arbitraries.longs().between(0, 6).map(s -> 0x8000_0000L | s));
        final Arbitrary<Op> write = Combinators.combine(
            Arbitraries.integers().between(0, ADDRESSES - 1),
            Arbitraries.oneOf(Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 600)),
            Arbitraries.integers().between(0, SESSIONS - 1),
            Arbitraries.integers().between(-1, 2),
            Arbitraries.integers().between(0, 3),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(-1L)), Tuple.of(2, ttl)),
            Arbitraries.bytes())
            .as((a, len, s, e, l, t, f) -> (Op)new Write(a, len, s, e, l, t, f));
        final Arbitrary<Op> advance = Arbitraries.longs().between(0, 3 * SECOND).map(Advance::new);
        final Arbitrary<Op> remove = Arbitraries.integers().between(0, ADDRESSES - 1).map(Remove::new);
        final Arbitrary<Op> release = Arbitraries.integers().between(0, SESSIONS - 1).map(Release::new);

        return Arbitraries.frequencyOf(
            Tuple.of(12, write), Tuple.of(3, advance), Tuple.of(1, remove), Tuple.of(1, release))
            .list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 300)
    void storeBehavesLikeTheModel(@ForAll("ops") final List<Op> ops)
    {
        final ParamStore.Context context = new ParamStore.Context()
            .maxParams(CAPACITY).initialParams(1).initialArenaBytes(16).defaultTtlSeconds(DEFAULT_TTL);
        try (ParamStore store = new ParamStore(context))
        {
            final SetRequest set = new SetRequest(store);
            final Map<String, ModelParam> model = new HashMap<>();
            long now = 1_000 * SECOND;

            for (final Op op : ops)
            {
                if (op instanceof Write w)
                {
                    final String address = address(w.address());
                    final ModelParam current = model.get(address);
                    set.set(address).from(w.session(), writer(w.session())).value(w.valueLength(), w.fill()).at(now);
                    long expected = 0;
                    if (w.expect() >= 0)
                    {
                        expected = (null == current ? 5 : current.revision) + w.expect() - 1;
                        set.expect(expected);
                    }
                    if ((w.lockBits() & 1) != 0)
                    {
                        set.lock();
                    }
                    if ((w.lockBits() & 2) != 0)
                    {
                        set.unlock();
                    }
                    if (w.ttl() >= 0)
                    {
                        set.ttl(w.ttl());
                    }

                    final int expectedOutcome = modelWrite(model, address, w, expected, now);
                    final int result = set.apply();
                    assertEquals(expectedOutcome, Math.min(result, 0),
                        () -> op + " -> " + WriteResult.name(result) + ", model " + WriteResult.name(expectedOutcome));
                    if (result == -WriteResult.REVISION_CONFLICT)
                    {
                        assertEquals(current.revision, set.result().actualRevision());
                    }
                }
                else if (op instanceof Advance a)
                {
                    now += a.micros();
                    final long at = now;
                    final int expectedCount = (int)model.values().stream().filter(p -> p.deadline <= at).count();
                    model.values().removeIf(p -> p.deadline <= at);
                    final Set<String> expiredAddresses = new HashSet<>();
                    assertEquals(expectedCount, store.expire(now, id -> expiredAddresses.add(store.address(id))));
                    expiredAddresses.forEach(e -> assertTrue(!model.containsKey(e), e));
                }
                else if (op instanceof Remove r)
                {
                    final String address = address(r.address());
                    final boolean wasLive = null != model.remove(address);
                    assertEquals(wasLive, store.remove(store.find(address)));
                }
                else if (op instanceof Release r)
                {
                    int count = 0;
                    for (final ModelParam p : model.values())
                    {
                        if (p.holder == r.session())
                        {
                            p.holder = -1;
                            count++;
                        }
                    }
                    assertEquals(count, store.releaseLocks(r.session()));
                }

                assertSame(model, store, op);
            }
        }
    }

    /** The model's reading of router-behaviour.md §3 plus the TTL rules in docs/state.md. */
    private static int modelWrite(
        final Map<String, ModelParam> model, final String address, final Write w, final long expected, final long now)
    {
        ModelParam p = model.get(address);
        if (null == p)
        {
            if (model.size() >= CAPACITY)
            {
                return -WriteResult.STATE_FULL;
            }
        }
        else
        {
            if (p.holder != -1 && p.holder != w.session())
            {
                return -WriteResult.LOCK_HELD;
            }
            if (w.expect() >= 0 && expected != p.revision)
            {
                return -WriteResult.REVISION_CONFLICT;
            }
        }

        final boolean created = null == p;
        if (created)
        {
            p = new ModelParam();
            model.put(address, p);
        }
        p.value = filled(w.valueLength(), w.fill());
        p.revision = created ? 1 : p.revision + 1;
        p.writer = writer(w.session());
        p.timestamp = now;
        if ((w.lockBits() & 2) != 0)
        {
            p.holder = -1;
        }
        else if ((w.lockBits() & 1) != 0)
        {
            p.holder = w.session();
        }

        long raw = -1;
        if (w.ttl() >= 0)
        {
            raw = w.ttl();
        }
        else if (created)
        {
            raw = DEFAULT_TTL;
        }
        else if (p.hasTtl && (p.ttlRaw & 0x8000_0000L) == 0)
        {
            raw = p.ttlRaw;
        }
        if (raw >= 0)
        {
            p.hasTtl = true;
            p.ttlRaw = raw;
            final long seconds = raw & 0x7FFF_FFFFL;
            p.deadline = 0 == seconds ? Long.MAX_VALUE : now + seconds * SECOND;
        }
        return 0;
    }

    private static void assertSame(final Map<String, ModelParam> model, final ParamStore store, final Op after)
    {
        assertEquals(model.size(), store.size(), () -> "size after " + after);
        final Set<Integer> expectedIds = new HashSet<>();
        final int[] lockCounts = new int[SESSIONS];
        for (int a = 0; a < ADDRESSES; a++)
        {
            final String address = address(a);
            final ModelParam p = model.get(address);
            final int id = store.find(address);
            if (null == p)
            {
                assertEquals(ParamStore.NULL_ID, id, () -> address + " should be absent after " + after);
                continue;
            }
            assertTrue(id >= 0, () -> address + " should be present after " + after);
            expectedIds.add(id);
            assertEquals(address, store.address(id));
            final byte[] value = new byte[store.valueLength(id)];
            store.valueBuffer().getBytes(store.valueOffset(id), value);
            assertArrayEquals(p.value, value, () -> "value of " + address + " after " + after);
            assertEquals(p.revision, store.revision(id), () -> "revision of " + address + " after " + after);
            assertEquals(p.writer, store.writer(id));
            assertEquals(p.timestamp, store.timestamp(id));
            assertEquals(p.holder, store.lockHolder(id), () -> "holder of " + address + " after " + after);
            assertEquals(p.hasTtl, store.hasTtl(id));
            if (p.hasTtl)
            {
                assertEquals(p.ttlRaw, store.ttlRaw(id));
            }
            assertEquals(p.deadline, store.expiryDeadline(id), () -> "deadline of " + address + " after " + after);
            if (p.holder >= 0)
            {
                lockCounts[p.holder]++;
            }
        }

        final Set<Integer> liveIds = new HashSet<>();
        for (int id = store.nextLive(0); ParamStore.NULL_ID != id; id = store.nextLive(id + 1))
        {
            assertTrue(liveIds.add(id));
        }
        assertEquals(expectedIds, liveIds, () -> "live set after " + after);
        for (int s = 0; s < SESSIONS; s++)
        {
            assertEquals(lockCounts[s], store.lockCount(s), "lock count of session " + s);
        }
        final long nextCheck = store.nextExpiryCheckMicros();
        model.values().forEach(p -> assertTrue(nextCheck <= p.deadline, "expiry queue would fire too late"));
    }

    private static String address(final int index)
    {
        // Mixed lengths (and one non-ASCII) so the 8-byte hash and compare loops meet their tails.
        return switch (index % 3)
        {
            case 0 -> "/p/" + index;
            case 1 -> "/room/é/" + index + "/level";
            default -> "/a/rather/longer/address/for/the/hash/" + index;
        };
    }

    private static String writer(final int session)
    {
        return "00000000-0000-4000-8000-00000000000" + session;
    }

    private static byte[] filled(final int length, final byte fill)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        return bytes;
    }
}
