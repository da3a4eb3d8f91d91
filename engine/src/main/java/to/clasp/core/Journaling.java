package to.clasp.core;

import org.agrona.DirectBuffer;

import to.clasp.journal.JournalMetrics;
import to.clasp.journal.JournalWriter;
import to.clasp.journal.RecordCodec;
import to.clasp.state.ParamStore;

/**
 * How the handlers use the journal ({@code --data-dir}): ask for room before a state change, append its record after
 * the store accepted it and before the fan-out. Room means the journal takes the records now — the archive is less
 * than half a term behind and the journal has not failed ({@link JournalWriter#hasRoom}) — and, when answers are held
 * ({@code --fsync always|batch}), the {@link AckHold} has room for one more. Without room the change is refused with
 * {@code ERROR 503} ({@link #refusal()}): the state in memory never runs ahead of what the journal can take, nothing is
 * buffered, the core never waits. An in-memory router has no {@code Journaling} (the handlers' field is null).
 * <p>
 * Core thread only; allocates nothing.
 */
final class Journaling
{
    private static final int LARGEST_REMOVAL = RecordCodec.removedRecordLength(ParamStore.MAX_ADDRESS_LENGTH);

    private final JournalWriter writer;
    private final JournalMetrics metrics;
    private final AckHold hold;
    private final boolean events;

    /**
     * @param hold   where answers wait for the disk, or null when they are not held ({@code --fsync never}).
     * @param events whether forwarded PUBLISHes are journaled too ({@code --journal-events}).
     */
    Journaling(final JournalWriter writer, final JournalMetrics metrics, final AckHold hold, final boolean events)
    {
        this.writer = writer;
        this.metrics = metrics;
        this.hold = hold;
        this.events = events;
    }

    /** @return log space of the record of a SET that leaves the param with this address and value. */
    int paramSpace(final int addressLength, final int valueLength)
    {
        return writer.termSpace(RecordCodec.paramRecordLength(addressLength, Session.ID_LENGTH, valueLength));
    }

    /** @return log space of the record of a forwarded PUBLISH (0 when events are not journaled). */
    int eventSpace(final int addressLength, final int payloadLength)
    {
        return events ?
            writer.termSpace(RecordCodec.eventRecordLength(addressLength, Session.ID_LENGTH, payloadLength)) : 0;
    }

    /**
     * @param termBytes the log space of every record the change appends ({@link #paramSpace}, {@link #eventSpace}).
     * @return whether the change may go ahead; when not, it is counted and the caller refuses it with
     * {@link #refusal()}.
     */
    boolean hasRoom(final long termBytes)
    {
        if (writer.hasTermRoom(termBytes) && (null == hold || hold.hasRoom()))
        {
            return true;
        }
        metrics.refusedAppend();
        return false;
    }

    /** @return the ERROR 503 text for a change refused for want of room: the journal's failure, or that it is busy. */
    String refusal()
    {
        final String failure = writer.failure();
        return null != failure ? failure : Replies.JOURNAL_BUSY;
    }

    /**
     * Journal a param as an accepted write just left it.
     *
     * @return false when the journal did not take it (it failed since {@link #hasRoom}): the write is applied but
     * will not be recovered, and its writer must be told.
     */
    boolean appendParam(final ParamStore store, final int id, final boolean lock, final boolean unlock)
    {
        return writer.appendParam(store, id, lock, unlock);
    }

    /** @return whether forwarded PUBLISHes are journaled. */
    boolean journalsEvents()
    {
        return events;
    }

    /**
     * Journal a forwarded PUBLISH (only with {@link #journalsEvents()}).
     *
     * @param signalType the subscription type bit of its signal.
     * @param frame      the relayed frame (its payload is what REPLAY sends back).
     * @return false when the journal did not take it.
     */
    boolean appendEvent(final long nowMicros, final int signalType, final DirectBuffer address,
        final int addressOffset, final int addressLength, final Session writerSession, final DirectBuffer frame,
        final int payloadOffset, final int payloadLength)
    {
        return writer.appendEvent(nowMicros, signalType, address, addressOffset, addressLength,
            writerSession.idBytes, 0, Session.ID_LENGTH, frame, payloadOffset, payloadLength);
    }

    /** @return how many params may expire now: each needs a removal record the journal takes. */
    int removalsThatFit()
    {
        return writer.recordsThatFit(LARGEST_REMOVAL);
    }

    /** Journal the removal of a param by TTL expiry, before the store removes it. */
    void appendRemoved(final ParamStore store, final int id, final long nowMicros)
    {
        writer.appendRemoved(store, id, nowMicros);
    }

    /** @return whether the journal has failed (its failure is then answered: {@link AckHold#failAll}). */
    boolean failed()
    {
        return writer.failed();
    }
}
