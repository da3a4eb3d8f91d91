package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * SUBSCRIBE 0x10: {@code u8 type | u32 id | str pattern | u8 type mask | u8 opt |
 * [u32 maxRate (bit0)] [f64 epsilon (bit1)] [u32 history (bit2)] [u32 window (bit3)]}.
 */
public final class SubscribeDecoder
{
    public static final int ID_OFFSET = 1;
    public static final int PATTERN_OFFSET = 5;
    public static final int OPT_MAX_RATE = 0x01;
    public static final int OPT_EPSILON = 0x02;
    public static final int OPT_HISTORY = 0x04;
    public static final int OPT_WINDOW = 0x08;

    private DirectBuffer buffer;
    private long id;
    private int patternOffset;
    private int patternLength;
    private int typeMask;
    private int options;
    private long maxRate;
    private double epsilon;
    private long history;
    private long window;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, PATTERN_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        id = Wire.u32(buffer, offset + ID_OFFSET);
        patternOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        patternLength = p - patternOffset;
        if (limit - p < 2)
        {
            return DecodeError.TRUNCATED;
        }
        typeMask = Wire.u8(buffer, p);
        options = Wire.u8(buffer, p + 1);
        p += 2;
        maxRate = 0;
        epsilon = 0;
        history = 0;
        window = 0;
        if ((options & OPT_MAX_RATE) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            maxRate = Wire.u32(buffer, p);
            p += 4;
        }
        if ((options & OPT_EPSILON) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            epsilon = Wire.f64(buffer, p);
            p += 8;
        }
        if ((options & OPT_HISTORY) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            history = Wire.u32(buffer, p);
            p += 4;
        }
        if ((options & OPT_WINDOW) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            window = Wire.u32(buffer, p);
        }
        return DecodeError.OK;
    }

    public long id()
    {
        return id;
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

    /**
     * @return the raw type mask; 0x00 and 0xFF mean all types, see {@link SignalType#maskAllows}.
     */
    public int typeMask()
    {
        return typeMask;
    }

    public boolean hasMaxRate()
    {
        return (options & OPT_MAX_RATE) != 0;
    }

    public long maxRate()
    {
        return maxRate;
    }

    public boolean hasEpsilon()
    {
        return (options & OPT_EPSILON) != 0;
    }

    public double epsilon()
    {
        return epsilon;
    }

    public boolean hasHistory()
    {
        return (options & OPT_HISTORY) != 0;
    }

    public long history()
    {
        return history;
    }

    public boolean hasWindow()
    {
        return (options & OPT_WINDOW) != 0;
    }

    public long window()
    {
        return window;
    }
}
