package to.clasp.journal;

import org.agrona.BufferUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import to.clasp.address.Pattern;

/**
 * One REPLAY request between the core and the {@link ReplayService}: the filter (pattern, time range, limit, type
 * mask) and a bounded ring of encoded CLASP frames that the replay thread fills and the core drains into the session's
 * outbound queue as the session has room — so a replay obeys the same slow-consumer rules as a snapshot and can never
 * hold more than {@value #RING_BYTES} bytes of a session's replay in memory at once.
 */
public final class ReplayJob
{
    /** Ring message type of a CLASP frame to send. */
    public static final int FRAME = 1;
    /** Ring message type of the end of the replay (no payload). */
    public static final int DONE = 2;
    /** Default and largest {@code limit} (router-behaviour.md §5). */
    public static final int DEFAULT_LIMIT = 1_000;
    public static final int MAX_LIMIT = 100_000;
    static final int RING_BYTES = 256 * 1024;

    final Pattern pattern;
    final boolean hasFrom;
    final long fromMicros;
    final boolean hasTo;
    final long toMicros;
    final int limit;
    final int typeMask;
    final OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    volatile boolean cancelled;
    volatile boolean consumerWaiting;
    private volatile boolean done;
    long matched;

    /**
     * @param limit    entries to send at most; clamped to 1 … {@link #MAX_LIMIT}.
     * @param typeMask signal types (the subscription type bits); 0 and 0xFF mean all.
     */
    public ReplayJob(
        final Pattern pattern, final boolean hasFrom, final long fromMicros, final boolean hasTo, final long toMicros,
        final long limit, final int typeMask)
    {
        this.pattern = pattern;
        this.hasFrom = hasFrom;
        this.fromMicros = fromMicros;
        this.hasTo = hasTo;
        this.toMicros = toMicros;
        this.limit = (int)Math.max(1, Math.min(MAX_LIMIT, limit));
        this.typeMask = 0 == (typeMask & 0xFF) ? 0xFF : typeMask & 0xFF;
    }

    /** @return whether an entry passes the time range and type mask (the pattern is checked apart). */
    boolean accepts(final long timestampMicros, final int typeBit)
    {
        return (typeMask & typeBit) != 0 && (!hasFrom || timestampMicros >= fromMicros) &&
            (!hasTo || timestampMicros <= toMicros);
    }

    /**
     * Core thread: take up to {@code maxFrames} messages in order ({@link #FRAME} or {@link #DONE}).
     *
     * @return messages taken.
     */
    public int drain(final MessageHandler handler, final int maxFrames)
    {
        return ring.read(handler, maxFrames);
    }

    /**
     * Core thread, after {@link #drain} found nothing: ask the replay thread to wake the core when it adds frames.
     *
     * @return whether frames arrived meanwhile (drain again instead of waiting).
     */
    public boolean awaitFrames()
    {
        consumerWaiting = true;
        return ring.size() > 0;
    }

    /** @return whether the core has frames to take now. */
    public boolean hasFrames()
    {
        return ring.size() > 0;
    }

    /** Core thread: the session is gone; the replay thread stops at its next entry. */
    public void cancel()
    {
        cancelled = true;
    }

    /** @return the maximum entries this replay sends. */
    public int limit()
    {
        return limit;
    }

    void finished()
    {
        done = true;
    }

    /** @return whether the replay thread is done with this job (its DONE message is in the ring). */
    public boolean finishedReading()
    {
        return done;
    }
}
