package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes REPLAY: {@code u8 0x24 | u8 flags (bit7 from, bit6 to, bit5 limit) | str pattern | [u64 from] [u64 to]
 * [u32 limit] | u8 type mask}. Client side only (allocating String form).
 */
public final class ReplayEncoder
{
    private ReplayEncoder()
    {
    }

    /**
     * Null {@code from}, {@code to}, {@code limit} are omitted.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final String pattern,
        final Long from,
        final Long to,
        final Long limit,
        final int typeMask)
    {
        final byte[] pat = Wire.bytes(pattern);
        final int frameLength = Frame.HEADER_LENGTH + ReplayDecoder.PATTERN_OFFSET + Wire.STR_LENGTH_SIZE +
            pat.length + (from != null ? 8 : 0) + (to != null ? 8 : 0) + (limit != null ? 4 : 0) + 1;
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.REPLAY);
        dst.putByte(payload + ReplayDecoder.FLAGS_OFFSET, (byte)((from != null ? ReplayDecoder.FLAG_FROM : 0) |
            (to != null ? ReplayDecoder.FLAG_TO : 0) | (limit != null ? ReplayDecoder.FLAG_LIMIT : 0)));
        int p = Wire.putString(dst, payload + ReplayDecoder.PATTERN_OFFSET, pat);
        if (from != null)
        {
            dst.putLong(p, from, ORDER);
            p += 8;
        }
        if (to != null)
        {
            dst.putLong(p, to, ORDER);
            p += 8;
        }
        if (limit != null)
        {
            dst.putInt(p, (int)(long)limit, ORDER);
            p += 4;
        }
        dst.putByte(p, (byte)typeMask);
        return frameLength;
    }
}
