package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes SUBSCRIBE: {@code u8 0x10 | u32 id | str pattern | u8 type mask | u8 opt | [u32 maxRate] [f64 epsilon]
 * [u32 history] [u32 window]} (options in bit order).
 */
public final class SubscribeEncoder
{
    private SubscribeEncoder()
    {
    }

    /**
     * @param options OR of {@link SubscribeDecoder#OPT_MAX_RATE}, {@code OPT_EPSILON}, {@code OPT_HISTORY},
     *                {@code OPT_WINDOW}; values of unset options are ignored.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final long id,
        final DirectBuffer pattern,
        final int patternOffset,
        final int patternLength,
        final int typeMask,
        final int options,
        final long maxRate,
        final double epsilon,
        final long history,
        final long window)
    {
        final int opt = options & 0x0F;
        final int frameLength = Frame.HEADER_LENGTH + SubscribeDecoder.PATTERN_OFFSET + Wire.STR_LENGTH_SIZE +
            patternLength + 2 +
            ((opt & SubscribeDecoder.OPT_MAX_RATE) != 0 ? 4 : 0) + ((opt & SubscribeDecoder.OPT_EPSILON) != 0 ? 8 : 0) +
            ((opt & SubscribeDecoder.OPT_HISTORY) != 0 ? 4 : 0) + ((opt & SubscribeDecoder.OPT_WINDOW) != 0 ? 4 : 0);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.SUBSCRIBE);
        dst.putInt(payload + SubscribeDecoder.ID_OFFSET, (int)id, ORDER);
        int p = Wire.putString(dst, payload + SubscribeDecoder.PATTERN_OFFSET, pattern, patternOffset, patternLength);
        dst.putByte(p++, (byte)typeMask);
        dst.putByte(p++, (byte)opt);
        if ((opt & SubscribeDecoder.OPT_MAX_RATE) != 0)
        {
            dst.putInt(p, (int)maxRate, ORDER);
            p += 4;
        }
        if ((opt & SubscribeDecoder.OPT_EPSILON) != 0)
        {
            dst.putDouble(p, epsilon, ORDER);
            p += 8;
        }
        if ((opt & SubscribeDecoder.OPT_HISTORY) != 0)
        {
            dst.putInt(p, (int)history, ORDER);
            p += 4;
        }
        if ((opt & SubscribeDecoder.OPT_WINDOW) != 0)
        {
            dst.putInt(p, (int)window, ORDER);
        }
        return frameLength;
    }

    /**
     * Allocating convenience; null options are omitted.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final long id,
        final String pattern,
        final int typeMask,
        final Long maxRate,
        final Double epsilon,
        final Long history,
        final Long window)
    {
        final byte[] p = Wire.bytes(pattern);
        final int options = (maxRate != null ? SubscribeDecoder.OPT_MAX_RATE : 0) |
            (epsilon != null ? SubscribeDecoder.OPT_EPSILON : 0) |
            (history != null ? SubscribeDecoder.OPT_HISTORY : 0) |
            (window != null ? SubscribeDecoder.OPT_WINDOW : 0);
        return encode(dst, offset, qos, id, new UnsafeBuffer(p), 0, p.length, typeMask, options,
            maxRate == null ? 0 : maxRate, epsilon == null ? 0 : epsilon,
            history == null ? 0 : history, window == null ? 0 : window);
    }
}
