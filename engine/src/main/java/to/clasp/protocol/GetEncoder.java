package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes GET: {@code u8 0x22 | str address}.
 */
public final class GetEncoder
{
    private GetEncoder()
    {
    }

    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength)
    {
        return StringMessageEncoder.encode(dst, offset, qos, MessageType.GET, address, addressOffset, addressLength);
    }

    public static int encode(final MutableDirectBuffer dst, final int offset, final int qos, final String address)
    {
        final byte[] a = Wire.bytes(address);
        return encode(dst, offset, qos, new UnsafeBuffer(a), 0, a.length);
    }
}
