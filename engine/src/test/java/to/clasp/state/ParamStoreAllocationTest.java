package to.clasp.state;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.address.AddressView;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 3 of architecture.md: storing a SET to an existing address allocates nothing. Measured with the
 * per-thread allocation counter around a loop of steady-state operations: writes with and without expected revision,
 * lock and unlock by the holder, writes refused for a held lock or a stale revision, sliding TTL re-arm, value
 * relocation between two size classes served from the free lists, lookup, an expiry tick with nothing due and a
 * disconnect of a session without locks.
 */
class ParamStoreAllocationTest
{
    private static final int ADDRESSES = 256;
    private static final int WARMUP_ROUNDS = 200;
    private static final int MEASURED_ROUNDS = 200;
    private static final int MEASURE_WINDOWS = 5;

    @Test
    void steadyStateWritesToExistingAddressesAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        try (ParamStore store = new ParamStore(new ParamStore.Context().maxParams(ADDRESSES * 2)))
        {
            final UnsafeBuffer[] addresses = new UnsafeBuffer[ADDRESSES];
            final int[] lengths = new int[ADDRESSES];
            for (int i = 0; i < ADDRESSES; i++)
            {
                final byte[] bytes = ("/bench/mixer/ch" + i + "/gain").getBytes(StandardCharsets.UTF_8);
                addresses[i] = new UnsafeBuffer(bytes);
                lengths[i] = bytes.length;
            }
            final UnsafeBuffer value = new UnsafeBuffer(new byte[512]);
            final UnsafeBuffer writer = new UnsafeBuffer(
                "3f2b8c1e-7d4a-4e2f-9b1c-0a5d6e7f8a9b".getBytes(StandardCharsets.US_ASCII));
            final long[] sink = new long[1];

            final long[] now = { 1_000_000L };
            run(store, addresses, lengths, value, writer, now, WARMUP_ROUNDS, sink);

            // A one-off JIT event (deoptimisation, OSR) inside a window can be charged to this thread as a few KB;
            // a real per-operation allocation shows in every window (460 000 ops x 16 B = 7 MB). So measure a few
            // windows and judge the quietest one.
            long allocated = Long.MAX_VALUE;
            long ops = 0;
            for (int window = 0; window < MEASURE_WINDOWS && allocated >= 1024; window++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                ops = run(store, addresses, lengths, value, writer, now, MEASURED_ROUNDS, sink);
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }

            assertTrue(ops > 400_000, "enough operations to see a per-op allocation: " + ops);
            assertTrue(allocated < 1024, allocated + " bytes allocated over " + ops + " operations");
            assertEquals(ADDRESSES, store.size());
            assertTrue(sink[0] != 0);
        }
    }

    /** @return the param id, or the negated refusal code. */
    private static int write(final ParamStore store, final ParamWrite w, final WriteResult r)
    {
        final int code = store.write(w, r);
        return WriteResult.OK == code ? r.id() : -code;
    }

    private static long run(
        final ParamStore store,
        final UnsafeBuffer[] addresses,
        final int[] lengths,
        final UnsafeBuffer value,
        final UnsafeBuffer writer,
        final long[] now,
        final int rounds,
        final long[] sink)
    {
        long ops = 0;
        final AddressView view = new AddressView();
        final ParamWrite w = new ParamWrite();
        final WriteResult r = new WriteResult();
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < ADDRESSES; i++)
            {
                final UnsafeBuffer address = addresses[i];
                final int length = lengths[i];
                final long t = now[0]++;

                value.putByte(0, (byte)0x07);
                value.putDouble(1, round + i * 0.5, ByteOrder.BIG_ENDIAN);
                w.address(view.wrapValid(address, 0, length)).value(value, 0, 9).at(t);
                final int id = write(store, w.reset().writer(1, writer, 0, writer.capacity()).ttl(60), r);

                write(store, w.reset().expectRevision(store.revision(id)).lock(true), r);
                sink[0] += write(store, w.reset().writer(2, writer, 0, writer.capacity()).unlock(true), r); // LOCK_HELD
                write(store, w.reset().writer(1, writer, 0, writer.capacity()).unlock(true), r);
                sink[0] += write(store, w.reset().expectRevision(0), r); // REVISION_CONFLICT
                // 9 B ↔ 300 B: relocation between the 16 B and 512 B classes, served from the free lists.
                write(store, w.reset().value(value, 0, (round & 1) == 0 ? 300 : 9).unlock(true), r);

                sink[0] += store.find(address, 0, length) + store.revision(id) + store.valueLength(id);
                sink[0] += store.expire(t, null) + store.releaseLocks(7);
                ops += 9;
            }
        }
        return ops;
    }
}
