package to.clasp.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundQueueTest
{
    private static byte[] frame(final int length, final int seed)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)(seed * 31 + i);
        }
        return b;
    }

    private static List<byte[]> drainAll(final OutboundQueue q)
    {
        final List<byte[]> out = new ArrayList<>();
        q.drain((buffer, offset, length) ->
        {
            final byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            out.add(b);
        }, Integer.MAX_VALUE);
        return out;
    }

    @Test
    void framesComeOutInOrderAndIntactAcrossSegments()
    {
        final OutboundQueue q = new OutboundQueue(7, 1024, 1 << 20);
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final byte[] f = frame(1 + (i * 37) % 300, i);
            sent.add(f);
            assertTrue(q.offer(new UnsafeBuffer(f), 0, f.length));
        }
        assertEquals(sent.stream().mapToLong(b -> b.length).sum(), q.queuedBytes());
        final List<byte[]> got = drainAll(q);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++)
        {
            assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
        }
        assertTrue(q.isEmpty());
        assertEquals(0, q.queuedBytes());
        assertEquals(7, q.connectionId());
    }

    @Test
    void frameLargerThanASegmentGetsItsOwnSegment()
    {
        final OutboundQueue q = new OutboundQueue(1, 1024, 1 << 20);
        final byte[] small = frame(100, 1);
        final byte[] big = frame(65_547, 2);
        q.offer(new UnsafeBuffer(small), 0, small.length);
        q.offer(new UnsafeBuffer(big), 0, big.length);
        q.offer(new UnsafeBuffer(small), 0, small.length);
        final List<byte[]> got = drainAll(q);
        assertEquals(3, got.size());
        assertArrayEquals(small, got.get(0));
        assertArrayEquals(big, got.get(1));
        assertArrayEquals(small, got.get(2));
    }

    @Test
    void offerRefusesWhatWouldPassTheCapacity()
    {
        final OutboundQueue q = new OutboundQueue(1, 1024, 250);
        final byte[] f = frame(100, 1);
        assertTrue(q.offer(new UnsafeBuffer(f), 0, 100));
        assertTrue(q.offer(new UnsafeBuffer(f), 0, 100));
        assertFalse(q.offer(new UnsafeBuffer(f), 0, 100));
        assertEquals(200, q.queuedBytes());
        assertEquals(1, q.drain((b, o, l) -> { }, 1));
        assertTrue(q.offer(new UnsafeBuffer(f), 0, 100));
    }

    @Test
    void drainHonoursTheLimitAndReportsEmpty()
    {
        final OutboundQueue q = new OutboundQueue(1, 1024, 1 << 20);
        assertTrue(q.isEmpty());
        assertEquals(0, q.drain((b, o, l) -> { }, 10));
        final byte[] f = frame(10, 3);
        for (int i = 0; i < 5; i++)
        {
            q.offer(new UnsafeBuffer(f), 0, f.length);
        }
        assertEquals(2, q.drain((b, o, l) -> { }, 2));
        assertFalse(q.isEmpty());
        assertEquals(3, q.drain((b, o, l) -> { }, 10));
        assertTrue(q.isEmpty());
    }

    @Test
    void aBacklogOfManySegmentsRecyclesThroughTheSharedPoolAndAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        final OutboundQueue.SegmentPool pool = new OutboundQueue.SegmentPool(256, 32);
        final OutboundQueue[] queues = {
            new OutboundQueue(1, 256, 1 << 20, pool), new OutboundQueue(2, 256, 1 << 20, pool)};
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        final long[] seen = new long[2];
        final long[] sum = new long[1];
        final OutboundQueue.FrameHandler check = (buffer, offset, length) ->
        {
            assertEquals(100, length);
            sum[0] += buffer.getLong(offset);
        };
        long expectedSum = 0;
        long before = 0;
        for (int round = 0; round < 2_000; round++)
        {
            if (round == 1_000)
            {
                before = threads.getCurrentThreadAllocatedBytes();
            }
            // 20 frames of 104 B: about nine 256 B segments behind before each queue is drained.
            for (int i = 0; i < 20; i++)
            {
                for (final OutboundQueue q : queues)
                {
                    frame.putLong(0, round * 100L + i);
                    expectedSum += round * 100L + i;
                    assertTrue(q.offer(frame, 0, frame.capacity()));
                }
            }
            for (int k = 0; k < queues.length; k++)
            {
                seen[k] += queues[k].drain(check, Integer.MAX_VALUE);
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(40_000, seen[0], "every frame");
        assertEquals(40_000, seen[1], "every frame");
        assertEquals(expectedSum, sum[0], "every frame intact, once");
        assertTrue(allocated < 1024, allocated + " bytes allocated over 1 000 rounds of 40 frames");
        assertTrue(pool.size() <= pool.capacity());
    }

    @Test
    void aFullPoolLeavesSegmentsToTheCollectorAndLosesNothing()
    {
        final OutboundQueue.SegmentPool pool = new OutboundQueue.SegmentPool(256, 1);
        final OutboundQueue q = new OutboundQueue(1, 256, 1 << 20, pool);
        for (int round = 0; round < 100; round++)
        {
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                final byte[] f = frame(1 + (round * 30 + i) % 200, round * 30 + i);
                sent.add(f);
                assertTrue(q.offer(new UnsafeBuffer(f), 0, f.length));
            }
            final List<byte[]> got = drainAll(q);
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), got.get(i), "round " + round + " frame " + i);
            }
            assertEquals(1, pool.size(), "bounded: one segment held, the rest collected");
        }
    }

    @Test
    void aNewQueueStartsWithASmallSegmentAndGrowsIntoStandardOnes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        final OutboundQueue.SegmentPool pool = new OutboundQueue.SegmentPool(16 * 1024, 4);
        new OutboundQueue(0, 16 * 1024, 1 << 22, pool); // loads and links the class outside the measurement
        final long before = threads.getCurrentThreadAllocatedBytes();
        final OutboundQueue q = new OutboundQueue(1, 16 * 1024, 1 << 22, pool);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4 * 1024, "a connection's queue starts small (a storm admits thousands at once): " +
            allocated + " bytes");

        for (int round = 0; round < 20; round++)
        {
            // Handshake-sized answers (past the small first segment in round 0), then frames that need a whole
            // standard segment: a small segment recycled as a standard one would not hold them.
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                sent.add(frame(1 + (round * 30 + i) * 7 % 150, round * 30 + i));
            }
            sent.add(frame(16 * 1024 - 4, round));
            sent.add(frame(16 * 1024 - 64, round + 1));
            for (final byte[] f : sent)
            {
                assertTrue(q.offer(new UnsafeBuffer(f), 0, f.length));
            }
            final List<byte[]> got = drainAll(q);
            assertEquals(sent.size(), got.size(), "round " + round);
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), got.get(i), "round " + round + " frame " + i);
            }
        }
        assertTrue(pool.size() <= pool.capacity());
    }

    @Test
    void recycledSegmentsDoNotReplayOldFrames()
    {
        // Many passes through a two-segment working set: a recycled segment must look empty until rewritten.
        final OutboundQueue q = new OutboundQueue(1, 256, 1 << 20);
        int seed = 0;
        for (int round = 0; round < 1000; round++)
        {
            final int n = 1 + round % 7;
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                final byte[] f = frame(1 + (seed * 13) % 120, seed++);
                sent.add(f);
                q.offer(new UnsafeBuffer(f), 0, f.length);
            }
            final List<byte[]> got = drainAll(q);
            assertEquals(n, got.size(), "round " + round);
            for (int i = 0; i < n; i++)
            {
                assertArrayEquals(sent.get(i), got.get(i));
            }
        }
    }

    @Test
    void concurrentProducerAndConsumerSeeEveryFrameInOrder() throws Exception
    {
        final int frames = 300_000;
        final OutboundQueue q = new OutboundQueue(1, 4096, 64 * 1024);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread consumer = new Thread(() ->
        {
            final long[] expected = {0};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            try
            {
                while (expected[0] < frames && System.nanoTime() < deadline)
                {
                    final int n = q.drain((buffer, offset, length) ->
                    {
                        final long seq = buffer.getLong(offset);
                        if (seq != expected[0])
                        {
                            throw new AssertionError("expected " + expected[0] + " got " + seq);
                        }
                        if (length != 8 + (int)(seq % 700))
                        {
                            throw new AssertionError("bad length for " + seq + ": " + length);
                        }
                        for (int i = 8; i < length; i++)
                        {
                            if (buffer.getByte(offset + i) != (byte)(seq + i))
                            {
                                throw new AssertionError("corrupt frame " + seq + " at " + i);
                            }
                        }
                        expected[0]++;
                    }, 64);
                    if (0 == n)
                    {
                        Thread.onSpinWait();
                    }
                }
                if (expected[0] != frames)
                {
                    throw new AssertionError("only " + expected[0] + " frames arrived");
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        });
        consumer.start();

        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8 + 700]);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (long seq = 0; seq < frames && System.nanoTime() < deadline; )
        {
            final int length = 8 + (int)(seq % 700);
            scratch.putLong(0, seq);
            for (int i = 8; i < length; i++)
            {
                scratch.putByte(i, (byte)(seq + i));
            }
            if (q.offer(scratch, 0, length))
            {
                seq++;
            }
            else
            {
                Thread.onSpinWait(); // full: the byte bound holds
                assertTrue(q.queuedBytes() <= q.capacity());
            }
        }
        consumer.join(TimeUnit.SECONDS.toMillis(40));
        assertNull(failure.get(), () -> "consumer failed: " + failure.get());
        assertTrue(q.isEmpty());
    }
}
