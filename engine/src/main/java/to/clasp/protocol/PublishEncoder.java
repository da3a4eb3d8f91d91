package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes a complete PUBLISH frame. {@link #relay} re-encodes a decoded PUBLISH canonically (signal codes 5-7 as
 * event, phases 4-7 as start, values widened, samples, timestamp, gesture id and rate kept) for fan-out.
 * Returns the frame length or {@link Frame#DOES_NOT_FIT}.
 */
public final class PublishEncoder
{
    private static final int SAMPLE_SIZE = 8;

    private PublishEncoder()
    {
    }

    /**
     * @return the QoS the reference router uses when it forwards a signal: param/event Confirm, stream/gesture Fire,
     * timeline Commit (wire-protocol.md §5.1).
     */
    public static int relayQos(final int signal)
    {
        switch (SignalType.decode(signal))
        {
            case SignalType.STREAM:
            case SignalType.GESTURE:
                return Qos.FIRE;
            case SignalType.TIMELINE:
                return Qos.COMMIT;
            default:
                return Qos.CONFIRM;
        }
    }

    /**
     * @return the length of the frame {@link #relay} makes of this PUBLISH (values are widened, so it may be longer
     * than the frame received).
     */
    public static int relayLength(final PublishDecoder src)
    {
        final int indicator = src.indicator();
        final int valueLength = indicator == PublishDecoder.INDICATOR_VALUE ? src.value().canonicalLength() : 0;
        return frameLength(src.addressLength(), indicator, valueLength, src.sampleCount(),
            src.hasTimestamp(), src.hasGestureId(), src.hasRate());
    }

    /**
     * Re-encode a decoded PUBLISH for relay. Zero allocation.
     */
    public static int relay(final PublishDecoder src, final int qos, final MutableDirectBuffer dst, final int offset)
    {
        final int indicator = src.indicator();
        final int frameLength = relayLength(src);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        int p = header(dst, offset, qos, frameLength, src.signal(), src.phase(), src.hasTimestamp(),
            src.hasGestureId(), src.payloadBuffer(), src.addressOffset(), src.addressLength(), indicator);
        if (indicator == PublishDecoder.INDICATOR_VALUE)
        {
            p += src.value().copyCanonical(dst, p);
        }
        else if (indicator == PublishDecoder.INDICATOR_SAMPLES)
        {
            final int count = src.sampleCount();
            dst.putShort(p, (short)count, ORDER);
            dst.putBytes(p + 2, src.payloadBuffer(), src.samplesOffset(), count * SAMPLE_SIZE);
            p += 2 + count * SAMPLE_SIZE;
        }
        trailer(dst, p, src.hasTimestamp(), src.timestamp(), src.hasGestureId(), src.gestureId(), src.hasRate(),
            src.rate());
        return frameLength;
    }

    /**
     * Field-by-field form for clients.
     *
     * @param indicator   0 nothing, 1 value ({@code value*} used), 2 samples ({@code samples} used).
     * @param value       canonical value bytes (type byte + data) when indicator is 1, else ignored (may be null).
     * @param samples     the samples when indicator is 2, else ignored (may be null).
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int signal,
        final int phase,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final int indicator,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final double[] samples,
        final boolean hasTimestamp,
        final long timestamp,
        final boolean hasGestureId,
        final long gestureId,
        final boolean hasRate,
        final long rate)
    {
        if (indicator < PublishDecoder.INDICATOR_NONE || indicator > PublishDecoder.INDICATOR_SAMPLES)
        {
            throw new IllegalArgumentException("indicator " + indicator);
        }
        final int sampleCount = indicator == PublishDecoder.INDICATOR_SAMPLES ? samples.length : 0;
        if (sampleCount > 0xFFFF)
        {
            return Frame.DOES_NOT_FIT;
        }
        final int frameLength = frameLength(addressLength, indicator,
            indicator == PublishDecoder.INDICATOR_VALUE ? valueLength : 0, sampleCount, hasTimestamp, hasGestureId,
            hasRate);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        int p = header(dst, offset, qos, frameLength, signal, phase, hasTimestamp, hasGestureId,
            address, addressOffset, addressLength, indicator);
        if (indicator == PublishDecoder.INDICATOR_VALUE)
        {
            dst.putBytes(p, value, valueOffset, valueLength);
            p += valueLength;
        }
        else if (indicator == PublishDecoder.INDICATOR_SAMPLES)
        {
            dst.putShort(p, (short)sampleCount, ORDER);
            p += 2;
            for (int i = 0; i < sampleCount; i++)
            {
                dst.putDouble(p, samples[i], ORDER);
                p += SAMPLE_SIZE;
            }
        }
        trailer(dst, p, hasTimestamp, timestamp, hasGestureId, gestureId, hasRate, rate);
        return frameLength;
    }

    /**
     * Client form with String address and heap value (allocating). {@code timestamp}, {@code gestureId} and
     * {@code rate} are omitted when null.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int signal,
        final int phase,
        final String address,
        final int indicator,
        final Object value,
        final double[] samples,
        final Long timestamp,
        final Long gestureId,
        final Long rate)
    {
        final byte[] addressBytes = Wire.bytes(address);
        UnsafeBuffer valueBytes = null;
        int valueLength = 0;
        if (indicator == PublishDecoder.INDICATOR_VALUE)
        {
            valueBytes = new UnsafeBuffer(new byte[ValueCodec.encodedLength(value)]);
            valueLength = ValueCodec.encode(value, valueBytes, 0);
        }
        return encode(dst, offset, qos, signal, phase, new UnsafeBuffer(addressBytes), 0, addressBytes.length,
            indicator, valueBytes, 0, valueLength, samples,
            timestamp != null, timestamp == null ? 0 : timestamp,
            gestureId != null, gestureId == null ? 0 : gestureId,
            rate != null, rate == null ? 0 : rate);
    }

    private static int frameLength(
        final int addressLength,
        final int indicator,
        final int valueLength,
        final int sampleCount,
        final boolean hasTimestamp,
        final boolean hasGestureId,
        final boolean hasRate)
    {
        int length = Frame.HEADER_LENGTH + PublishDecoder.ADDRESS_OFFSET + Wire.STR_LENGTH_SIZE + addressLength + 1;
        if (indicator == PublishDecoder.INDICATOR_VALUE)
        {
            length += valueLength;
        }
        else if (indicator == PublishDecoder.INDICATOR_SAMPLES)
        {
            length += 2 + sampleCount * SAMPLE_SIZE;
        }
        return length + (hasTimestamp ? 8 : 0) + (hasGestureId ? 4 : 0) + (hasRate ? 4 : 0);
    }

    private static int header(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int frameLength,
        final int signal,
        final int phase,
        final boolean hasTimestamp,
        final boolean hasGestureId,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final int indicator)
    {
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.PUBLISH);
        final int flags = (SignalType.decode(signal) << PublishDecoder.SIGNAL_SHIFT) |
            (hasTimestamp ? PublishDecoder.FLAG_TIMESTAMP : 0) |
            (hasGestureId ? PublishDecoder.FLAG_GESTURE_ID : 0) |
            GesturePhase.decode(phase);
        dst.putByte(payload + PublishDecoder.FLAGS_OFFSET, (byte)flags);
        final int p = Wire.putString(dst, payload + PublishDecoder.ADDRESS_OFFSET, address, addressOffset, addressLength);
        dst.putByte(p, (byte)indicator);
        return p + 1;
    }

    private static void trailer(
        final MutableDirectBuffer dst,
        final int pos,
        final boolean hasTimestamp,
        final long timestamp,
        final boolean hasGestureId,
        final long gestureId,
        final boolean hasRate,
        final long rate)
    {
        int p = pos;
        if (hasTimestamp)
        {
            dst.putLong(p, timestamp, ORDER);
            p += 8;
        }
        if (hasGestureId)
        {
            dst.putInt(p, (int)gestureId, ORDER);
            p += 4;
        }
        if (hasRate)
        {
            dst.putInt(p, (int)rate, ORDER);
        }
    }
}
