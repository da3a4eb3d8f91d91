package to.clasp.transport.ws;

import java.util.concurrent.Executor;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.FrameWriter;
import to.clasp.edge.InboundPort;

/**
 * One connection's way into the core's inbound ring under {@link InboundPort}'s back-pressure contract, for a
 * transport that can stop reading it (TCP: auto-read off): every frame is {@link InboundPort#offer offered}, never
 * waited for. A frame the ring refuses for now is copied and kept, and so is every frame sent after it (order is the
 * connection's); reading pauses while the ring is above its high-water mark or a frame is kept, and resumes once the
 * core drained the ring to its low-water mark ({@link InboundPort#whenDrained}) and the kept frames are in — the
 * hysteresis the WebSocket edge has. Kept frames are copies in one buffer per connection that grows only when used
 * (frames decoded from the read in progress, plus the few a transport writes of its own accord).
 * <p>
 * Control before data: a connection's first frames, while they are control frames (HELLO, SUBSCRIBE, UNSUBSCRIBE,
 * PING; at most {@link #CONTROL_FRAMES}), go {@link InboundPort#offerControl ahead} of the data waiting in the ring
 * and never pause reading: a new client is admitted within a duty cycle whatever the flood. From its first other
 * frame on, every frame takes the ring, in order.
 * <p>
 * Confined to one event loop: {@link #offer}, {@link #close} and the listener's calls all happen on it.
 */
public final class InboundGate
{
    /** What the gate asks of its transport. Called on the event loop. */
    public interface Listener
    {
        /** Stop ({@code true}) or resume ({@code false}) reading the connection. Writes are never paused. */
        void readingPaused(boolean paused);

        /**
         * A kept frame was refused for good when offered again ({@link InboundPort#REFUSED}: the router is closing or
         * no longer knows the connection); the frames behind it are dropped. The transport closes the connection.
         */
        void keptFrameRefused();
    }

    /** Kept-frame capacity a connection holds on to after a pause; more is given back. */
    private static final int RETAINED_CAPACITY = 64 * 1024;
    /** Staging capacity a connection holds on to after a pause. */
    private static final int RETAINED_STAGING = 4 * 1024;
    /**
     * Control frames a connection may send ahead of the data: a handshake and a few subscriptions, not a way for a
     * client that sends only PINGs to stay ahead of everyone's data.
     */
    static final int CONTROL_FRAMES = 32;

    private final InboundPort port;
    private final Listener listener;
    private final ExpandableRingBuffer kept = new ExpandableRingBuffer(0, ExpandableRingBuffer.MAX_CAPACITY, false);
    private final Runnable resumeTask = this::onDrained;
    private final Runnable drainedCallback;
    private final ExpandableRingBuffer.MessageConsumer offerKept = this::offerKept;
    /** Where a frame a {@link FrameWriter} writes is staged before it is kept (only when keeping). */
    private UnsafeBuffer staging;
    private long connectionId = -1;
    private boolean paused;
    private boolean awaitingDrain;
    private boolean closed;
    private int keptResult;
    /** Frames this connection may still offer ahead of the data; 0 once one went through the ring. */
    private int controlFramesLeft = CONTROL_FRAMES;

    /**
     * @param loop the connection's event loop, where the gate resumes after the ring drained.
     */
    public InboundGate(final InboundPort port, final Executor loop, final Listener listener)
    {
        this.port = port;
        this.listener = listener;
        this.drainedCallback = () -> loop.execute(resumeTask);
    }

    /** The connection the frames are for ({@code OutboundQueue.connectionId()} from {@link InboundPort#connect}). */
    public InboundGate connectionId(final long id)
    {
        this.connectionId = id;
        return this;
    }

    /**
     * Hand one frame to the core, now or — when the ring is full, or frames are already kept — once it has room.
     *
     * @return {@link InboundPort#OFFERED} when the frame is in the ring or kept for it; {@link InboundPort#REFUSED}
     *         when it never will be (too long for the ring, unknown connection, router closing, gate closed).
     */
    public int offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return offer(buffer, offset, null, length);
    }

    /**
     * {@link #offer(DirectBuffer, int, int)} for a decoder that writes the frame into place itself
     * ({@link InboundPort#offer(long, int, FrameWriter)}): straight into the ring slot when the ring takes it, into
     * the kept frames (through a staging buffer of the gate's own) when it does not. {@code writer} is called once,
     * before this returns, unless the answer is {@link InboundPort#REFUSED}.
     *
     * @return as {@link #offer(DirectBuffer, int, int)}.
     */
    public int offer(final int length, final FrameWriter writer)
    {
        return offer(null, 0, writer, length);
    }

    /** The one place that decides: offer, keep (behind kept frames or when refused for now) and pause. */
    private int offer(final DirectBuffer buffer, final int offset, final FrameWriter writer, final int length)
    {
        if (closed)
        {
            return InboundPort.REFUSED;
        }
        if (controlFramesLeft > 0)
        {
            return null == writer ? offerAhead(buffer, offset, length) : offerStagedAhead(length, writer);
        }
        if (!kept.isEmpty())
        {
            keep(buffer, offset, writer, length);
            return InboundPort.OFFERED;
        }
        final int result = null == writer ?
            port.offer(connectionId, buffer, offset, length) : port.offer(connectionId, length, writer);
        if (result == InboundPort.BACK_PRESSURED)
        {
            keep(buffer, offset, writer, length);
            pause();
            return InboundPort.OFFERED;
        }
        if (result == InboundPort.OFFERED && port.isBackPressured())
        {
            pause();
        }
        return result;
    }

    /**
     * A connection's first frames: a control frame goes ahead of the data in the ring; the first frame the lane does
     * not take (not a control frame, or the lane is full) ends the lane for this connection and takes the ring.
     */
    private int offerAhead(final DirectBuffer buffer, final int offset, final int length)
    {
        final int ahead = port.offerControl(connectionId, buffer, offset, length);
        if (ahead != InboundPort.NOT_TAKEN)
        {
            controlFramesLeft--;
            return ahead;
        }
        controlFramesLeft = 0;
        return offer(buffer, offset, null, length);
    }

    /** {@link #offerAhead} for a frame its decoder writes: the type must be read first, so it is staged. */
    private int offerStagedAhead(final int length, final FrameWriter writer)
    {
        final int result = offerAhead(stage(length, writer), 0, length);
        if (controlFramesLeft == 0 && staging != null && staging.capacity() > RETAINED_STAGING)
        {
            staging = null; // what went to the ring or the kept frames was copied
        }
        return result;
    }

    /**
     * @return whether reading is paused for the ring now (a transport that starts reading a new connection for the
     *         same session applies it there too).
     */
    public boolean isPaused()
    {
        return paused;
    }

    /** @return whether frames wait to be offered again. */
    public boolean isKeeping()
    {
        return !kept.isEmpty();
    }

    /** Drop the kept frames and forget the pause; no listener call after this. Idempotent. */
    public void close()
    {
        closed = true;
        paused = false;
        kept.reset(0);
        staging = null;
    }

    /** Copy the frame, from {@code buffer} or (through the staging buffer) from {@code writer}, behind the kept ones. */
    private void keep(final DirectBuffer buffer, final int offset, final FrameWriter writer, final int length)
    {
        final boolean staged = null != writer;
        if (!kept.append(staged ? stage(length, writer) : buffer, staged ? 0 : offset, length))
        {
            // Beyond 1 GiB of kept frames something else is broken; the frame cannot be kept.
            throw new IllegalStateException("inbound gate full: " + kept.size() + " bytes kept");
        }
    }

    private UnsafeBuffer stage(final int length, final FrameWriter writer)
    {
        if (staging == null || staging.capacity() < length)
        {
            staging = new UnsafeBuffer(new byte[BitUtil.findNextPositivePowerOfTwo(Math.max(length, 1024))]);
        }
        writer.writeFrame(staging, 0, length);
        return staging;
    }

    private void pause()
    {
        if (!paused)
        {
            paused = true;
            listener.readingPaused(true);
        }
        awaitDrain();
    }

    private void awaitDrain()
    {
        if (!awaitingDrain)
        {
            awaitingDrain = true;
            port.whenDrained(drainedCallback);
        }
    }

    /** Event loop: the ring drained to its low-water mark (or the router is closing). */
    private void onDrained()
    {
        awaitingDrain = false;
        if (closed || !paused)
        {
            return;
        }
        keptResult = InboundPort.OFFERED;
        kept.consume(offerKept, Integer.MAX_VALUE);
        if (keptResult == InboundPort.BACK_PRESSURED)
        {
            awaitDrain();
            return;
        }
        if (keptResult == InboundPort.REFUSED)
        {
            kept.reset(0);
            paused = false;
            listener.keptFrameRefused();
            return;
        }
        if (kept.capacity() > RETAINED_CAPACITY)
        {
            kept.reset(0); // give back what a burst grew
        }
        if (staging != null && staging.capacity() > RETAINED_STAGING)
        {
            staging = null; // a large frame was kept once; small ones need little
        }
        if (port.isBackPressured())
        {
            awaitDrain();
            return;
        }
        paused = false;
        listener.readingPaused(false);
    }

    private boolean offerKept(final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        keptResult = port.offer(connectionId, buffer, offset, length);
        return keptResult != InboundPort.BACK_PRESSURED && keptResult != InboundPort.REFUSED;
    }
}
