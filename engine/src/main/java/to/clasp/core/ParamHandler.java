package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.collections.IntHashSet;

import to.clasp.address.AddressRules;
import to.clasp.address.SubscriptionIndex;
import to.clasp.protocol.Frame;
import to.clasp.protocol.GetDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;
import to.clasp.state.ParamStore;
import to.clasp.state.WriteResult;

/**
 * SET and GET: validate, write through the {@link ParamStore} (revisions, expected revision, locks, TTL, capacity),
 * encode the broadcast SET once and fan it out to every matching session including the writer, ACK at QoS ≥ 1.
 * Also sends the latest value of params conflated for a slow consumer once it drains.
 */
final class ParamHandler
{
    private final ParamStore store;
    private final ParamDirectory directory;
    private final FanOut fanOut;
    private final Replies replies;
    private final SnapshotSender snapshots;
    private final Outbox outbox;
    private final RouterClock clock;
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer broadcast = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private long lastRevision;

    ParamHandler(final ParamStore store, final ParamDirectory directory, final FanOut fanOut, final Replies replies, final SnapshotSender snapshots,
        final Outbox outbox, final RouterClock clock)
    {
        this.store = store;
        this.directory = directory;
        this.fanOut = fanOut;
        this.replies = replies;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * A SET frame from a session.
     */
    void onSet(final Session s, final SetDecoder set, final int qos, final long nowNs)
    {
        final DirectBuffer payload = set.payloadBuffer();
        final int addressOffset = set.addressOffset();
        final int addressLength = set.addressLength();
        if (AddressRules.VALID != AddressRules.validateAddress(payload, addressOffset, addressLength))
        {
            replies.refused(s, qos, nowNs, 200, Replies.INVALID_ADDRESS, payload, addressOffset, addressLength);
            return;
        }
        final int result = apply(s, set, nowNs);
        if (result < 0)
        {
            replies.refused(s, qos, nowNs, 400, describe(-result, set.revision()), payload, addressOffset,
                addressLength);
            return;
        }
        if (qos >= Qos.CONFIRM)
        {
            replies.setAck(s, payload, addressOffset, addressLength, lastRevision);
        }
    }

    /**
     * Check a SET without applying it (BUNDLE validation).
     *
     * @param extraWrites writes earlier in the same bundle to this address (their revisions count).
     * @return {@link WriteResult#OK} or the refusal code.
     */
    int check(final Session s, final SetDecoder set, final int earlierWrites)
    {
        final int id = store.find(set.payloadBuffer(), set.addressOffset(), set.addressLength());
        if (set.hasRevision() && (ParamStore.NULL_ID != id || earlierWrites > 0))
        {
            // Checked only if the param exists (here: exists by the time this bundle entry would run).
            final long actual = (ParamStore.NULL_ID == id ? 0 : store.revision(id)) + earlierWrites;
            if (set.revision() != actual)
            {
                bundleConflictActual = actual;
                return WriteResult.REVISION_CONFLICT;
            }
        }
        return store.check(id, s.index, false, 0, set.lock(), set.unlock(),
            set.addressLength(), set.value().canonicalLength());
    }

    private long bundleConflictActual;

    long bundleConflictActual()
    {
        return bundleConflictActual;
    }

    /**
     * Write and broadcast.
     *
     * @return the param id, or a negated {@link WriteResult} code (nothing changed, nothing sent).
     */
    int apply(final Session s, final SetDecoder set, final long nowNs)
    {
        final DirectBuffer payload = set.payloadBuffer();
        final int addressOffset = set.addressOffset();
        final int addressLength = set.addressLength();
        final ValueView v = set.value();
        final int rawType = v.rawType();
        final int id;
        if (ValueType.widen(rawType) == rawType && ValueType.ARRAY != rawType && ValueType.MAP != rawType)
        {
            // Already canonical on the wire (the common case: f64, i64, string, bool): the store copies the data
            // straight from the frame, no intermediate copy.
            id = store.write(payload, addressOffset, addressLength, rawType, v.buffer(), v.dataOffset(),
                v.dataLength(), s.index, s.idBytes, 0, Session.ID_LENGTH,
                set.hasRevision(), set.revision(), set.lock(), set.unlock(),
                set.hasTtl(), set.ttl(), clock.epochMicros());
        }
        else
        {
            // Narrow numbers (i8/i16/i32/f32), possibly nested in arrays/maps, are widened first.
            final int valueLength = v.copyCanonical(value, 0);
            id = store.write(payload, addressOffset, addressLength, value, 0, valueLength,
                s.index, s.idBytes, 0, Session.ID_LENGTH,
                set.hasRevision(), set.revision(), set.lock(), set.unlock(),
                set.hasTtl(), set.ttl(), clock.epochMicros());
        }
        if (id < 0)
        {
            return id;
        }
        directory.onWrite(id);
        final long revision = store.revision(id);
        lastRevision = revision;
        final int length = SetEncoder.broadcast(set, revision, broadcast, 0);
        fanOut.broadcast(payload, addressOffset, addressLength, SubscriptionIndex.TYPE_PARAM, -1,
            broadcast, 0, length, Outbox.CLASS_PARAM, id, set.value(), nowNs);
        return id;
    }

    long lastRevision()
    {
        return lastRevision;
    }

    String describe(final int code, final long expected)
    {
        switch (code)
        {
            case WriteResult.REVISION_CONFLICT:
                return "revision conflict: expected " + expected + ", actual " + store.lastConflictActualRevision();
            case WriteResult.LOCK_HELD:
                return Replies.LOCK_HELD;
            case WriteResult.STATE_FULL:
                return Replies.STATE_FULL;
            default:
                return "rejected";
        }
    }

    /**
     * A GET: one-entry SNAPSHOT on a hit; on a miss nothing at QoS 0 (what the JS and Python clients expect) and
     * ERROR 201 at QoS ≥ 1 [better].
     */
    void onGet(final Session s, final GetDecoder get, final DirectBuffer payload, final int qos)
    {
        final int addressOffset = get.addressOffset();
        final int addressLength = get.addressLength();
        if (AddressRules.VALID != AddressRules.validateAddress(payload, addressOffset, addressLength))
        {
            replies.error(s, 200, Replies.INVALID_ADDRESS, payload, addressOffset, addressLength);
            return;
        }
        final int id = store.find(payload, addressOffset, addressLength);
        if (ParamStore.NULL_ID == id)
        {
            if (qos >= Qos.CONFIRM)
            {
                replies.error(s, 201, Replies.NOT_FOUND, payload, addressOffset, addressLength);
            }
            return;
        }
        final UnsafeBuffer scratch = replies.scratch();
        replies.send(s, snapshots.encodeSingle(id, scratch));
    }

    /**
     * Send the latest value of params held back while the session was congested, while its queue has room.
     *
     * @return {@code true} when nothing is left pending.
     */
    boolean flushConflated(final Session s, final long nowNs)
    {
        final IntHashSet pending = s.conflatedParams;
        if (null == pending || pending.isEmpty())
        {
            return true;
        }
        final IntHashSet.IntIterator it = pending.iterator();
        while (it.hasNext())
        {
            if (!outbox.hasRoom(s) || s.isGone())
            {
                return s.isGone();
            }
            final int id = it.nextValue();
            it.remove();
            if (!store.isLive(id))
            {
                continue;
            }
            final int addressOffset = store.addressOffset(id);
            final int addressLength = store.addressLength(id);
            if (!fanOut.sessionSubscribed(s.index, store.addressBuffer(), addressOffset, addressLength,
                SubscriptionIndex.TYPE_PARAM))
            {
                continue;
            }
            final int length = SetEncoder.encode(broadcast, 0, SetEncoder.BROADCAST_QOS,
                store.addressBuffer(), addressOffset, addressLength,
                store.valueBuffer(), store.valueOffset(id), store.valueLength(id),
                SetEncoder.REVISION, store.revision(id), 0);
            outbox.sendFinal(s, broadcast, 0, length);
        }
        return true;
    }
}
