package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked primitive reads shared by the views. Parse functions return the position after the field, or a
 * negated {@link DecodeError} code, so a view's {@code wrap} can propagate failure without exceptions or objects.
 */
final class Wire
{
    static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    static final int STR_LENGTH_SIZE = 2;

    private Wire()
    {
    }

    /**
     * @return {@code pos + size} when that many bytes are available before {@code limit}, else -TRUNCATED.
     */
    static int need(final int pos, final int size, final int limit)
    {
        return limit - pos >= size ? pos + size : -DecodeError.TRUNCATED;
    }

    /**
     * Check a {@code str} (u16 length + UTF-8) at {@code pos}.
     *
     * @return the position after the string, or a negated error code.
     */
    static int string(final DirectBuffer buffer, final int pos, final int limit)
    {
        if (limit - pos < STR_LENGTH_SIZE)
        {
            return -DecodeError.TRUNCATED;
        }
        final int length = u16(buffer, pos);
        final int start = pos + STR_LENGTH_SIZE;
        if (limit - start < length)
        {
            return -DecodeError.TRUNCATED;
        }
        if (!Utf8.isValid(buffer, start, length))
        {
            return -DecodeError.INVALID_UTF8;
        }
        return start + length;
    }

    static int u8(final DirectBuffer buffer, final int pos)
    {
        return buffer.getByte(pos) & 0xFF;
    }

    static int u16(final DirectBuffer buffer, final int pos)
    {
        return buffer.getShort(pos, ORDER) & 0xFFFF;
    }

    static long u32(final DirectBuffer buffer, final int pos)
    {
        return buffer.getInt(pos, ORDER) & 0xFFFF_FFFFL;
    }

    static long i64(final DirectBuffer buffer, final int pos)
    {
        return buffer.getLong(pos, ORDER);
    }

    static double f64(final DirectBuffer buffer, final int pos)
    {
        return buffer.getDouble(pos, ORDER);
    }

    /**
     * Allocating convenience for the views' {@code String x()} accessors.
     */
    static String utf8(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length == 0)
        {
            return "";
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Write a {@code str} from bytes already in a buffer.
     *
     * @return the position after it.
     */
    static int putString(
        final MutableDirectBuffer dst, final int pos, final DirectBuffer src, final int srcOffset, final int length)
    {
        dst.putShort(pos, (short)length, ORDER);
        if (length > 0)
        {
            dst.putBytes(pos + STR_LENGTH_SIZE, src, srcOffset, length);
        }
        return pos + STR_LENGTH_SIZE + length;
    }

    static int putString(final MutableDirectBuffer dst, final int pos, final byte[] utf8)
    {
        dst.putShort(pos, (short)utf8.length, ORDER);
        dst.putBytes(pos + STR_LENGTH_SIZE, utf8);
        return pos + STR_LENGTH_SIZE + utf8.length;
    }

    static byte[] bytes(final String s)
    {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
