package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * RESULT 0x61: {@code u8 type | u16 count | count × {str address | u8 signal | u8 opt (bit0 datatype, bit1 access) |
 * [str datatype] [str access]}}. Select an entry with {@link #entry(int)}.
 */
public final class ResultDecoder
{
    public static final int COUNT_OFFSET = 1;
    public static final int ENTRIES_OFFSET = 3;

    private final SignalEntryDecoder entry = new SignalEntryDecoder();
    private final EntryCursor cursor = new EntryCursor();
    private DirectBuffer buffer;
    private int limit;

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
            if ((p = entry.parse(buffer, p, limit, false)) < 0)
            {
                return -p;
            }
        }
        cursor.reset(count, offset + ENTRIES_OFFSET);
        return DecodeError.OK;
    }

    public int count()
    {
        return cursor.count;
    }

    public SignalEntryDecoder entry(final int index)
    {
        return AnnounceDecoder.seek(entry, cursor, buffer, limit, index, false);
    }
}
