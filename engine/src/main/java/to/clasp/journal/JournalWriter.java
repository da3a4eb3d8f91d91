package to.clasp.journal;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.state.ParamStore;

/**
 * The core thread's side of the journal: append a record and move on. An append copies one SBE record into the
 * recorded publication's log buffer (shared memory); the journal thread records and syncs it later. The core never
 * waits: {@link #position()} after an append is the position that record becomes durable at
 * ({@link DurablePosition}).
 * <p>
 * <b>Back-pressure.</b> The publication holds at most a term window (half a term, 8 MiB by default) that the archive
 * has not yet recorded. The caller asks {@link #hasRoom} before it changes state (a SET, an expiry) and refuses the
 * change when the journal has no room — so the state in memory never runs ahead of what the journal can hold, nothing
 * is buffered without bound and the core never blocks. If an append fails anyway (the archive stopped recording), the
 * writer is marked {@link #failed()} and refuses every later append; the caller reports it.
 * <p>
 * Core thread only. Allocates nothing.
 */
public final class JournalWriter
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final int ADMIN_ACTION_RETRIES = 3;

    private final ExclusivePublication publication;
    private final DurablePosition durable;
    private final JournalMetrics metrics;
    private final java.util.function.LongConsumer onAppended;
    private final RecordCodec codec = new RecordCodec();
    private final UnsafeBuffer scratch = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(BitUtil.align(RecordCodec.MAX_RECORD_LENGTH, 64), 64));
    private final int maxPayload;
    private boolean appendedSinceWake;
    private volatile boolean failed;

    /**
     * @param onAppended told the publication's position at the end of a duty cycle that appended (it wakes the
     *                   journal thread when that waits for appends).
     */
    JournalWriter(
        final ExclusivePublication publication, final DurablePosition durable, final JournalMetrics metrics,
        final java.util.function.LongConsumer onAppended)
    {
        this.publication = publication;
        this.durable = durable;
        this.metrics = metrics;
        this.onAppended = onAppended;
        this.maxPayload = publication.maxPayloadLength();
    }

    /**
     * @param recordLength the record's length ({@link RecordCodec#paramRecordLength} and friends).
     * @return whether an append of that length will be taken now.
     */
    public boolean hasRoom(final int recordLength)
    {
        return hasTermRoom(termSpace(recordLength));
    }

    /**
     * @param termBytes the {@link #termSpace} of every record a change will append (a BUNDLE's entries).
     * @return whether appends taking that much log space will be taken now.
     */
    public boolean hasTermRoom(final long termBytes)
    {
        return !failed() && publication.availableWindow() >= termBytes;
    }

    /**
     * @return how many records of this length the journal takes now (for changes the core may spread over cycles,
     * such as expiries), 0 when it has failed.
     */
    public int recordsThatFit(final int recordLength)
    {
        if (failed())
        {
            return 0;
        }
        return (int)Math.min(Integer.MAX_VALUE, Math.max(0, publication.availableWindow()) / termSpace(recordLength));
    }

    /** @return bytes a record of this length occupies in the log: its frames, each with a header and aligned. */
    public int termSpace(final int recordLength)
    {
        final int frames = Math.max(1, (recordLength + maxPayload - 1) / maxPayload);
        return recordLength + frames * (DataHeaderFlyweight.HEADER_LENGTH + (int)BitUtil.CACHE_LINE_LENGTH);
    }

    /**
     * Journal a param as an accepted write just left it.
     *
     * @return false if the journal did not take it (see {@link #hasRoom}).
     */
    public boolean appendParam(final ParamStore store, final int id, final boolean lock, final boolean unlock)
    {
        return offer(codec.encodeParam(store, id, lock, unlock, scratch, 0));
    }

    /**
     * Journal the removal of a param by TTL expiry; call before the store removes it.
     *
     * @return false if the journal did not take it.
     */
    public boolean appendRemoved(final ParamStore store, final int id, final long nowMicros)
    {
        return offer(codec.encodeRemoved(store, id, nowMicros, scratch, 0));
    }

    /**
     * Journal a forwarded PUBLISH (journal events on).
     *
     * @return false if the journal did not take it.
     */
    public boolean appendEvent(
        final long nowMicros, final int signalType,
        final DirectBuffer address, final int addressOffset, final int addressLength,
        final DirectBuffer writer, final int writerOffset, final int writerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        return offer(codec.encodeEvent(nowMicros, signalType, address, addressOffset, addressLength,
            writer, writerOffset, writerLength, payload, payloadOffset, payloadLength, scratch, 0));
    }

    private boolean offer(final int length)
    {
        if (failed())
        {
            metrics.refusedAppend();
            return false;
        }
        for (int attempt = 0; attempt <= ADMIN_ACTION_RETRIES; attempt++)
        {
            final long result = publication.offer(scratch, 0, length);
            if (result > 0)
            {
                metrics.appended(length);
                appendedSinceWake = true;
                return true;
            }
            if (Publication.ADMIN_ACTION != result)
            {
                if (Publication.BACK_PRESSURED != result)
                {
                    failed = true;
                    LOG.error("journal stopped taking records ({}): state changes are refused from now on",
                        Publication.errorString(result));
                }
                break;
            }
        }
        metrics.refusedAppend();
        return false;
    }

    /**
     * @return the journal position after the last record appended: it is durable once
     * {@link DurablePosition#get()} reaches it.
     */
    public long position()
    {
        return publication.position();
    }

    /**
     * @return whether the journal has stopped taking records or making them durable (its publication refused an
     * append, the archive stopped recording, a sync failed).
     */
    public boolean failed()
    {
        return failed || null != durable.failure();
    }

    /** @return why the journal failed (for logs and errors), or null while it works. */
    public String failure()
    {
        final String reason = durable.failure();
        return null != reason ? reason : failed ? "journal failed: its publication stopped taking records" : null;
    }

    /** End of a core duty cycle: tell the journal thread where the appends end (it may be waiting for them). */
    public void endOfCycle()
    {
        if (appendedSinceWake)
        {
            appendedSinceWake = false;
            onAppended.accept(publication.position());
        }
    }

}
