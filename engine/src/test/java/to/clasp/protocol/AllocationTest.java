package to.clasp.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady-state hot path allocates nothing: decode a SET and a PUBLISH, encode the broadcast SET and the
 * relayed PUBLISH, copy a value canonically (what the store does). Measured with the thread's allocation counter.
 */
class AllocationTest
{
    private static final int WARM_UP = 200_000;
    private static final int ITERATIONS = 200_000;
    /** Room for the JVM's own odd allocation (e.g. a lazily initialised class) during the measured window. */
    private static final long SLACK_BYTES = 4 * 1024;

    private final FrameDecoder decoder = new FrameDecoder();
    private final UnsafeBuffer set = Hex.buffer(GoldenVectorTest.E4_JS);
    private final UnsafeBuffer setInt = Hex.buffer(GoldenVectorTest.E8_SET);
    private final UnsafeBuffer publish = Hex.buffer(GoldenVectorTest.E10_GESTURE);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer store = new UnsafeBuffer(new byte[1024]);
    private long sink;

    @Test
    void decodeAndEncodeOfSetAndPublishAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        final long thread = Thread.currentThread().getId();

        run(WARM_UP);
        final long before = threads.getThreadAllocatedBytes(thread);
        run(ITERATIONS);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(sink != 0);
        assertTrue(allocated <= SLACK_BYTES,
            "allocated " + allocated + " bytes over " + ITERATIONS + " iterations (" +
            (double)allocated / ITERATIONS + " B/op)");
    }

    private void run(final int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            final UnsafeBuffer frame = (i & 1) == 0 ? set : setInt;
            assertOk(decoder.decode(frame, 0, frame.capacity()));
            final SetDecoder s = decoder.set();
            sink += (long)s.value().asDouble() + s.addressLength();
            sink += s.value().copyCanonical(store, 0);
            sink += SetEncoder.broadcast(s, i, out, 0);

            assertOk(decoder.decode(publish, 0, publish.capacity()));
            final PublishDecoder p = decoder.publish();
            sink += p.signal() + p.gestureId() + p.value().canonicalLength();
            sink += PublishEncoder.relay(p, PublishEncoder.relayQos(p.signal()), out, 0);
        }
    }

    private static void assertOk(final int result)
    {
        if (result != DecodeError.OK)
        {
            assertEquals(DecodeError.OK, result);
        }
    }
}
