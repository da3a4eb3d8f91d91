package to.clasp.benchmarks.state;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import to.clasp.address.AddressView;
import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.state.WriteResult;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The param store on the core thread's SET path: a write of an f64 to an existing address, a lookup, and the
 * amortised cost of a write that creates a param (including table and arena growth from an empty store).
 * <p>
 * Addresses are visited in a fixed pseudo-random order over {@code params} existing params, so the figures include
 * the cache misses of a state larger than L1/L2 rather than one hot record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Short defaults (JMH's own are 5 × 10 s twice per method, 5 minutes here): override with -wi/-w/-i/-r for longer runs.
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx1g" })
public class ParamStoreBenchmark
{
    private static final byte[] WRITER = "3f2b8c1e-7d4a-4e2f-9b1c-0a5d6e7f8a9b".getBytes(StandardCharsets.US_ASCII);

    @State(Scope.Thread)
    public static class ExistingState
    {
        @Param({ "10000" })
        int params;

        ParamStore store;
        /** All addresses back to back, as the core finds them inside inbound frame buffers. */
        UnsafeBuffer addresses;
        int[] addressOffsets;
        int[] addressLengths;
        int[] order;
        int mask;
        int cursor;
        final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer writer = new UnsafeBuffer(WRITER);
        final AddressView address = new AddressView();
        final ParamWrite write = new ParamWrite();
        final WriteResult result = new WriteResult();
        long now = 1_700_000_000_000_000L;

        @Setup(Level.Trial)
        public void setup()
        {
            store = new ParamStore(new ParamStore.Context().maxParams(params));
            final int slots = Integer.highestOneBit(params);
            mask = slots - 1;
            addresses = new UnsafeBuffer(new byte[params * 64]);
            addressOffsets = new int[params];
            addressLengths = new int[params];
            int offset = 0;
            for (int i = 0; i < params; i++)
            {
                addressOffsets[i] = offset;
                addressLengths[i] = addresses.putStringWithoutLengthUtf8(
                    offset, "/studio/room" + (i % 17) + "/mixer/ch" + i + "/gain");
                offset += addressLengths[i];
                writeF64(i, i);
            }
            order = new int[slots];
            final java.util.Random random = new java.util.Random(42);
            for (int i = 0; i < slots; i++)
            {
                order[i] = random.nextInt(params);
            }
        }

        int writeF64(final int index, final double v)
        {
            value.putByte(0, (byte)0x07);
            value.putDouble(1, v, ByteOrder.BIG_ENDIAN);
            // The address is hashed here as the core's scan hashes it, so the figure includes the hash as before.
            address.wrapValid(addresses, addressOffsets[index], addressLengths[index]);
            store.write(write.address(address).value(value, 0, 9).writer(1, writer, 0, writer.capacity())
                .at(now++), result);
            return result.id();
        }

        int next()
        {
            return order[cursor++ & mask];
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            store.close();
        }
    }

    @State(Scope.Thread)
    public static class NewAddressState
    {
        /** Params per store: when it is full it is closed and a fresh one is built, inside the measured method. */
        static final int STORE_SIZE = 1 << 20;
        static final String PREFIX = "/bench/new/param/";

        final ParamStore.Context context = new ParamStore.Context().maxParams(STORE_SIZE);
        final UnsafeBuffer address = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer writer = new UnsafeBuffer(WRITER);
        final int prefixLength = address.putStringWithoutLengthAscii(0, PREFIX);
        final AddressView view = new AddressView();
        final ParamWrite write = new ParamWrite();
        final WriteResult result = new WriteResult();
        ParamStore store;
        long counter;

        @Setup(Level.Trial)
        public void setup()
        {
            store = new ParamStore(context);
            value.putByte(0, (byte)0x07);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            store.close();
        }
    }

    @Benchmark
    public int writeExisting(final ExistingState s)
    {
        return s.writeF64(s.next(), s.now * 0.5);
    }

    @Benchmark
    public int find(final ExistingState s)
    {
        final int index = s.next();
        return s.store.find(s.addresses, s.addressOffsets[index], s.addressLengths[index]);
    }

    @Benchmark
    public int writeNew(final NewAddressState s)
    {
        if (s.store.size() == NewAddressState.STORE_SIZE)
        {
            s.store.close();
            s.store = new ParamStore(s.context);
        }
        final long n = s.counter++;
        final int length = s.prefixLength + s.address.putLongAscii(s.prefixLength, n);
        s.value.putDouble(1, n, ByteOrder.BIG_ENDIAN);
        s.view.wrapValid(s.address, 0, length);
        s.store.write(s.write.address(s.view).value(s.value, 0, 9).writer(1, s.writer, 0, s.writer.capacity()).at(n),
            s.result);
        return s.result.id();
    }
}
