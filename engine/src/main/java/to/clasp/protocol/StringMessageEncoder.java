package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one layout GET and QUERY share: {@code u8 type | str}.
 */
final class StringMessageEncoder
{
    private StringMessageEncoder()
    {
    }

    static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int type,
        final DirectBuffer string,
        final int stringOffset,
        final int stringLength)
    {
        final int frameLength = Frame.HEADER_LENGTH + 1 + Wire.STR_LENGTH_SIZE + stringLength;
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        dst.putByte(offset + Frame.HEADER_LENGTH, (byte)type);
        Wire.putString(dst, offset + Frame.HEADER_LENGTH + 1, string, stringOffset, stringLength);
        return frameLength;
    }
}
