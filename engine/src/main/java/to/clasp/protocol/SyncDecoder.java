package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * SYNC 0x40: {@code u8 type | u8 flags (bit0 t2, bit1 t3) | u64 t1 | [u64 t2] [u64 t3]}.
 */
public final class SyncDecoder
{
    public static final int FLAGS_OFFSET = 1;
    public static final int T1_OFFSET = 2;
    public static final int FLAG_T2 = 0x01;
    public static final int FLAG_T3 = 0x02;

    private int flags;
    private long t1;
    private long t2;
    private long t3;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        final int limit = offset + length;
        int p = Wire.need(offset, T1_OFFSET + 8, limit);
        if (p < 0)
        {
            return -p;
        }
        flags = Wire.u8(buffer, offset + FLAGS_OFFSET);
        t1 = Wire.i64(buffer, offset + T1_OFFSET);
        t2 = 0;
        t3 = 0;
        if ((flags & FLAG_T2) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            t2 = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_T3) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            t3 = Wire.i64(buffer, p);
        }
        return DecodeError.OK;
    }

    public long t1()
    {
        return t1;
    }

    public boolean hasT2()
    {
        return (flags & FLAG_T2) != 0;
    }

    public long t2()
    {
        return t2;
    }

    public boolean hasT3()
    {
        return (flags & FLAG_T3) != 0;
    }

    public long t3()
    {
        return t3;
    }
}
