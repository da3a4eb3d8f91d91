package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressRules;
import to.clasp.address.AddressView;
import to.clasp.protocol.Frame;
import to.clasp.protocol.GesturePhase;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.SignalType;

/**
 * PUBLISH: events, streams, gestures, timelines. Never stored, never ACKed; forwarded to matching sessions whose
 * type mask allows the signal, excluding the sender. Gestures go through the {@link GestureCoalescer}; P2P
 * addresses ({@code /clasp/p2p/signal/<sessionId>}) go to exactly that session or get ERROR 404.
 */
final class PublishHandler
{
    private static final byte[] P2P_PREFIX = "/clasp/p2p/signal/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final FanOut fanOut;
    private final GestureCoalescer gestures;
    private final SessionTable sessions;
    private final Outbox outbox;
    private final Replies replies;
    private final RouterClock clock;
    private final Journaling journaling;
    private final SessionAuth auth;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final AddressView address = new AddressView();
    private final Broadcast broadcast = new Broadcast();

    /** @param journaling the journal when it records events ({@code --journal-events}), else null. */
    PublishHandler(final FanOut fanOut, final GestureCoalescer gestures, final SessionTable sessions,
        final Outbox outbox, final Replies replies, final RouterClock clock, final Journaling journaling,
        final SessionAuth auth)
    {
        this.clock = clock;
        this.journaling = null != journaling && journaling.journalsEvents() ? journaling : null;
        this.auth = auth;
        this.fanOut = fanOut;
        this.gestures = gestures;
        this.sessions = sessions;
        this.outbox = outbox;
        this.replies = replies;
    }

    /**
     * Scan (validate and hash) a PUBLISH's address once, and check its P2P target (also used for BUNDLE validation).
     *
     * @return 0 if acceptable, else the ERROR code to send (200 invalid address, 301 outside the session's write
     *         scopes, 404 unknown P2P target).
     */
    int validate(final Session s, final PublishDecoder pub)
    {
        final DirectBuffer payload = pub.payloadBuffer();
        final int offset = pub.addressOffset();
        final int length = pub.addressLength();
        if (AddressRules.VALID != address.wrap(payload, offset, length))
        {
            return 200;
        }
        if (!s.scopes.canWrite(payload, offset, length))
        {
            return 301;
        }
        if (isP2p(payload, offset, length) && null == p2pTarget(payload, offset, length))
        {
            return 404;
        }
        return 0;
    }

    void onPublish(final Session s, final PublishDecoder pub, final int qos, final long nowNs)
    {
        final int code = validate(s, pub);
        if (301 == code)
        {
            auth.forbiddenWrite(s, qos, nowNs, "PUBLISH", pub.payloadBuffer(), pub.addressOffset(),
                pub.addressLength());
            return;
        }
        if (0 != code)
        {
            replies.refused(s, qos, nowNs, code, 200 == code ? Replies.INVALID_ADDRESS : Replies.P2P_UNKNOWN,
                pub.payloadBuffer(), pub.addressOffset(), pub.addressLength());
            return;
        }
        if (null != journaling && !journaling.hasRoom(journalSpace(pub)))
        {
            replies.refused(s, qos, nowNs, 503, journaling.refusal(), pub.payloadBuffer(), pub.addressOffset(),
                pub.addressLength());
            return;
        }
        forward(s, pub, nowNs);
    }

    /**
     * @return the log space the journal record of this (validated) PUBLISH takes: 0 unless events are journaled or
     * for P2P signalling, which is never journaled.
     */
    int journalSpace(final PublishDecoder pub)
    {
        if (null == journaling || isP2p(pub.payloadBuffer(), pub.addressOffset(), pub.addressLength()))
        {
            return 0;
        }
        return journaling.eventSpace(pub.addressLength(), PublishEncoder.relayLength(pub) - Frame.HEADER_LENGTH);
    }

    /**
     * Forward a PUBLISH validated earlier (an entry of a BUNDLE, validated with the others before any was applied).
     *
     * @return false when it was to be journaled and the journal did not take it (it failed meanwhile).
     */
    boolean apply(final Session s, final PublishDecoder pub, final long nowNs)
    {
        address.wrap(pub.payloadBuffer(), pub.addressOffset(), pub.addressLength());
        return forward(s, pub, nowNs);
    }

    /**
     * Forward a PUBLISH whose address {@link #address} holds, scanned; journal it first when events are journaled.
     *
     * @return false when it was to be journaled and the journal did not take it.
     */
    private boolean forward(final Session s, final PublishDecoder pub, final long nowNs)
    {
        final DirectBuffer payload = pub.payloadBuffer();
        final int offset = pub.addressOffset();
        final int length = pub.addressLength();
        final int signal = pub.signal();
        final int frameLength = PublishEncoder.relay(pub, PublishEncoder.relayQos(signal), frame, 0);

        if (isP2p(payload, offset, length))
        {
            final Session target = p2pTarget(payload, offset, length);
            if (null != target)
            {
                outbox.send(target, frame, 0, frameLength, Outbox.CLASS_CONTROL, -1);
            }
            return true;
        }
        final boolean journaled = null == journaling || journaling.appendEvent(clock.epochMicros(),
            SignalType.maskBit(signal), payload, offset, length, s, frame, Frame.HEADER_LENGTH,
            frameLength - Frame.HEADER_LENGTH);

        final Broadcast b = broadcast
            .to(address, SignalType.maskBit(signal), s.index)
            .value(PublishDecoder.INDICATOR_VALUE == pub.indicator() ? pub.value() : null, nowNs);
        if (SignalType.GESTURE == signal)
        {
            final long gestureId = pub.hasGestureId() ? pub.gestureId() : 0;
            switch (pub.phase())
            {
                case GesturePhase.MOVE:
                    gestures.move(gestureId, b.frame(frame, 0, frameLength, Outbox.CLASS_STREAM, -1));
                    return journaled;
                case GesturePhase.END:
                case GesturePhase.CANCEL:
                    gestures.end(gestureId, b.frame(frame, 0, frameLength, Outbox.CLASS_CONTROL, -1));
                    return journaled;
                default:
                    gestures.start(gestureId, b.frame(frame, 0, frameLength, Outbox.CLASS_CONTROL, -1));
                    return journaled;
            }
        }

        final int cls = SignalType.STREAM == signal ? Outbox.CLASS_STREAM : Outbox.CLASS_CONTROL;
        fanOut.broadcast(b.frame(frame, 0, frameLength, cls, -1));
        return journaled;
    }

    static boolean isP2p(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < P2P_PREFIX.length)
        {
            return false;
        }
        for (int i = 0; i < P2P_PREFIX.length; i++)
        {
            if (buffer.getByte(offset + i) != P2P_PREFIX[i])
            {
                return false;
            }
        }
        return true;
    }

    private Session p2pTarget(final DirectBuffer buffer, final int offset, final int length)
    {
        final int idOffset = offset + P2P_PREFIX.length;
        if (length - P2P_PREFIX.length != Session.ID_LENGTH)
        {
            return null;
        }
        // Parse the UUID text without allocating: 8-4-4-4-12 hex digits.
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = 0; i < Session.ID_LENGTH; i++)
        {
            final int c = buffer.getByte(idOffset + i);
            if (8 == i || 13 == i || 18 == i || 23 == i)
            {
                if ('-' != c)
                {
                    return null;
                }
                continue;
            }
            final int v = Character.digit(c, 16);
            if (v < 0)
            {
                return null;
            }
            if (digits < 16)
            {
                msb = (msb << 4) | v;
            }
            else
            {
                lsb = (lsb << 4) | v;
            }
            digits++;
        }
        final Session target = sessions.byId(msb, lsb);
        // A target whose token may not read its own P2P address is as good as unknown: nothing leaks to it, and the
        // sender learns nothing about it either.
        return null != target && target.isOpen() && target.scopes.canRead(buffer, offset, length) ? target : null;
    }
}
