package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.protocol.BundleDecoder;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.state.ParamStore;
import to.clasp.state.WriteResult;

/**
 * BUNDLE [better]: atomic. Every inner SET and PUBLISH is validated first (address, P2P target, lock, expected
 * revision — counting earlier writes in the same bundle — capacity, and the session's write scopes); if any
 * fails, one ERROR (400, or 301 for an entry outside the write scopes) names the failing address and nothing is
 * applied. Otherwise all SETs are applied and broadcast in order, then all
 * PUBLISHes forwarded; the core is single-threaded, so nothing interleaves. Inner messages of other types are
 * ignored. A bundle timestamp in the future (router clock, µs) schedules it, at most
 * {@link Router.Context#maxBundleAheadMicros()} ahead; validation then happens when it runs. ACK{revision of the
 * last SET} (or an empty ACK) at QoS ≥ 1.
 * <p>
 * With a journal, validation also asks for room for every record the bundle appends (all or nothing, ERROR 503 when
 * the journal cannot take them now); the ACK is then held until the last of them is durable.
 */
final class BundleHandler
{
    private final ParamHandler params;
    private final PublishHandler publishes;
    private final ParamStore store;
    private final Replies replies;
    private final SessionTable sessions;
    private final TimerQueue timers;
    private final RouterClock clock;
    private final long maxAheadMicros;
    private final Journaling journaling;
    private final SessionAuth auth;
    private final FrameDecoder item = new FrameDecoder();
    private final FrameDecoder itemScan = new FrameDecoder();
    private final FrameDecoder scheduledFrame = new FrameDecoder();
    private final int[] itemOffsets = new int[65536];
    private final int[] itemLengths = new int[65536];
    private final WriteResult result = new WriteResult();

    BundleHandler(final ParamHandler params, final PublishHandler publishes, final ParamStore store,
        final Replies replies, final SessionTable sessions, final TimerQueue timers, final RouterClock clock,
        final long maxAheadMicros, final Journaling journaling, final SessionAuth auth)
    {
        this.journaling = journaling;
        this.auth = auth;
        this.params = params;
        this.publishes = publishes;
        this.store = store;
        this.replies = replies;
        this.sessions = sessions;
        this.timers = timers;
        this.clock = clock;
        this.maxAheadMicros = maxAheadMicros;
    }

    void onBundle(final Session s, final FrameDecoder frame, final int qos, final long nowNs)
    {
        final BundleDecoder bundle = frame.bundle();
        if (bundle.hasTimestamp())
        {
            final long nowMicros = clock.epochMicros();
            final long aheadMicros = bundle.timestamp() - nowMicros;
            if (aheadMicros > maxAheadMicros)
            {
                replies.error(s, 400, "bundle scheduled too far ahead");
                return;
            }
            if (aheadMicros > 0)
            {
                final byte[] copy = new byte[frame.payloadLength()];
                frame.payload().getBytes(frame.payloadOffset(), copy);
                final Scheduled job = new Scheduled(s, copy, qos);
                timers.schedule(job, nowNs + aheadMicros * 1000);
                return;
            }
        }
        execute(s, bundle, frame.payload(), qos, nowNs);
    }

    private void execute(final Session s, final BundleDecoder bundle, final DirectBuffer payload, final int qos,
        final long nowNs)
    {
        final int count = Math.min(bundle.count(), itemOffsets.length);
        for (int i = 0; i < count; i++)
        {
            itemOffsets[i] = bundle.itemOffset(i);
            itemLengths[i] = bundle.itemLength(i);
        }

        // Pass 1: validate everything; apply nothing.
        int newAddresses = 0;
        long journalSpace = 0;
        for (int i = 0; i < count; i++)
        {
            if (DecodeError.OK != item.decodePayload(payload, itemOffsets[i], itemLengths[i]))
            {
                continue; // the frame decoder validated items already; be defensive
            }
            if (MessageType.SET == item.type())
            {
                final SetDecoder set = item.set();
                final int ao = set.addressOffset();
                final int al = set.addressLength();
                final int earlier = earlierSets(payload, i, ao, al);
                final int r = params.check(s, set, earlier, result);
                if (ParamHandler.FORBIDDEN == r)
                {
                    // One forbidden entry refuses the whole bundle: nothing is applied.
                    auth.forbiddenWrite(s, qos, nowNs, "BUNDLE SET", payload, ao, al);
                    return;
                }
                if (ParamHandler.INVALID_ADDRESS == r)
                {
                    reject(s, qos, nowNs, "bundle rejected: invalid address", payload, ao, al);
                    return;
                }
                if (WriteResult.OK != r)
                {
                    reject(s, qos, nowNs, "bundle rejected: " + ParamHandler.describe(result, set.revision()),
                        payload, ao, al);
                    return;
                }
                if (0 == earlier && ParamStore.NULL_ID == result.id())
                {
                    newAddresses++;
                    if (store.size() + newAddresses > store.capacity())
                    {
                        reject(s, qos, nowNs, "bundle rejected: " + Replies.STATE_FULL, payload, ao, al);
                        return;
                    }
                }
                journalSpace += params.journalSpace();
            }
            else if (MessageType.PUBLISH == item.type())
            {
                final PublishDecoder pub = item.publish();
                final int code = publishes.validate(s, pub);
                if (301 == code)
                {
                    auth.forbiddenWrite(s, qos, nowNs, "BUNDLE PUBLISH", payload, pub.addressOffset(),
                        pub.addressLength());
                    return;
                }
                if (0 != code)
                {
                    reject(s, qos, nowNs, 200 == code ? "bundle rejected: invalid address" : "bundle rejected: " +
                        Replies.P2P_UNKNOWN, payload, pub.addressOffset(), pub.addressLength());
                    return;
                }
                journalSpace += publishes.journalSpace(pub);
            }
        }
        if (null != journaling && !journaling.hasRoom(journalSpace))
        {
            replies.refused(s, qos, nowNs, 503, "bundle rejected: " + journaling.refusal(), null, 0, 0);
            return;
        }

        // Pass 2: all SETs, in order.
        boolean anySet = false;
        boolean journaled = true;
        long lastRevision = 0;
        for (int i = 0; i < count; i++)
        {
            if (DecodeError.OK == item.decodePayload(payload, itemOffsets[i], itemLengths[i]) &&
                MessageType.SET == item.type())
            {
                final int code = params.apply(s, item.set(), nowNs, result);
                if (WriteResult.OK == code || ParamHandler.NOT_JOURNALED == code)
                {
                    anySet = true;
                    lastRevision = result.revision();
                    journaled &= WriteResult.OK == code;
                }
            }
        }
        // Pass 3: all PUBLISHes, in order.
        for (int i = 0; i < count; i++)
        {
            if (DecodeError.OK == item.decodePayload(payload, itemOffsets[i], itemLengths[i]) &&
                MessageType.PUBLISH == item.type())
            {
                journaled &= publishes.apply(s, item.publish(), nowNs);
            }
        }
        if (!journaled)
        {
            replies.refused(s, qos, nowNs, 503, "bundle " + params.notDurable(), null, 0, 0);
        }
        else if (qos >= Qos.CONFIRM)
        {
            // One answer at the position of the bundle's last record: held until all of them are durable.
            replies.bundleAck(s, anySet, lastRevision, null != journaling, nowNs);
        }
    }

    /** How many SET items before {@code index} write the same address. */
    private int earlierSets(final DirectBuffer payload, final int index, final int ao, final int al)
    {
        int n = 0;
        final FrameDecoder other = itemScan;
        for (int j = 0; j < index; j++)
        {
            if (DecodeError.OK == other.decodePayload(payload, itemOffsets[j], itemLengths[j]) &&
                MessageType.SET == other.type())
            {
                final SetDecoder prev = other.set();
                if (prev.addressLength() == al && sameBytes(payload, prev.addressOffset(), ao, al))
                {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean sameBytes(final DirectBuffer b, final int x, final int y, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (b.getByte(x + i) != b.getByte(y + i))
            {
                return false;
            }
        }
        return true;
    }

    private void reject(final Session s, final int qos, final long nowNs, final String message,
        final DirectBuffer payload, final int ao, final int al)
    {
        replies.refused(s, qos, nowNs, 400, message, payload, ao, al);
    }

    /** A bundle waiting for its timestamp. Dropped if its session has gone (or was replaced) by then. */
    private final class Scheduled extends CoreTimer
    {
        private final Session session;
        private final String sessionId;
        private final UnsafeBuffer payload;
        private final int qos;

        Scheduled(final Session session, final byte[] payload, final int qos)
        {
            this.session = session;
            this.sessionId = session.id;
            this.payload = new UnsafeBuffer(payload);
            this.qos = qos;
        }

        void onTimer(final long nowNs)
        {
            final Session s = sessions.byConnection(session.connectionId);
            if (s != session || !s.isOpen() || !sessionId.equals(s.id))
            {
                return;
            }
            if (DecodeError.OK == scheduledFrame.decodePayload(payload, 0, payload.capacity()) &&
                MessageType.BUNDLE == scheduledFrame.type())
            {
                execute(s, scheduledFrame.bundle(), scheduledFrame.payload(), qos, nowNs);
            }
        }
    }
}
