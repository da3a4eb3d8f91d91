package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * Strict UTF-8 validation in place (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), so a decoded
 * string can later be turned into a {@code String} or forwarded to Python without surprises (wire-protocol.md §4.1).
 */
public final class Utf8
{
    /** The high bit of every byte of a long: zero after masking iff all eight bytes are ASCII. */
    private static final long ASCII_MASK = 0x8080_8080_8080_8080L;

    private Utf8()
    {
    }

    public static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        int i = offset;
        final int end = offset + length;
        while (i < end)
        {
            // ASCII fast path (addresses are nearly always ASCII): eight bytes per step, one bounds check.
            if (end - i >= Long.BYTES && (buffer.getLong(i) & ASCII_MASK) == 0)
            {
                i += Long.BYTES;
                continue;
            }
            final int b0 = buffer.getByte(i) & 0xFF;
            if (b0 < 0x80)
            {
                i++;
                continue;
            }
            if (b0 < 0xC2)
            {
                return false; // continuation byte first, or overlong 2-byte lead
            }
            if (b0 < 0xE0)
            {
                if (end - i < 2 || !isContinuation(buffer.getByte(i + 1)))
                {
                    return false;
                }
                i += 2;
                continue;
            }
            if (b0 < 0xF0)
            {
                if (end - i < 3)
                {
                    return false;
                }
                final int b1 = buffer.getByte(i + 1) & 0xFF;
                if (!isContinuation((byte)b1) || !isContinuation(buffer.getByte(i + 2)) ||
                    (b0 == 0xE0 && b1 < 0xA0) || // overlong
                    (b0 == 0xED && b1 >= 0xA0))  // UTF-16 surrogate
                {
                    return false;
                }
                i += 3;
                continue;
            }
            if (b0 < 0xF5)
            {
                if (end - i < 4)
                {
                    return false;
                }
                final int b1 = buffer.getByte(i + 1) & 0xFF;
                if (!isContinuation((byte)b1) || !isContinuation(buffer.getByte(i + 2)) ||
                    !isContinuation(buffer.getByte(i + 3)) ||
                    (b0 == 0xF0 && b1 < 0x90) || // overlong
                    (b0 == 0xF4 && b1 >= 0x90))  // above U+10FFFF
                {
                    return false;
                }
                i += 4;
                continue;
            }
            return false;
        }
        return true;
    }

    private static boolean isContinuation(final byte b)
    {
        return (b & 0xC0) == 0x80;
    }
}
