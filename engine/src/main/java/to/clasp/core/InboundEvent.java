package to.clasp.core;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.FrameWriter;
import to.clasp.edge.OutboundQueue;

/**
 * One slot of the inbound ring, preallocated and reused. Edges fill it on their I/O threads (claim → fill →
 * publish); the core thread reads it. Frame bytes are copied into {@link #slot} when they fit; a larger frame gets a
 * buffer of its own in {@link #large}, which the core drops once it has handled the event.
 */
public final class InboundEvent
{
    /** A new connection: {@link #connection} and {@link #queue} are set. */
    public static final int CONNECT = 1;
    /** A received frame: bytes are in {@link #buffer()}, {@link #length} long, from offset 0. */
    public static final int FRAME = 2;
    /** The connection is gone. */
    public static final int DISCONNECT = 3;

    int kind;
    long connectionId;
    long receiveNanos;
    int length;
    EdgeConnection connection;
    OutboundQueue queue;
    final UnsafeBuffer slot;
    final UnsafeBuffer large = new UnsafeBuffer(0, 0);
    boolean isLarge;

    /**
     * @param slotBytes bytes preallocated for frames that fit.
     */
    public InboundEvent(final int slotBytes)
    {
        slot = new UnsafeBuffer(new byte[slotBytes]);
    }

    /**
     * Fill this event as a FRAME (used by the ring producers, and by benchmarks that drive the core directly).
     */
    public void frame(final long connectionId, final long receiveNanos, final org.agrona.DirectBuffer src,
        final int offset, final int length)
    {
        frameOf(connectionId, receiveNanos, length).putBytes(0, src, offset, length);
    }

    /**
     * Fill this event as a FRAME whose bytes the producer's {@code writer} puts in place (see
     * {@link to.clasp.edge.InboundPort#offer(long, int, FrameWriter)}).
     */
    void frame(final long connectionId, final long receiveNanos, final int length, final FrameWriter writer)
    {
        writer.writeFrame(frameOf(connectionId, receiveNanos, length), 0, length);
    }

    /**
     * @return the buffer the frame's {@code length} bytes go into, from offset 0: the slot when they fit, else a
     *         buffer of the frame's own.
     */
    private UnsafeBuffer frameOf(final long connectionId, final long receiveNanos, final int length)
    {
        this.kind = FRAME;
        this.connectionId = connectionId;
        this.receiveNanos = receiveNanos;
        this.length = length;
        this.connection = null;
        this.queue = null;
        isLarge = length > slot.capacity();
        if (isLarge)
        {
            large.wrap(new byte[length]);
        }
        return buffer();
    }

    /**
     * Fill this event as a CONNECT (used by the ring producers, and by benchmarks that drive the core directly).
     */
    public void connect(final long connectionId, final long receiveNanos, final EdgeConnection connection,
        final OutboundQueue queue)
    {
        this.kind = CONNECT;
        this.connectionId = connectionId;
        this.receiveNanos = receiveNanos;
        this.length = 0;
        this.connection = connection;
        this.queue = queue;
        this.isLarge = false;
    }

    void disconnect(final long connectionId, final long receiveNanos)
    {
        this.kind = DISCONNECT;
        this.connectionId = connectionId;
        this.receiveNanos = receiveNanos;
        this.length = 0;
        this.connection = null;
        this.queue = null;
        this.isLarge = false;
    }

    /**
     * @return the buffer holding a FRAME's bytes (from offset 0).
     */
    public UnsafeBuffer buffer()
    {
        return isLarge ? large : slot;
    }

    /** Drop references the core no longer needs, so the ring does not keep them alive. */
    void clear()
    {
        connection = null;
        queue = null;
        if (isLarge)
        {
            large.wrap(0, 0);
            isLarge = false;
        }
    }
}
