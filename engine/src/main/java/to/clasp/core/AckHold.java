package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.journal.DurablePosition;
import to.clasp.journal.LatencyHistogram;
import to.clasp.protocol.Frame;

/**
 * QoS ≥ 1 ACKs held until the journal record of their write is durable ({@code --fsync always|batch}); the fan-out is
 * never held. Entries go in journal order (the order the core appended), so releasing is a walk from the head while
 * the head's position is durable: once per duty cycle, no waiting. When the head is not yet durable the core asks
 * the {@link DurablePosition} to wake it when it is, and does other work meanwhile.
 * <p>
 * An entry is the encoded ACK plus the session's id, so an ACK whose session closed (or was replaced by a second HELLO)
 * is dropped. Bounded: at most {@link #maxBytes} of entries; a caller that finds no {@link #hasRoom room} refuses the
 * write (the journal is that far behind) instead of growing memory. Core thread only; allocates nothing once the ring
 * has grown to its working size.
 */
final class AckHold
{
    /** position, held-at ns, session id msb, session id lsb. */
    private static final int ENTRY_HEADER = 32;
    private static final int LARGEST_ENTRY = ENTRY_HEADER + Frame.HEADER_LENGTH + 1 + 1 + 2 + 1024 + 8 + 8;

    private final DurablePosition durable;
    private final SessionTable sessions;
    private final Outbox outbox;
    private final LatencyHistogram holdTime;
    private final ExpandableRingBuffer entries;
    private final int maxBytes;
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[LARGEST_ENTRY + 64]);
    private final ExpandableRingBuffer.MessageConsumer releaser = this::releaseOne;
    private long headPosition = Long.MAX_VALUE;
    private long durableNow;
    private long nowNs;
    private int released;

    AckHold(final DurablePosition durable, final SessionTable sessions, final Outbox outbox,
        final LatencyHistogram holdTime, final int maxBytes)
    {
        this.durable = durable;
        this.sessions = sessions;
        this.outbox = outbox;
        this.holdTime = holdTime;
        this.maxBytes = maxBytes;
        this.entries = new ExpandableRingBuffer(64 * 1024, Math.max(64 * 1024, Integer.highestOneBit(maxBytes)), true);
    }

    /** @return whether one more ACK fits. */
    boolean hasRoom()
    {
        return entries.maxCapacity() - entries.size() >= LARGEST_ENTRY + ExpandableRingBuffer.HEADER_LENGTH * 2;
    }

    /**
     * Hold an encoded ACK until the journal is durable up to {@code position}.
     *
     * @return false when there is no room (the caller checked {@link #hasRoom} first, so this does not happen).
     */
    boolean hold(final Session s, final long position, final DirectBuffer ack, final int offset, final int length,
        final long heldAtNs)
    {
        entry.putLong(0, position);
        entry.putLong(8, heldAtNs);
        entry.putLong(16, s.idMsb);
        entry.putLong(24, s.idLsb);
        entry.putBytes(ENTRY_HEADER, ack, offset, length);
        if (!entries.append(entry, 0, ENTRY_HEADER + length))
        {
            return false;
        }
        if (Long.MAX_VALUE == headPosition)
        {
            headPosition = position;
        }
        return true;
    }

    /**
     * Send every held ACK whose record is durable now, in order; if some remain, ask to be woken when the next one
     * is.
     *
     * @return ACKs released (work done), plus one when the next is already durable (come back next cycle).
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
        released++;
        return true;
    }

    /** @return whether the head entry can go out now (the core should not sleep). */
    boolean releasable()
    {
        return !entries.isEmpty() && headPosition <= durable.get();
    }

    /** @return ACKs held. */
    boolean isEmpty()
    {
        return entries.isEmpty();
    }
}
