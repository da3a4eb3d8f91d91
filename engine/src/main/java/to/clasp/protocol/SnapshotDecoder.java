package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * SNAPSHOT 0x23: {@code u8 type | u16 count | count × entry}, entry =
 * {@code str address | u8 vtype + value | u64 revision | u8 opt (bit0 writer, bit1 timestamp) | [str writer] [u64 timestamp]}.
 * <p>
 * Select an entry with {@link #entry(int)}; the entry accessors then read that entry.
 */
public final class SnapshotDecoder
{
    public static final int COUNT_OFFSET = 1;
    public static final int ENTRIES_OFFSET = 3;
    public static final int OPT_WRITER = 0x01;
    public static final int OPT_TIMESTAMP = 0x02;

    private final ValueView value = new ValueView();
    private final EntryCursor cursor = new EntryCursor();
    private DirectBuffer buffer;
    private int limit;
    private int addressOffset;
    private int addressLength;
    private long revision;
    private int options;
    private int writerOffset;
    private int writerLength;
    private long timestamp;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.limit = offset + length;
        int p = Wire.need(offset, ENTRIES_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        final int count = Wire.u16(buffer, offset + COUNT_OFFSET);
        for (int i = 0; i < count; i++)
        {
            if ((p = parseEntry(p)) < 0)
            {
                return -p;
            }
        }
        cursor.reset(count, offset + ENTRIES_OFFSET);
        return DecodeError.OK;
    }

    private int parseEntry(final int pos)
    {
        int p = pos;
        addressOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return p;
        }
        addressLength = p - addressOffset;
        if (p >= limit)
        {
            return -DecodeError.TRUNCATED;
        }
        final int valueType = Wire.u8(buffer, p);
        final int end = Values.validate(buffer, valueType, p + 1, limit, 0);
        if (end < 0)
        {
            return end;
        }
        value.wrap(buffer, valueType, p + 1, end - p - 1);
        p = end;
        if (limit - p < 9)
        {
            return -DecodeError.TRUNCATED;
        }
        revision = Wire.i64(buffer, p);
        options = Wire.u8(buffer, p + 8);
        p += 9;
        writerLength = 0;
        timestamp = 0;
        if ((options & OPT_WRITER) != 0)
        {
            writerOffset = p + Wire.STR_LENGTH_SIZE;
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return p;
            }
            writerLength = p - writerOffset;
        }
        if ((options & OPT_TIMESTAMP) != 0)
        {
            if (limit - p < 8)
            {
                return -DecodeError.TRUNCATED;
            }
            timestamp = Wire.i64(buffer, p);
            p += 8;
        }
        return p;
    }

    public int count()
    {
        return cursor.count;
    }

    /**
     * Position the entry accessors on entry {@code index} (cheap when iterating forwards).
     *
     * @throws IndexOutOfBoundsException when index is outside 0..count-1.
     */
    public SnapshotDecoder entry(final int index)
    {
        cursor.checkIndex(index);
        if (index != cursor.current)
        {
            int i = 0;
            int p = cursor.firstPosition;
            if (cursor.current >= 0 && index > cursor.current)
            {
                i = cursor.current + 1;
                p = cursor.nextPosition;
            }
            while (true)
            {
                final int end = parseEntry(p);
                if (i == index)
                {
                    cursor.current = index;
                    cursor.nextPosition = end;
                    break;
                }
                p = end;
                i++;
            }
        }
        return this;
    }

    public int addressOffset()
    {
        return addressOffset;
    }

    public int addressLength()
    {
        return addressLength;
    }

    public String address()
    {
        return Wire.utf8(buffer, addressOffset, addressLength);
    }

    public ValueView value()
    {
        return value;
    }

    public long revision()
    {
        return revision;
    }

    public boolean hasWriter()
    {
        return (options & OPT_WRITER) != 0;
    }

    public int writerOffset()
    {
        return writerOffset;
    }

    public int writerLength()
    {
        return writerLength;
    }

    public String writer()
    {
        return hasWriter() ? Wire.utf8(buffer, writerOffset, writerLength) : null;
    }

    public boolean hasTimestamp()
    {
        return (options & OPT_TIMESTAMP) != 0;
    }

    public long timestamp()
    {
        return timestamp;
    }
}
