package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes ACK: {@code u8 0x50 | u8 flags | [str address] [u64 revision] [u8 locked] [str holder] [u32 correlation]}.
 * Send only when the request's QoS ≥ 1: the Python client cannot decode ACK (wire-protocol.md §0 rule 5).
 */
public final class AckEncoder
{
    private AckEncoder()
    {
    }

    /**
     * The ACK after an accepted SET: address + revision, flags 0x03, frame flags 0x01.
     */
    public static int setAck(
        final MutableDirectBuffer dst,
        final int offset,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final long revision)
    {
        return encode(dst, offset, Qos.FIRE, address, addressOffset, addressLength, true, revision, false, false,
            null, 0, 0, false, 0);
    }

    /**
     * @param address null for none.
     * @param holder  null for none.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final boolean hasRevision,
        final long revision,
        final boolean hasLocked,
        final boolean locked,
        final DirectBuffer holder,
        final int holderOffset,
        final int holderLength,
        final boolean hasCorrelationId,
        final long correlationId)
    {
        final int frameLength = Frame.HEADER_LENGTH + 2 +
            (address != null ? Wire.STR_LENGTH_SIZE + addressLength : 0) + (hasRevision ? 8 : 0) +
            (hasLocked ? 1 : 0) + (holder != null ? Wire.STR_LENGTH_SIZE + holderLength : 0) +
            (hasCorrelationId ? 4 : 0);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.ACK);
        final int flags = (address != null ? AckDecoder.FLAG_ADDRESS : 0) |
            (hasRevision ? AckDecoder.FLAG_REVISION : 0) |
            (hasLocked ? AckDecoder.FLAG_LOCKED : 0) |
            (holder != null ? AckDecoder.FLAG_HOLDER : 0) |
            (hasCorrelationId ? AckDecoder.FLAG_CORRELATION_ID : 0);
        dst.putByte(payload + AckDecoder.FLAGS_OFFSET, (byte)flags);
        int p = payload + 2;
        if (address != null)
        {
            p = Wire.putString(dst, p, address, addressOffset, addressLength);
        }
        if (hasRevision)
        {
            dst.putLong(p, revision, ORDER);
            p += 8;
        }
        if (hasLocked)
        {
            dst.putByte(p++, (byte)(locked ? 1 : 0));
        }
        if (holder != null)
        {
            p = Wire.putString(dst, p, holder, holderOffset, holderLength);
        }
        if (hasCorrelationId)
        {
            dst.putInt(p, (int)correlationId, ORDER);
        }
        return frameLength;
    }

    /**
     * Allocating convenience; null arguments are omitted.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final String address,
        final Long revision,
        final Boolean locked,
        final String holder,
        final Long correlationId)
    {
        final byte[] a = address == null ? null : Wire.bytes(address);
        final byte[] h = holder == null ? null : Wire.bytes(holder);
        return encode(dst, offset, qos, a == null ? null : new UnsafeBuffer(a), 0, a == null ? 0 : a.length,
            revision != null, revision == null ? 0 : revision,
            locked != null, locked != null && locked,
            h == null ? null : new UnsafeBuffer(h), 0, h == null ? 0 : h.length,
            correlationId != null, correlationId == null ? 0 : correlationId);
    }
}
