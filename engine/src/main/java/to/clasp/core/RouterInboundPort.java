package to.clasp.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;

/**
 * The edges' way into the core: claim a slot in the multi-producer ring, copy, publish, wake the core. Thread-safe;
 * allocation-free for frames that fit a slot. When the ring is full the calling I/O thread waits (back-pressure)
 * until there is room or the router closes.
 */
final class RouterInboundPort implements InboundPort
{
    private final RingBuffer<InboundEvent> ring;
    private final CoreIdleStrategy idle;
    private final RouterClock clock;
    private final int maxFrameLength;
    private final int segmentSize;
    private final long queueCapacity;
    private final AtomicLong nextConnectionId = new AtomicLong();
    private volatile boolean closed;

    RouterInboundPort(final RingBuffer<InboundEvent> ring, final CoreIdleStrategy idle, final RouterClock clock,
        final int maxFrameLength, final int segmentSize, final long queueCapacity)
    {
        this.ring = ring;
        this.idle = idle;
        this.clock = clock;
        this.maxFrameLength = maxFrameLength;
        this.segmentSize = segmentSize;
        this.queueCapacity = queueCapacity;
    }

    public OutboundQueue connect(final EdgeConnection connection)
    {
        final long id = nextConnectionId.incrementAndGet();
        final OutboundQueue queue = new OutboundQueue(id, segmentSize, queueCapacity);
        final long seq = claim();
        if (seq < 0)
        {
            // Shutting down: the transport's first onFrame will return false and it closes the connection.
            return queue;
        }
        try
        {
            ring.get(seq).connect(id, clock.nanoTime(), connection, queue);
        }
        finally
        {
            ring.publish(seq);
        }
        idle.wake();
        return queue;
    }

    public boolean onFrame(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxFrameLength || length < 0 || connectionId <= 0 || connectionId > nextConnectionId.get())
        {
            return false;
        }
        final long seq = claim();
        if (seq < 0)
        {
            return false;
        }
        try
        {
            ring.get(seq).frame(connectionId, clock.nanoTime(), buffer, offset, length);
        }
        finally
        {
            ring.publish(seq);
        }
        idle.wake();
        return true;
    }

    public void disconnect(final long connectionId)
    {
        if (connectionId <= 0 || connectionId > nextConnectionId.get())
        {
            return;
        }
        final long seq = claim();
        if (seq < 0)
        {
            return;
        }
        try
        {
            ring.get(seq).disconnect(connectionId, clock.nanoTime());
        }
        finally
        {
            ring.publish(seq);
        }
        idle.wake();
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    void close()
    {
        closed = true;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * @return a claimed sequence, or -1 if the router closed while waiting for room.
     */
    private long claim()
    {
        while (!closed)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                idle.wake();
                LockSupport.parkNanos(1_000);
            }
        }
        return -1;
    }
}
