package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes QUERY: {@code u8 0x60 | str pattern}.
 */
public final class QueryEncoder
{
    private QueryEncoder()
    {
    }

    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final DirectBuffer pattern,
        final int patternOffset,
        final int patternLength)
    {
        return StringMessageEncoder.encode(dst, offset, qos, MessageType.QUERY, pattern, patternOffset, patternLength);
    }

    public static int encode(final MutableDirectBuffer dst, final int offset, final int qos, final String pattern)
    {
        final byte[] p = Wire.bytes(pattern);
        return encode(dst, offset, qos, new UnsafeBuffer(p), 0, p.length);
    }
}
