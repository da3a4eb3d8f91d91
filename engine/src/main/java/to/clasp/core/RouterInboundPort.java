package to.clasp.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.FrameWriter;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.Frame;
import to.clasp.protocol.MessagePackFrames;
import to.clasp.protocol.MessageType;

/**
 * The edges' way into the core: claim a slot in the multi-producer ring, copy, publish, wake the core. Thread-safe;
 * allocation-free for frames that fit a slot.
 * <p>
 * A full ring is an answer (see {@link InboundPort}): frames may use the ring only down to a reserve kept for
 * connects and disconnects; the thread hosting the core runs duty cycles itself to make room; any other thread gets
 * {@link #BACK_PRESSURED} from {@link #offer}, or waits a bounded time in {@link #onFrame}. The high- and low-water
 * marks tell transports when to stop and resume reading.
 * <p>
 * Control before data: connects, and the first control frames of a connection ({@link #offerControl}), go through a
 * small second ring, the control lane, which the core empties before it takes the next event of the main ring (see
 * {@link RouterAgent}). Disconnects stay in the main ring, behind the connection's own frames.
 */
final class RouterInboundPort implements InboundPort
{
    /** Spins of {@link Thread#onSpinWait()} before a waiting producer starts parking. */
    private static final int SPINS = 100;
    private static final long PARK_NS = 1_000;

    private final RingBuffer<InboundEvent> ring;
    private final RingBuffer<InboundEvent> controlLane;
    /** Control-lane slots only connects may use: control frames never lock a new connection out. */
    private final long controlReserve;
    private final CoreIdleStrategy idle;
    private final RouterClock clock;
    private final int maxFrameLength;
    private final int segmentSize;
    private final long queueCapacity;
    private final long highWater;
    private final long lowWater;
    private final long reserve;
    private final long producerWaitTimeoutNs;
    private final BackPressureMetrics counters;
    /** Shared by every connection's queue: the core takes from it, the edges' I/O threads give. */
    private final OutboundQueue.SegmentPool segmentPool;
    private final AtomicLong nextConnectionId = new AtomicLong();
    private final ManyToOneConcurrentLinkedQueue<DrainWaiter> drainWaiters = new ManyToOneConcurrentLinkedQueue<>();
    /** One per offering thread (edges' I/O threads), made on its first MessagePack frame. */
    private final ThreadLocal<MessagePackFrames> transcoders = ThreadLocal.withInitial(MessagePackFrames::new);
    private volatile boolean closed;
    /** The thread hosting the core ({@link CoreThreading#SHARED}); null with a dedicated core thread. */
    private volatile Thread hostThread;
    private SharedCore host;

    RouterInboundPort(final RingBuffer<InboundEvent> ring, final RingBuffer<InboundEvent> controlLane,
        final CoreIdleStrategy idle, final Router.Context ctx, final int maxFrameLength,
        final BackPressureMetrics counters)
    {
        this.ring = ring;
        this.controlLane = controlLane;
        this.controlReserve = controlLane.getBufferSize() / 4;
        this.idle = idle;
        this.clock = ctx.clock();
        this.maxFrameLength = maxFrameLength;
        this.segmentSize = ctx.outboundSegmentSize();
        this.segmentPool = ctx.outboundSegmentPool() > 0 ?
            new OutboundQueue.SegmentPool(segmentSize, ctx.outboundSegmentPool()) : null;
        this.queueCapacity = ctx.outboundHardLimit() + ctx.outboundReserve();
        final int size = ring.getBufferSize();
        this.highWater = (long)(size * ctx.inboundHighWater());
        this.lowWater = (long)(size * ctx.inboundLowWater());
        this.reserve = Math.max(1, size / 16);
        this.producerWaitTimeoutNs = ctx.producerWaitTimeoutNs();
        this.counters = counters;
    }

    /**
     * The host thread attached ({@link SharedCore#attach}): from now on a full ring seen on that thread is relieved
     * by running the core right there.
     */
    void host(final Thread thread, final SharedCore core)
    {
        this.host = core;
        this.hostThread = thread;
    }

    public OutboundQueue connect(final EdgeConnection connection)
    {
        final long id = nextConnectionId.incrementAndGet();
        final OutboundQueue queue = new OutboundQueue(id, segmentSize, queueCapacity, segmentPool);
        // The control lane: the connection's first frames may take it too, and must find the session there.
        final long seq = claimControl(controlLane);
        if (seq < 0)
        {
            // Shutting down: the transport's first offer is refused and it closes the connection.
            return queue;
        }
        try
        {
            controlLane.get(seq).connect(id, clock.nanoTime(), connection, queue);
        }
        finally
        {
            controlLane.publish(seq);
        }
        idle.wake();
        return queue;
    }

    public int offer(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        return offer(connectionId, buffer, offset, null, length);
    }

    public int offer(final long connectionId, final int length, final FrameWriter writer)
    {
        return offer(connectionId, null, 0, writer, length);
    }

    /** The frame's bytes come from {@code buffer} at {@code offset}, or from {@code writer} when it is not null. */
    private int offer(final long connectionId, final DirectBuffer buffer, final int offset, final FrameWriter writer,
        final int length)
    {
        if (!acceptable(connectionId, length))
        {
            return REFUSED;
        }
        if (null == writer && MessagePackFrames.isMessagePack(buffer, offset, length))
        {
            final MessagePackFrames transcoder = transcoders.get();
            final int compactLength = transcoder.transcode(buffer, offset, length);
            if (compactLength >= 0)
            {
                return claimAndPublish(connectionId, transcoder.buffer(), 0, null, compactLength);
            }
        }
        return claimAndPublish(connectionId, buffer, offset, writer, length);
    }

    private int claimAndPublish(final long connectionId, final DirectBuffer buffer, final int offset,
        final FrameWriter writer, final int length)
    {
        long seq = tryClaimFrame();
        if (seq == -1 && isHostThread())
        {
            seq = claimOnHost();
        }
        if (seq == -1)
        {
            counters.backPressured.incrementAndGet();
            idle.wake();
            return BACK_PRESSURED;
        }
        if (seq < -1)
        {
            return REFUSED;
        }
        publishFrame(ring, seq, connectionId, buffer, offset, writer, length);
        return OFFERED;
    }

    public int offerControl(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!acceptable(connectionId, length))
        {
            return REFUSED;
        }
        DirectBuffer frame = buffer;
        int frameOffset = offset;
        int frameLength = length;
        if (MessagePackFrames.isMessagePack(buffer, offset, length))
        {
            final MessagePackFrames transcoder = transcoders.get();
            frameLength = transcoder.transcode(buffer, offset, length);
            if (frameLength < 0)
            {
                return NOT_TAKEN;
            }
            frame = transcoder.buffer();
            frameOffset = 0;
        }
        if (!isControl(frame, frameOffset, frameLength))
        {
            return NOT_TAKEN;
        }
        if (closed)
        {
            return REFUSED;
        }
        final long seq = tryClaim(controlLane, controlReserve);
        if (seq < 0)
        {
            return NOT_TAKEN;
        }
        publishFrame(controlLane, seq, connectionId, frame, frameOffset, null, frameLength);
        counters.controlLane.incrementAndGet();
        return OFFERED;
    }

    /** A compact frame whose message type the core answers without touching state others wait on. */
    private static boolean isControl(final DirectBuffer frame, final int offset, final int length)
    {
        if (length <= Frame.HEADER_LENGTH || (frame.getByte(offset + Frame.MAGIC_OFFSET) & 0xFF) != Frame.MAGIC)
        {
            return false;
        }
        final int payload = offset + Frame.headerLength(frame.getByte(offset + Frame.FLAGS_OFFSET) & 0xFF);
        if (payload >= offset + length)
        {
            return false;
        }
        switch (frame.getByte(payload) & 0xFF)
        {
            case MessageType.HELLO:
            case MessageType.SUBSCRIBE:
            case MessageType.UNSUBSCRIBE:
            case MessageType.PING:
                return true;
            default:
                return false;
        }
    }

    public boolean onFrame(final long connectionId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!acceptable(connectionId, length))
        {
            return false;
        }
        if (MessagePackFrames.isMessagePack(buffer, offset, length))
        {
            final MessagePackFrames transcoder = transcoders.get();
            final int compactLength = transcoder.transcode(buffer, offset, length);
            if (compactLength >= 0)
            {
                return claimWaitingAndPublish(connectionId, transcoder.buffer(), 0, compactLength);
            }
        }
        return claimWaitingAndPublish(connectionId, buffer, offset, length);
    }

    private boolean claimWaitingAndPublish(final long connectionId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        long seq = tryClaimFrame();
        if (seq == -1)
        {
            seq = isHostThread() ? claimOnHost() : claimFrameWaiting();
        }
        if (seq < 0)
        {
            return false;
        }
        publishFrame(ring, seq, connectionId, buffer, offset, null, length);
        return true;
    }

    public void disconnect(final long connectionId)
    {
        if (connectionId <= 0 || connectionId > nextConnectionId.get())
        {
            return;
        }
        // The ring, not the lane: behind the connection's own frames.
        final long seq = claimControl(ring);
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

    public boolean isBackPressured()
    {
        return used() > highWater;
    }

    public void whenDrained(final Runnable callback)
    {
        final DrainWaiter waiter = new DrainWaiter(callback);
        drainWaiters.offer(waiter);
        // Re-check after registering: the core may have run its last check before the waiter was visible. If the
        // ring is still above the mark, the core has events to handle and will check again after them.
        if (used() <= lowWater || closed)
        {
            waiter.fire();
        }
        else
        {
            idle.wake();
        }
    }

    public long producerWaitTimeoutNs()
    {
        return producerWaitTimeoutNs;
    }

    /**
     * Core thread, after each duty cycle: run the drain callbacks once the ring is at or below the low-water mark.
     */
    void afterCycle()
    {
        if (!drainWaiters.isEmpty() && used() <= lowWater)
        {
            fireDrainWaiters();
        }
    }

    void close()
    {
        closed = true;
        // Paused transports resume, see their offers refused and close their connections.
        fireDrainWaiters();
    }

    boolean isClosed()
    {
        return closed;
    }

    /** @return ring slots claimed and not yet handled by the core. */
    long used()
    {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    private void fireDrainWaiters()
    {
        DrainWaiter w;
        while (null != (w = drainWaiters.poll()))
        {
            w.fire();
        }
    }

    private boolean acceptable(final long connectionId, final int length)
    {
        return length <= maxFrameLength && length >= 0 && connectionId > 0 && connectionId <= nextConnectionId.get();
    }

    private boolean isHostThread()
    {
        return Thread.currentThread() == hostThread;
    }

    private void publishFrame(final RingBuffer<InboundEvent> target, final long seq, final long connectionId,
        final DirectBuffer buffer, final int offset, final FrameWriter writer, final int length)
    {
        try
        {
            final InboundEvent event = target.get(seq);
            if (null == writer)
            {
                event.frame(connectionId, clock.nanoTime(), buffer, offset, length);
            }
            else
            {
                event.frame(connectionId, clock.nanoTime(), length, writer);
                transcodeInSlot(event);
            }
        }
        finally
        {
            target.publish(seq);
        }
        idle.wake();
    }

    /**
     * A legacy MessagePack frame (the Python client's BUNDLE and QUERY) is transcoded on the edge's thread, so the
     * core decodes only compact binary (its decoder refuses MessagePack without reading it); one look at one byte
     * for every other frame. One that does not transcode goes in as it came, and the core answers it as before.
     * A frame from a buffer is transcoded before its slot is claimed (in {@link #offer} and {@link #onFrame}), so the
     * work never holds up the core's view of later slots; only a frame a {@link FrameWriter} wrote into its slot is
     * transcoded there, between claim and publish.
     */
    private void transcodeInSlot(final InboundEvent event)
    {
        final UnsafeBuffer frame = event.buffer();
        if (MessagePackFrames.isMessagePack(frame, 0, event.length))
        {
            final MessagePackFrames transcoder = transcoders.get();
            final int length = transcoder.transcode(frame, 0, event.length);
            if (length >= 0)
            {
                event.frame(event.connectionId, event.receiveNanos, transcoder.buffer(), 0, length);
            }
        }
    }

    /**
     * @return a claimed sequence; -1 when frames may not take more slots now (only the reserve is left); -2 when
     *         the router is closed.
     */
    private long tryClaimFrame()
    {
        if (closed)
        {
            return -2;
        }
        return tryClaim(ring, reserve);
    }

    /** @return a claimed sequence of {@code target}, or -1 when no more than {@code reserve} slots are free. */
    private static long tryClaim(final RingBuffer<InboundEvent> target, final long reserve)
    {
        if (target.remainingCapacity() <= reserve)
        {
            return -1;
        }
        try
        {
            return target.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    /**
     * The host thread found the ring full: it runs the core's duty cycle itself until a frame fits. Each cycle takes
     * up to a batch of events out of the ring, so this ends after a few cycles unless the core is closed or already
     * running further up this thread's stack.
     */
    private long claimOnHost()
    {
        while (true)
        {
            if (!host.runInline())
            {
                return closed ? -2 : -1;
            }
            counters.inlineCycles.incrementAndGet();
            final long seq = tryClaimFrame();
            if (seq != -1)
            {
                return seq;
            }
        }
    }

    /** Another thread: wait for the core to make room, at most the producer wait timeout. */
    private long claimFrameWaiting()
    {
        counters.producerWaits.incrementAndGet();
        final long deadline = System.nanoTime() + producerWaitTimeoutNs;
        int spins = 0;
        while (true)
        {
            idle.wake();
            if (spins < SPINS)
            {
                spins++;
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(PARK_NS);
            }
            final long seq = tryClaimFrame();
            if (seq != -1)
            {
                return seq;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                counters.producerTimeouts.incrementAndGet();
                return -1;
            }
        }
    }

    /**
     * A connect (control lane) or disconnect (ring): may use the reserve. Waits for room only when the reserve is gone
     * too (the host thread runs the core meanwhile); gives up only when the router closes.
     *
     * @return a claimed sequence, or -1 if the router closed while waiting for room.
     */
    private long claimControl(final RingBuffer<InboundEvent> target)
    {
        while (!closed)
        {
            try
            {
                return target.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                if (!isHostThread() || !host.runInline())
                {
                    idle.wake();
                    LockSupport.parkNanos(PARK_NS);
                }
            }
        }
        return -1;
    }

    /** One registration of {@link #whenDrained}: fires once, whoever gets there first. */
    private static final class DrainWaiter extends AtomicBoolean
    {
        private static final long serialVersionUID = 1L;
        private final transient Runnable callback;

        DrainWaiter(final Runnable callback)
        {
            this.callback = callback;
        }

        void fire()
        {
            if (compareAndSet(false, true))
            {
                callback.run();
            }
        }
    }
}
