package to.clasp.core;

import org.agrona.DirectBuffer;

import to.clasp.address.AddressView;
import to.clasp.protocol.ValueView;

/**
 * One encoded message on its way to every matching session: the address it was sent to (scanned and hashed once),
 * its signal's type-mask bit, the session not to deliver to, the frame encoded once, its {@link Outbox} class, the
 * param id (for conflation) and its numeric value (for epsilon). A flyweight the sender fills and {@link FanOut}
 * hands on to each {@link SubscriptionFilters.Filter} — one object instead of a dozen arguments. Core thread only;
 * reused, valid for one fan-out.
 */
final class Broadcast
{
    AddressView address;
    int typeBit;
    int excludeSession = -1;
    DirectBuffer frame;
    int frameOffset;
    int frameLength;
    int cls;
    int paramId = -1;
    boolean numeric;
    double number;
    long nowNs;

    /**
     * @param typeBit        type-mask bit of the signal (param 0x01, event 0x02, …).
     * @param excludeSession session index not to deliver to (the PUBLISH sender), or -1.
     */
    Broadcast to(final AddressView address, final int typeBit, final int excludeSession)
    {
        this.address = address;
        this.typeBit = typeBit;
        this.excludeSession = excludeSession;
        return this;
    }

    /**
     * @param cls     {@link Outbox} class of the frame.
     * @param paramId param id for {@link Outbox#CLASS_PARAM} frames (conflation), else -1.
     */
    Broadcast frame(final DirectBuffer frame, final int offset, final int length, final int cls, final int paramId)
    {
        this.frame = frame;
        frameOffset = offset;
        frameLength = length;
        this.cls = cls;
        this.paramId = paramId;
        return this;
    }

    /** @param value the message's value (epsilon compares numbers), or null. */
    Broadcast value(final ValueView value, final long nowNs)
    {
        numeric = null != value && value.isNumeric();
        number = numeric ? value.asDouble() : 0;
        this.nowNs = nowNs;
        return this;
    }

    /** A message without a value (gestures, a held-back frame whose value was recorded apart). */
    Broadcast value(final boolean numeric, final double number, final long nowNs)
    {
        this.numeric = numeric;
        this.number = number;
        this.nowNs = nowNs;
        return this;
    }
}
