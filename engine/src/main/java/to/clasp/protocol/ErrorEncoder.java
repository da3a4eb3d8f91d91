package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes ERROR: {@code u8 0x51 | u16 code | str message | u8 flags (bit0 address, bit1 correlation) |
 * [str address] [u32 correlation id]}. Safe to send to every client.
 */
public final class ErrorEncoder
{
    private ErrorEncoder()
    {
    }

    /**
     * @param address null for none.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int code,
        final DirectBuffer message,
        final int messageOffset,
        final int messageLength,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final boolean hasCorrelationId,
        final long correlationId)
    {
        final int frameLength = Frame.HEADER_LENGTH + ErrorDecoder.MESSAGE_OFFSET + Wire.STR_LENGTH_SIZE +
            messageLength + 1 + (address != null ? Wire.STR_LENGTH_SIZE + addressLength : 0) +
            (hasCorrelationId ? 4 : 0);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.ERROR);
        dst.putShort(payload + ErrorDecoder.CODE_OFFSET, (short)code, ORDER);
        int p = Wire.putString(dst, payload + ErrorDecoder.MESSAGE_OFFSET, message, messageOffset, messageLength);
        dst.putByte(p++, (byte)((address != null ? ErrorDecoder.FLAG_ADDRESS : 0) |
            (hasCorrelationId ? ErrorDecoder.FLAG_CORRELATION_ID : 0)));
        if (address != null)
        {
            p = Wire.putString(dst, p, address, addressOffset, addressLength);
        }
        if (hasCorrelationId)
        {
            dst.putInt(p, (int)correlationId, ORDER);
        }
        return frameLength;
    }

    /**
     * Allocating convenience; QoS Fire (flags 0x01 as the reference); null address / correlation id omitted.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int code,
        final String message,
        final String address,
        final Long correlationId)
    {
        final byte[] m = Wire.bytes(message);
        final byte[] a = address == null ? null : Wire.bytes(address);
        return encode(dst, offset, Qos.FIRE, code, new UnsafeBuffer(m), 0, m.length,
            a == null ? null : new UnsafeBuffer(a), 0, a == null ? 0 : a.length,
            correlationId != null, correlationId == null ? 0 : correlationId);
    }
}
