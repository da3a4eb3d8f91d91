package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes a complete SET frame. The router's broadcast ({@link #broadcast}) copies the request's address, value
 * (widened), lock, unlock and ttl and adds bit 7 with the new revision; frame flags 0x41 (QoS Confirm) as the reference.
 * All methods return the frame length or {@link Frame#DOES_NOT_FIT}; none allocates except the String overloads.
 */
public final class SetEncoder
{
    /** Option bits, identical to the wire flag bits. */
    public static final int REVISION = SetDecoder.FLAG_REVISION;
    public static final int LOCK = SetDecoder.FLAG_LOCK;
    public static final int UNLOCK = SetDecoder.FLAG_UNLOCK;
    public static final int TTL = SetDecoder.FLAG_TTL;
    private static final int OPTION_MASK = REVISION | LOCK | UNLOCK | TTL;
    /** QoS of the broadcast copy (flags 0x41), as the reference router sends it. */
    public static final int BROADCAST_QOS = Qos.CONFIRM;

    private SetEncoder()
    {
    }

    /**
     * The broadcast copy of an accepted SET: same address, canonical value, lock/unlock/ttl, plus revision.
     */
    public static int broadcast(final SetDecoder src, final long revision, final MutableDirectBuffer dst, final int offset)
    {
        final int options = (src.flags() & (LOCK | UNLOCK | TTL)) | REVISION;
        return encode(dst, offset, BROADCAST_QOS, src.payloadBuffer(), src.addressOffset(), src.addressLength(),
            src.value(), options, revision, src.ttl());
    }

    /**
     * SET with the value taken from a decoded {@link ValueView} (written widened).
     *
     * @param options OR of {@link #REVISION}, {@link #LOCK}, {@link #UNLOCK}, {@link #TTL}.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final ValueView value,
        final int options,
        final long revision,
        final long ttl)
    {
        final int dataLength = value.canonicalDataLength();
        final int frameLength = frameLength(addressLength, dataLength, options);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        int p = header(dst, offset, qos, frameLength, options, value.type(), address, addressOffset, addressLength);
        p += value.copyCanonicalData(dst, p);
        trailer(dst, p, options, revision, ttl);
        return frameLength;
    }

    /**
     * SET with a value already in canonical bytes (type byte + data), e.g. from the param store.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final int options,
        final long revision,
        final long ttl)
    {
        final int dataLength = valueLength - 1;
        final int frameLength = frameLength(addressLength, dataLength, options);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        final int valueType = value.getByte(valueOffset) & 0x0F;
        int p = header(dst, offset, qos, frameLength, options, valueType, address, addressOffset, addressLength);
        if (dataLength > 0)
        {
            dst.putBytes(p, value, valueOffset + 1, dataLength);
        }
        trailer(dst, p + dataLength, options, revision, ttl);
        return frameLength;
    }

    /**
     * Client form with a heap value (allocating).
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final String address,
        final Object value,
        final int options,
        final long revision,
        final long ttl)
    {
        final byte[] addressBytes = Wire.bytes(address);
        final UnsafeBuffer valueBytes = new UnsafeBuffer(new byte[ValueCodec.encodedLength(value)]);
        final int valueLength = ValueCodec.encode(value, valueBytes, 0);
        return encode(dst, offset, qos, new UnsafeBuffer(addressBytes), 0, addressBytes.length,
            valueBytes, 0, valueLength, options, revision, ttl);
    }

    private static int frameLength(final int addressLength, final int dataLength, final int options)
    {
        return Frame.HEADER_LENGTH + SetDecoder.ADDRESS_OFFSET + Wire.STR_LENGTH_SIZE + addressLength + dataLength +
            ((options & REVISION) != 0 ? 8 : 0) + ((options & TTL) != 0 ? 4 : 0);
    }

    private static int header(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int frameLength,
        final int options,
        final int valueType,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength)
    {
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.SET);
        dst.putByte(payload + SetDecoder.FLAGS_OFFSET, (byte)((options & OPTION_MASK) | (valueType & 0x0F)));
        return Wire.putString(dst, payload + SetDecoder.ADDRESS_OFFSET, address, addressOffset, addressLength);
    }

    private static void trailer(
        final MutableDirectBuffer dst, final int pos, final int options, final long revision, final long ttl)
    {
        int p = pos;
        if ((options & REVISION) != 0)
        {
            dst.putLong(p, revision, ORDER);
            p += 8;
        }
        if ((options & TTL) != 0)
        {
            dst.putInt(p, (int)ttl, ORDER);
        }
    }
}
