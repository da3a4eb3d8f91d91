package to.clasp.core;

import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.Frame;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PingEncoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.testing.SilentConnection;
import to.clasp.testing.ThreadAllocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation gate of the core thread: a running router (inbound ring, its own core thread, outbound queues)
 * takes {@value #MEASURED} SETs from one writer and fans each out to {@value #SUBSCRIBERS} wildcard subscribers, and
 * the core thread's allocation counter ({@code ThreadMXBean.getThreadAllocatedBytes}) grows by (nearly) nothing over
 * all of them: one window over every measured message, no "quietest window", nothing timed. The counts are exact
 * because the run ends on a round trip (the writer's PING answered by a PONG, which the core sends after it has
 * handled, and fanned out, every SET before it).
 * <p>
 * The test thread plays the edges: it offers frames as a transport does and drains each subscriber's queue as an
 * I/O thread writes it to its socket, keeping at most {@value #IN_FLIGHT} SETs in flight so that no subscriber
 * falls behind (the slow-consumer policy would conflate, and every SET is counted as delivered here). The wait for
 * delivery is a spin on the queues, not a timeout: the run takes as long as the machine needs.
 */
class CoreAllocationGateTest
{
    private static final int SUBSCRIBERS = 3;
    private static final int ADDRESSES = 64;
    private static final int VALUES = 16;
    private static final int WINDOW = 64;
    /** SETs sent and not yet delivered to every subscriber, at most: keeps each queue far below the soft limit. */
    private static final int IN_FLIGHT = 1024;
    private static final int WARMUP = 300_000;
    private static final int MEASURED = 1_000_000;
    /**
     * What the whole measured run may allocate on the core thread: well under one byte per thousand messages. A
     * single object per message would be at least 16 MB; one per thousand, 16 KB. A one-off JIT event (an
     * on-stack replacement or deoptimisation charged to the thread) stays under this.
     */
    private static final long MAX_BYTES = 8 * 1024;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final long[] setsReceived = new long[SUBSCRIBERS];
    private final long[] pongs = new long[1];
    private long sentTotal;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aMillionSetsFannedOutAllocateNothingOnTheCoreThread() throws Exception
    {

        final String coreName = "alloc-gate-core-" + System.nanoTime();
        try (Router router = Router.launch(new Router.Context()
            .coreThreadName(coreName)
            .idleTimeoutNs(0)
            .waitStrategy(WaitStrategy.SLEEP)))
        {
            final InboundPort port = router.inboundPort();
            final OutboundQueue[] subscribers = new OutboundQueue[SUBSCRIBERS];
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                subscribers[i] = open(port, "sub-" + i);
                send(port, subscribers[i].connectionId(),
                    SubscribeEncoder.encode(scratch, 0, 0, 1, "/gate/**", 0xFF, null, null, null, null));
            }
            final OutboundQueue writer = open(port, "writer");

            final UnsafeBuffer[] frames = new UnsafeBuffer[ADDRESSES * VALUES];
            for (int i = 0; i < frames.length; i++)
            {
                final int length = SetEncoder.encode(scratch, 0, 0, "/gate/mixer/ch" + (i % ADDRESSES) + "/gain",
                    (double)i, 0, 0, 0);
                frames[i] = new UnsafeBuffer(new byte[length]);
                frames[i].putBytes(0, scratch, 0, length);
            }

            run(port, writer, subscribers, frames, WARMUP);
            final ThreadAllocation core = ThreadAllocation.of(coreName);
            final long before = core.allocatedBytes();
            run(port, writer, subscribers, frames, MEASURED);
            final long allocated = core.allocatedBytes() - before;
            System.out.println("allocation gate (" + "in process" + "): " + allocated + " B on the core thread over " +
                MEASURED + " SETs");

            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                assertEquals(WARMUP + MEASURED, setsReceived[i], "subscriber " + i + " got every SET");
            }
            assertTrue(before > 0 && allocated >= 0, "the core thread's counter is read: " + before);
            assertTrue(allocated <= MAX_BYTES, allocated + " bytes allocated on the core thread over " + MEASURED +
                " SETs fanned out to " + SUBSCRIBERS + " subscribers (" + (double)allocated / MEASURED + " B/message)");
        }
    }

    /** {@code count} SETs in windows, each window drained by every subscriber; ends on the writer's PING/PONG. */
    private void run(final InboundPort port, final OutboundQueue writer, final OutboundQueue[] subscribers,
        final UnsafeBuffer[] frames, final int count)
    {
        final long writerId = writer.connectionId();
        for (int sent = 0; sent < count; )
        {
            final int window = Math.min(WINDOW, count - sent);
            for (int i = 0; i < window; i++, sent++)
            {
                final UnsafeBuffer frame = frames[sent % frames.length];
                assertTrue(port.onFrame(writerId, frame, 0, frame.capacity()), "the router takes the SET");
            }
            sentTotal += window;
            drain(subscribers);
            while (slowest() < sentTotal - IN_FLIGHT)
            {
                Thread.onSpinWait();
                drain(subscribers);
            }
        }
        final long pongsBefore = pongs[0];
        send(port, writerId, PingEncoder.encode(scratch, 0));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pongs[0] == pongsBefore)
        {
            writer.drain(this::onWriterFrame, Integer.MAX_VALUE);
            drain(subscribers);
            assertTrue(System.nanoTime() - deadline < 0, "PONG within 60 s");
            Thread.onSpinWait();
        }
        drain(subscribers);
    }

    private long slowest()
    {
        long min = Long.MAX_VALUE;
        for (final long n : setsReceived)
        {
            min = Math.min(min, n);
        }
        return min;
    }

    private void drain(final OutboundQueue[] subscribers)
    {
        for (int i = 0; i < subscribers.length; i++)
        {
            final int subscriber = i;
            subscribers[i].drain((buffer, offset, length) -> onSubscriberFrame(subscriber, buffer, offset),
                Integer.MAX_VALUE);
        }
    }

    private void onSubscriberFrame(final int subscriber, final DirectBuffer buffer, final int offset)
    {
        if (MessageType.SET == (buffer.getByte(offset + Frame.HEADER_LENGTH) & 0xFF))
        {
            setsReceived[subscriber]++;
        }
    }

    private void onWriterFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (MessageType.PONG == (buffer.getByte(offset + Frame.HEADER_LENGTH) & 0xFF))
        {
            pongs[0]++;
        }
    }

    /** A connection whose HELLO the router has answered (its queue holds WELCOME and the snapshot, drained). */
    private OutboundQueue open(final InboundPort port, final String name)
    {
        final OutboundQueue queue = port.connect(new SilentConnection(name));
        send(port, queue.connectionId(), HelloEncoder.encode(scratch, 0, 1, 0xE0, name, null));
        return queue;
    }

    private void send(final InboundPort port, final long connectionId, final int length)
    {
        assertTrue(length > 0);
        assertTrue(port.onFrame(connectionId, scratch, 0, length), "the router takes the frame");
    }
}
