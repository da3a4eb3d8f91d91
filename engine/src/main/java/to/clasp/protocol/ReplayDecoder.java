package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * REPLAY 0x24: {@code u8 type | u8 flags (bit7 from, bit6 to, bit5 limit) | str pattern |
 * [u64 from µs] [u64 to µs] [u32 limit] | u8 type mask}.
 */
public final class ReplayDecoder
{
    public static final int FLAGS_OFFSET = 1;
    public static final int PATTERN_OFFSET = 2;
    public static final int FLAG_FROM = 0x80;
    public static final int FLAG_TO = 0x40;
    public static final int FLAG_LIMIT = 0x20;

    private DirectBuffer buffer;
    private int flags;
    private int patternOffset;
    private int patternLength;
    private long from;
    private long to;
    private long limitCount;
    private int typeMask;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, PATTERN_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        flags = Wire.u8(buffer, offset + FLAGS_OFFSET);
        patternOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        patternLength = p - patternOffset;
        from = 0;
        to = 0;
        limitCount = 0;
        if ((flags & FLAG_FROM) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            from = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_TO) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            to = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_LIMIT) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            limitCount = Wire.u32(buffer, p);
            p += 4;
        }
        if (p >= limit)
        {
            return DecodeError.TRUNCATED;
        }
        typeMask = Wire.u8(buffer, p);
        return DecodeError.OK;
    }

    public int patternOffset()
    {
        return patternOffset;
    }

    public int patternLength()
    {
        return patternLength;
    }

    public String pattern()
    {
        return Wire.utf8(buffer, patternOffset, patternLength);
    }

    public boolean hasFrom()
    {
        return (flags & FLAG_FROM) != 0;
    }

    public long from()
    {
        return from;
    }

    public boolean hasTo()
    {
        return (flags & FLAG_TO) != 0;
    }

    public long to()
    {
        return to;
    }

    public boolean hasLimit()
    {
        return (flags & FLAG_LIMIT) != 0;
    }

    public long limit()
    {
        return limitCount;
    }

    public int typeMask()
    {
        return typeMask;
    }
}
