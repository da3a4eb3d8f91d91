package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.journal.DurablePosition;
import to.clasp.journal.LatencyHistogram;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;

/**
 * Answers to QoS ≥ 1 writes held until the journal record of their write is durable ({@code --fsync always|batch}):
 * the ACK of a SET or BUNDLE, and — while a session has an answer held — its later refusals too, so a session
 * receives the answers to its writes in the order it sent them. The fan-out is never held. Entries go in journal order
 * (the order the core appended), so releasing is a walk from the head while the head's position is durable: once per
 * duty cycle, no waiting. When the head is not yet durable the core asks the {@link DurablePosition} to wake it when
 * it is, and does other work meanwhile.
 * <p>
 * An entry is the encoded answer plus the session's id, so an answer whose session closed (or was replaced by a second
 * HELLO) is dropped. Bounded: at most {@link #maxBytes} of entries; a caller that finds no {@link #hasRoom room}
 * refuses the write (the journal is that far behind) instead of growing memory. If the journal fails, {@link #failAll}
 * answers every held ACK with an ERROR instead: its write is applied but will never be known durable. Core thread
 * only; allocates nothing once the ring has grown to its working size (failure aside).
 */
final class AckHold
{
    /** position, held-at ns, session id msb, session id lsb. */
    private static final int ENTRY_HEADER = 32;
    /** The largest answer: an ERROR with a 1 KiB text and a 1 KiB address (type, code, texts, flags, id). */
    private static final int LARGEST_ANSWER = Frame.HEADER_LENGTH + 1 + 2 + 2 + 1024 + 1 + 2 + 1024 + 4;
    private static final int LARGEST_ENTRY = ENTRY_HEADER + LARGEST_ANSWER;

    private final DurablePosition durable;
    private final SessionTable sessions;
    private final Outbox outbox;
    private final LatencyHistogram holdTime;
    private final LatencyHistogram releaseLag;
    private final ExpandableRingBuffer entries;
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[LARGEST_ENTRY + 64]);
    private final ExpandableRingBuffer.MessageConsumer releaser = this::releaseOne;
    private long headPosition = Long.MAX_VALUE;
    /** Highest position whose entries are all gone (released or dropped): a session's entries above it are held. */
    private long releasedPosition = Long.MIN_VALUE;
    private long durableNow;
    private long nowNs;
    private int released;
    private Replies failing;
    private String failure;
    private FrameDecoder failedFrame;

    /**
     * @param holdTime   how long each answer was held.
     * @param releaseLag per duty cycle that released answers: from the end of the sync that made them durable to
     *                   their release ({@link DurablePosition#advancedAtNs}, {@link System#nanoTime()}).
     */
    AckHold(final DurablePosition durable, final SessionTable sessions, final Outbox outbox,
        final LatencyHistogram holdTime, final LatencyHistogram releaseLag, final int maxBytes)
    {
        this.durable = durable;
        this.sessions = sessions;
        this.outbox = outbox;
        this.holdTime = holdTime;
        this.releaseLag = releaseLag;
        this.entries = new ExpandableRingBuffer(64 * 1024, Math.max(64 * 1024, Integer.highestOneBit(maxBytes)), true);
    }

    /** @return whether one more answer fits. */
    boolean hasRoom()
    {
        return entries.maxCapacity() - entries.size() >= LARGEST_ENTRY + ExpandableRingBuffer.HEADER_LENGTH * 2;
    }

    /** @return whether an earlier answer to this session is still held (a later one must queue behind it). */
    boolean holdsFor(final Session s)
    {
        return s.lastHeldPosition > releasedPosition;
    }

    /**
     * Hold an encoded answer until the journal is durable up to {@code position} (the journal's position after the
     * write's record, or the current one for an answer that only keeps its place in the session's order).
     *
     * @return false when there is no room (for an ACK the caller checked {@link #hasRoom} first).
     */
    boolean hold(final Session s, final long position, final DirectBuffer answer, final int offset, final int length,
        final long heldAtNs)
    {
        entry.putLong(0, position);
        entry.putLong(8, heldAtNs);
        entry.putLong(16, s.idMsb);
        entry.putLong(24, s.idLsb);
        entry.putBytes(ENTRY_HEADER, answer, offset, length);
        if (!entries.append(entry, 0, ENTRY_HEADER + length))
        {
            return false;
        }
        if (Long.MAX_VALUE == headPosition)
        {
            headPosition = position;
        }
        s.lastHeldPosition = position;
        return true;
    }

    /**
     * Send every held answer whose record is durable now, in order; if some remain, ask to be woken when the next one
     * is.
     *
     * @return answers released (work done), plus one when the next is already durable (come back next cycle).
     */
    int release(final long nowNs)
    {
        if (entries.isEmpty())
        {
            return 0;
        }
        this.nowNs = nowNs;
        durableNow = durable.get();
        released = 0;
        headPosition = Long.MAX_VALUE;
        entries.consume(releaser, Integer.MAX_VALUE);
        if (released > 0)
        {
            releaseLag.record(System.nanoTime() - durable.advancedAtNs());
        }
        if (!entries.isEmpty() && durable.wakeWhenReached(headPosition))
        {
            return released + 1;
        }
        return released;
    }

    private boolean releaseOne(final MutableDirectBuffer buffer, final int offset, final int length,
        final int headOffset)
    {
        final long position = buffer.getLong(offset);
        if (position > durableNow)
        {
            headPosition = position;
            return false;
        }
        holdTime.record(nowNs - buffer.getLong(offset + 8));
        final Session s = sessions.byId(buffer.getLong(offset + 16), buffer.getLong(offset + 24));
        if (null != s && s.isOpen())
        {
            outbox.send(s, buffer, offset + ENTRY_HEADER, length - ENTRY_HEADER, Outbox.CLASS_CONTROL, -1);
        }
        releasedPosition = position;
        released++;
        return true;
    }

    /**
     * The journal failed: nothing held will become durable. Every held ACK is answered with ERROR 503 naming its
     * address (the write was applied and broadcast, but is not known to be on disk); held refusals go out as they
     * are; from now on nothing is held.
     *
     * @return answers sent.
     */
    int failAll(final Replies replies, final String reason)
    {
        releasedPosition = Long.MAX_VALUE;
        headPosition = Long.MAX_VALUE;
        if (entries.isEmpty())
        {
            return 0;
        }
        failing = replies;
        failure = reason;
        if (null == failedFrame)
        {
            failedFrame = new FrameDecoder();
        }
        released = 0;
        entries.consume(this::failOne, Integer.MAX_VALUE);
        failing = null;
        return released;
    }

    private boolean failOne(final MutableDirectBuffer buffer, final int offset, final int length,
        final int headOffset)
    {
        final Session s = sessions.byId(buffer.getLong(offset + 16), buffer.getLong(offset + 24));
        released++;
        if (null == s || !s.isOpen())
        {
            return true;
        }
        final int answer = offset + ENTRY_HEADER;
        final int answerLength = length - ENTRY_HEADER;
        if (DecodeError.OK == failedFrame.decode(buffer, answer, answerLength) && MessageType.ACK == failedFrame.type()
            && failedFrame.ack().hasAddress())
        {
            failing.error(s, 503, failure, buffer, failedFrame.ack().addressOffset(),
                failedFrame.ack().addressLength());
        }
        else if (MessageType.ACK == failedFrame.type())
        {
            failing.error(s, 503, failure);
        }
        else
        {
            outbox.send(s, buffer, answer, answerLength, Outbox.CLASS_CONTROL, -1);
        }
        return true;
    }

    /** @return whether the head entry can go out now (the core should not sleep). */
    boolean releasable()
    {
        return !entries.isEmpty() && headPosition <= durable.get();
    }

    /** @return whether nothing is held. */
    boolean isEmpty()
    {
        return entries.isEmpty();
    }
}
