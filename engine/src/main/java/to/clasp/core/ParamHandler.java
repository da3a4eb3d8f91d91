package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressRules;
import to.clasp.address.AddressView;
import to.clasp.address.SubscriptionIndex;
import to.clasp.protocol.Frame;
import to.clasp.protocol.GetDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;
import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.state.WriteResult;

/**
 * SET and GET: validate, write through the {@link ParamStore} (revisions, expected revision, locks, TTL, capacity),
 * encode the broadcast SET once and fan it out to every matching session including the writer, ACK at QoS ≥ 1.
 * Also sends the latest value of params conflated for a slow consumer once it drains.
 * <p>
 * The path of a SET, alone or inside a BUNDLE, is one straight line: {@link #prepare} scans the address once
 * (validate + hash, {@link AddressView}) and fills the {@link ParamWrite} from the decoder flyweight; the store
 * decides and applies ({@link ParamStore#write}, answering in a {@link WriteResult}); {@link #commit} then indexes and
 * broadcasts an accepted write. Authorisation of the session for the address belongs between {@code prepare} and the
 * store; the journal belongs in {@code commit} (room asked before the store, the record appended after the store
 * accepted and before the fan-out, the QoS ≥ 1 ACK then held until durable: docs/architecture.md, "The SET path").
 * Every refusal goes through {@link Replies#refused} (counted; at QoS 0 at most one ERROR per second).
 */
final class ParamHandler
{
    /** {@link #check} code for an entry whose address is not valid (ERROR 200 in a lone SET). */
    static final int INVALID_ADDRESS = -1;
    /** {@link #check} code for an entry outside the session's write scopes (ERROR 301). */
    static final int FORBIDDEN = -3;
    /**
     * {@link #commit} code of a write that was applied and broadcast but whose record the journal did not take (it
     * failed after the room check): its writer gets ERROR 503, never an ACK.
     */
    static final int NOT_JOURNALED = -2;

    private final ParamStore store;
    private final ParamDirectory directory;
    private final FanOut fanOut;
    private final Replies replies;
    private final SnapshotSender snapshots;
    private final Outbox outbox;
    private final RouterClock clock;
    private final Journaling journaling;
    private final SessionAuth auth;
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer encoded = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final AddressView address = new AddressView();
    private final ParamWrite write = new ParamWrite();
    private final WriteResult result = new WriteResult();
    private final Broadcast broadcast = new Broadcast();
    private final Outbox.ConflatedSender resendConflated = this::resendConflated;

    /** @param journaling the journal ({@code --data-dir}), or null for an in-memory router. */
    ParamHandler(final ParamStore store, final ParamDirectory directory, final FanOut fanOut, final Replies replies,
        final SnapshotSender snapshots, final Outbox outbox, final RouterClock clock, final Journaling journaling,
        final SessionAuth auth)
    {
        this.journaling = journaling;
        this.auth = auth;
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
        if (!prepare(s, set))
        {
            replies.refused(s, qos, nowNs, 200, Replies.INVALID_ADDRESS, payload, set.addressOffset(),
                set.addressLength());
            return;
        }
        if (!s.scopes.canWrite(payload, set.addressOffset(), set.addressLength()))
        {
            // Between prepare and the store: a refusal here has changed nothing (and takes no journal room).
            auth.forbiddenWrite(s, qos, nowNs, "SET", payload, set.addressOffset(), set.addressLength());
            return;
        }
        if (null != journaling && !journaling.hasRoom(journaling.paramSpace(address.length(), write.valueLength())))
        {
            replies.refused(s, qos, nowNs, 503, journaling.refusal(), payload, set.addressOffset(),
                set.addressLength());
            return;
        }
        final int code = commit(set, nowNs, result);
        if (NOT_JOURNALED == code)
        {
            replies.refused(s, qos, nowNs, 503, notDurable(), payload, set.addressOffset(), set.addressLength());
            return;
        }
        if (WriteResult.OK != code)
        {
            replies.refused(s, qos, nowNs, 400, describe(result, set.revision()), payload, set.addressOffset(),
                set.addressLength());
            return;
        }
        if (qos >= Qos.CONFIRM)
        {
            replies.setAck(s, payload, set.addressOffset(), set.addressLength(), result.revision(),
                null != journaling, nowNs);
        }
    }

    /** The ERROR 503 text for a write applied while the journal failed. */
    String notDurable()
    {
        return journaling.refusal() + " (the write was applied but is not durable)";
    }

    /**
     * @return the log space the record of this SET (of a BUNDLE, after {@link #check}) takes; 0 without a journal.
     */
    int journalSpace()
    {
        return null == journaling ? 0 : journaling.paramSpace(address.length(), write.valueLength());
    }

    /**
     * Check a SET of a BUNDLE without applying it.
     *
     * @param earlierWrites SETs earlier in the same bundle to this address (their revisions count).
     * @param out           the store's answer; {@link WriteResult#id()} is {@link ParamStore#NULL_ID} for an address
     *                      that holds no param yet.
     * @return {@link WriteResult#OK}, the refusal code, {@link #INVALID_ADDRESS} or {@link #FORBIDDEN}.
     */
    int check(final Session s, final SetDecoder set, final int earlierWrites, final WriteResult out)
    {
        if (!prepare(s, set))
        {
            return INVALID_ADDRESS;
        }
        if (!s.scopes.canWrite(set.payloadBuffer(), set.addressOffset(), set.addressLength()))
        {
            return FORBIDDEN;
        }
        return store.check(write.pendingWrites(earlierWrites), out);
    }

    /**
     * Apply and broadcast a SET of a BUNDLE whose entries all passed {@link #check}: it may use the arena's headroom.
     *
     * @return {@link WriteResult#OK}, the refusal code or {@link #NOT_JOURNALED}; the revision is in {@code out}.
     */
    int apply(final Session s, final SetDecoder set, final long nowNs, final WriteResult out)
    {
        prepare(s, set);
        write.checkedInBundle(true);
        return commit(set, nowNs, out);
    }

    /**
     * The one place a SET becomes a {@link ParamWrite}: scan the address (validate and hash, once), and point the
     * request at the frame's value, the session as writer, and the SET's conditions.
     *
     * @return false when the address is not valid (nothing else is filled).
     */
    private boolean prepare(final Session s, final SetDecoder set)
    {
        if (AddressRules.VALID != address.wrap(set.payloadBuffer(), set.addressOffset(), set.addressLength()))
        {
            return false;
        }
        final ParamWrite w = write.reset().address(address).writer(s.index, s.idBytes, 0, Session.ID_LENGTH)
            .lock(set.lock()).unlock(set.unlock()).at(clock.epochMicros());
        if (set.hasRevision())
        {
            w.expectRevision(set.revision());
        }
        if (set.hasTtl())
        {
            w.ttl(set.ttl());
        }
        final ValueView v = set.value();
        final int rawType = v.rawType();
        if (ValueType.widen(rawType) == rawType && ValueType.ARRAY != rawType && ValueType.MAP != rawType)
        {
            // Already canonical on the wire (the common case: f64, i64, string, bool): the store copies the data
            // straight from the frame, no intermediate copy.
            w.value(rawType, v.buffer(), v.dataOffset(), v.dataLength());
        }
        else
        {
            // Narrow numbers (i8/i16/i32/f32), possibly nested in arrays/maps, are widened first.
            w.value(value, 0, v.copyCanonical(value, 0));
        }
        return true;
    }

    /**
     * Store the prepared write and, when accepted, journal it, index it for snapshots and broadcast it once to every
     * matching session. Every accepted SET takes this path; the record is appended before the fan-out (a copy into
     * shared memory: the fan-out never waits for the disk), and the caller checked the journal's room first.
     *
     * @return {@link WriteResult#OK} (nothing else sent), the refusal code (nothing changed, nothing sent), or
     * {@link #NOT_JOURNALED} (applied and sent, not journaled: the journal failed).
     */
    private int commit(final SetDecoder set, final long nowNs, final WriteResult out)
    {
        if (WriteResult.OK != store.write(write, out))
        {
            return out.code();
        }
        final int id = out.id();
        final boolean journaled = null == journaling || journaling.appendParam(store, id, write.lock(),
            write.unlock());
        directory.onWrite(id, out.created());
        final int length = SetEncoder.broadcast(set, out.revision(), encoded, 0);
        fanOut.broadcast(broadcast
            .to(address, SubscriptionIndex.TYPE_PARAM, -1)
            .frame(encoded, 0, length, Outbox.CLASS_PARAM, id)
            .value(set.value(), nowNs));
        return journaled ? WriteResult.OK : NOT_JOURNALED;
    }

    /** The ERROR 400 text for a refused write: "revision conflict: expected N, actual M", "lock held", … */
    static String describe(final WriteResult refused, final long expected)
    {
        switch (refused.code())
        {
            case WriteResult.REVISION_CONFLICT:
                return "revision conflict: expected " + expected + ", actual " + refused.actualRevision();
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
    void onGet(final Session s, final GetDecoder get, final DirectBuffer payload, final int qos, final long nowNs)
    {
        final int addressOffset = get.addressOffset();
        final int addressLength = get.addressLength();
        if (AddressRules.VALID != address.wrap(payload, addressOffset, addressLength))
        {
            replies.error(s, 200, Replies.INVALID_ADDRESS, payload, addressOffset, addressLength);
            return;
        }
        if (!s.scopes.canRead(payload, addressOffset, addressLength))
        {
            // Whether the param exists or not: the answer tells nothing about what the session may not read.
            auth.forbiddenRead(s, nowNs, "GET", SessionAuth.FORBIDDEN_READ, payload, addressOffset, addressLength);
            return;
        }
        final int id = store.find(address);
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
    boolean flushConflated(final Session s)
    {
        return outbox.resendConflated(s, resendConflated);
    }

    /** One held-back param, if it still exists and the session is still subscribed to it. */
    private void resendConflated(final Session s, final int id)
    {
        if (!store.isLive(id))
        {
            return;
        }
        final int addressOffset = store.addressOffset(id);
        final int addressLength = store.addressLength(id);
        if (!fanOut.sessionSubscribed(s.index, store.addressBuffer(), addressOffset, addressLength,
            SubscriptionIndex.TYPE_PARAM))
        {
            return;
        }
        final int length = SetEncoder.encode(encoded, 0, SetEncoder.BROADCAST_QOS,
            store.addressBuffer(), addressOffset, addressLength,
            store.valueBuffer(), store.valueOffset(id), store.valueLength(id),
            SetEncoder.REVISION, store.revision(id), 0);
        outbox.sendFinal(s, encoded, 0, length);
    }
}
