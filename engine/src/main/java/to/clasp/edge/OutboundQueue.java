package to.clasp.edge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The frames the core has queued for one connection: a single-producer (the core thread) single-consumer (the
 * transport's I/O thread) queue of complete encoded CLASP frames, bounded in bytes.
 *
 * <h2>Layout</h2>
 * A linked chain of fixed-size segments (default 16 KiB). A record is a 4-byte length header followed by the frame
 * bytes, aligned to 8 bytes. The producer copies the frame in, then publishes the header with an ordered write; the
 * consumer reads the header with a volatile read, so a frame is visible only once it is complete. A header of
 * {@link #END_OF_SEGMENT} (or fewer than 8 bytes left) sends the consumer to the next segment. A frame larger than a
 * segment gets a dedicated segment sized for it.
 * <p>
 * Memory stays small for idle connections: a new queue starts with one small segment ({@link #FIRST_SEGMENT_SIZE},
 * 1 KiB, or the standard size if that is smaller), enough for the handshake's answers; a queue that outgrows it moves
 * to standard segments and leaves the small one to the garbage collector. Why: a connection storm creates thousands
 * of queues at once, and a 16 KiB first segment per connection (allocated and zeroed on the thread that admits
 * connections, then collected) was a visible share of the admission cost and of the router's memory per idle
 * connection. An active queue holds one standard segment (16 KiB), plus at most one spare. When
 * the consumer finishes a standard segment it zeroes it and offers it back through a single-slot spare reference;
 * the producer takes the spare before allocating. A queue that holds more than two segments' worth (a recipient a
 * few hundred frames behind, common at high rates) finishes segments faster than one slot can recycle them: those go
 * to the router's {@link SegmentPool}, shared by all its queues and bounded, where the core takes them before it
 * allocates. So a queue in steady state allocates nothing, idle queues keep their small footprint, and the memory
 * held for reuse is bounded for the whole router. Dedicated (large) segments are left to the garbage collector.
 *
 * <h2>Why copy frames rather than share them</h2>
 * The core encodes a broadcast frame once into a scratch buffer and copies the finished bytes into each recipient's
 * queue ("encode once, fan out by copy"). Sharing one buffer between recipients would need a reference count per
 * frame updated atomically by every consumer thread, plus a pool to return buffers to; for the small frames CLASP
 * carries (tens of bytes) a memcpy is cheaper than the contended atomics, keeps each queue independent (a slow
 * consumer never pins buffers others have released), and keeps per-recipient FIFO trivially.
 * <p>
 * The bound: {@link #offer} refuses a frame that would take {@link #queuedBytes()} past {@link #capacity()}; the
 * core applies its own, lower soft and hard limits before that (slow-consumer policy), so the capacity is the
 * last line of defence.
 */
public final class OutboundQueue
{
    /** Default segment size in bytes. */
    public static final int DEFAULT_SEGMENT_SIZE = 16 * 1024;

    /** Size of a new queue's first segment when the standard size is larger (see the class comment). */
    public static final int FIRST_SEGMENT_SIZE = 1024;

    /** Header value that means "the rest of this segment is unused; continue with the next". */
    static final int END_OF_SEGMENT = -1;

    static final int HEADER_LENGTH = 4;
    static final int ALIGNMENT = 8;

    /** Receives drained frames on the consumer thread. The bytes are valid only during the call. */
    @FunctionalInterface
    public interface FrameHandler
    {
        /**
         * @param buffer holding the frame.
         * @param offset of the frame's first byte (the magic byte).
         * @param length of the frame in bytes.
         */
        void onFrame(DirectBuffer buffer, int offset, int length);
    }

    /**
     * Drained standard segments, zeroed, shared by the queues of one router for reuse: every consumer (I/O) thread
     * gives, the one producer (the core thread) takes. Bounded: a segment given to a full pool is left to the
     * garbage collector. Neither side allocates or blocks.
     */
    public static final class SegmentPool
    {
        private final int segmentSize;
        private final ManyToOneConcurrentArrayQueue<Segment> segments;

        /**
         * @param segmentSize the standard segment size of the queues that share it.
         * @param maxSegments most segments held (rounded up to a power of two), at least 1.
         */
        public SegmentPool(final int segmentSize, final int maxSegments)
        {
            if (maxSegments < 1)
            {
                throw new IllegalArgumentException("maxSegments must be >= 1: " + maxSegments);
            }
            this.segmentSize = segmentSize;
            this.segments = new ManyToOneConcurrentArrayQueue<>(maxSegments);
        }

        /**
         * @return segments held for reuse now (a snapshot).
         */
        public int size()
        {
            return segments.size();
        }

        /**
         * @return most segments held.
         */
        public int capacity()
        {
            return segments.capacity();
        }
    }

    private static final class Segment
    {
        final UnsafeBuffer buffer;
        final boolean standard;
        volatile Segment next;

        Segment(final int size, final boolean standard)
        {
            this.buffer = new UnsafeBuffer(new byte[size]);
            this.standard = standard;
        }
    }

    private final long connectionId;
    private final int segmentSize;
    private final long capacity;
    private final AtomicReference<Segment> spare = new AtomicReference<>();
    /** Shared with the router's other queues; null: none. */
    private final SegmentPool pool;

    // Producer (core thread) state.
    private Segment tail;
    private int tailPosition;
    private long producedBytes;

    // Consumer (I/O thread) state.
    private Segment head;
    private int headPosition;
    private long consumedBytes;

    // Published counters, read by the other side (volatile reads). Written with release (ordered) stores: a volatile
    // store is a full StoreLoad fence on x86, paid by the core once per frame per recipient, and nothing here needs
    // one — frames become visible through their ordered headers, and these counts only bound the queue.
    private volatile long publishedProducedBytes;
    private volatile long publishedConsumedBytes;

    private static final VarHandle PUBLISHED_PRODUCED;
    private static final VarHandle PUBLISHED_CONSUMED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED_PRODUCED = lookup.findVarHandle(OutboundQueue.class, "publishedProducedBytes", long.class);
            PUBLISHED_CONSUMED = lookup.findVarHandle(OutboundQueue.class, "publishedConsumedBytes", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param connectionId the connection this queue belongs to.
     * @param segmentSize  bytes per standard segment (a multiple of 8, at least 64).
     * @param capacity     most bytes (frame bytes only) that may be queued at once.
     */
    public OutboundQueue(final long connectionId, final int segmentSize, final long capacity)
    {
        this(connectionId, segmentSize, capacity, null);
    }

    /**
     * @param connectionId the connection this queue belongs to.
     * @param segmentSize  bytes per standard segment (a multiple of 8, at least 64).
     * @param capacity     most bytes (frame bytes only) that may be queued at once.
     * @param pool         where segments this queue cannot keep go for reuse, and where it takes them from; null
     *                     for none. Its segment size must be {@code segmentSize}.
     */
    public OutboundQueue(final long connectionId, final int segmentSize, final long capacity, final SegmentPool pool)
    {
        if (null != pool && pool.segmentSize != segmentSize)
        {
            throw new IllegalArgumentException("pool segment size " + pool.segmentSize + " != " + segmentSize);
        }
        this.pool = pool;
        if (segmentSize < 64 || (segmentSize & (ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("segmentSize must be a multiple of 8 and >= 64: " + segmentSize);
        }
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.connectionId = connectionId;
        this.segmentSize = segmentSize;
        this.capacity = capacity;
        final Segment first = segmentSize <= FIRST_SEGMENT_SIZE ?
            new Segment(segmentSize, true) : new Segment(FIRST_SEGMENT_SIZE, false);
        this.tail = first;
        this.head = first;
    }

    /**
     * @return the id the transport passes to {@link InboundPort#onFrame} and {@link InboundPort#disconnect}.
     */
    public long connectionId()
    {
        return connectionId;
    }

    /**
     * @return the most frame bytes this queue holds at once.
     */
    public long capacity()
    {
        return capacity;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Producer side: the core thread only.
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Append one complete frame. Core thread only.
     *
     * @return {@code false} if the frame would take the queue past its capacity (nothing was queued).
     */
    public boolean offer(final DirectBuffer src, final int offset, final int length)
    {
        if (length <= 0)
        {
            throw new IllegalArgumentException("length must be > 0: " + length);
        }
        if (producedBytes + length - publishedConsumedBytes > capacity)
        {
            return false;
        }

        final int recordLength = BitUtil.align(HEADER_LENGTH + length, ALIGNMENT);
        Segment segment = tail;
        int position = tailPosition;
        if (position + recordLength > segment.buffer.capacity())
        {
            final Segment next = recordLength <= segmentSize ?
                takeSpareOrAllocate() : new Segment(recordLength, false);
            segment.next = next; // volatile: visible before the end marker below
            if (position + HEADER_LENGTH <= segment.buffer.capacity())
            {
                segment.buffer.putIntOrdered(position, END_OF_SEGMENT);
            }
            segment = next;
            position = 0;
            tail = next;
        }

        final UnsafeBuffer buffer = segment.buffer;
        buffer.putBytes(position + HEADER_LENGTH, src, offset, length);
        buffer.putIntOrdered(position, length);
        tailPosition = position + recordLength;
        producedBytes += length;
        PUBLISHED_PRODUCED.setRelease(this, producedBytes);
        return true;
    }

    /**
     * @return frame bytes queued and not yet drained. Exact on the core thread, a snapshot elsewhere.
     */
    public long queuedBytes()
    {
        return publishedProducedBytes - publishedConsumedBytes;
    }

    private Segment takeSpareOrAllocate()
    {
        Segment s = spare.getAndSet(null);
        if (null == s && null != pool)
        {
            s = pool.segments.poll();
        }
        return null != s ? s : new Segment(segmentSize, true);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consumer side: the transport's I/O thread only (one thread at a time).
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Hand queued frames, oldest first, to {@code handler}. Consumer thread only.
     *
     * @param handler receives each frame; the bytes are reused once it returns.
     * @param limit   most frames to hand over in this call.
     * @return the number of frames handed over.
     */
    public int drain(final FrameHandler handler, final int limit)
    {
        int count = 0;
        try
        {
            while (count < limit)
            {
                final UnsafeBuffer buffer = head.buffer;
                final int position = headPosition;
                if (position + HEADER_LENGTH > buffer.capacity())
                {
                    if (!advanceSegment())
                    {
                        break;
                    }
                    continue;
                }
                final int length = buffer.getIntVolatile(position);
                if (0 == length)
                {
                    break;
                }
                if (END_OF_SEGMENT == length)
                {
                    advanceSegment();
                    continue;
                }
                // Advance before the callback so an exception from the handler cannot replay the frame.
                headPosition = position + BitUtil.align(HEADER_LENGTH + length, ALIGNMENT);
                consumedBytes += length;
                count++;
                handler.onFrame(buffer, position + HEADER_LENGTH, length);
            }
        }
        finally
        {
            if (count > 0)
            {
                PUBLISHED_CONSUMED.setRelease(this, consumedBytes);
            }
        }
        return count;
    }

    /**
     * @return {@code true} if no complete frame is waiting. Consumer thread (or a quiescent producer).
     */
    public boolean isEmpty()
    {
        return publishedProducedBytes == publishedConsumedBytes;
    }

    private boolean advanceSegment()
    {
        final Segment current = head;
        final Segment next = current.next;
        if (null == next)
        {
            return false; // the producer has not linked the next segment yet
        }
        head = next;
        headPosition = 0;
        if (current.standard)
        {
            // The producer left this segment for good when it linked next, so it is ours to recycle.
            current.next = null;
            current.buffer.setMemory(0, current.buffer.capacity(), (byte)0);
            if (!spare.compareAndSet(null, current) && null != pool)
            {
                pool.segments.offer(current);
            }
        }
        return true;
    }
}
