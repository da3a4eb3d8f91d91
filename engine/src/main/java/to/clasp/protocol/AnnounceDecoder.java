package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * ANNOUNCE 0x03: {@code u8 type | str namespace | u16 count | count × signal} (signal layout in
 * {@link SignalEntryDecoder}, with meta). Select a signal with {@link #entry(int)}.
 */
public final class AnnounceDecoder
{
    private final SignalEntryDecoder entry = new SignalEntryDecoder();
    private final EntryCursor cursor = new EntryCursor();
    private DirectBuffer buffer;
    private int limit;
    private int namespaceOffset;
    private int namespaceLength;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.limit = offset + length;
        int p = offset + 1;
        namespaceOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        namespaceLength = p - namespaceOffset;
        if (limit - p < 2)
        {
            return DecodeError.TRUNCATED;
        }
        final int count = Wire.u16(buffer, p);
        p += 2;
        final int first = p;
        for (int i = 0; i < count; i++)
        {
            if ((p = entry.parse(buffer, p, limit, true)) < 0)
            {
                return -p;
            }
        }
        cursor.reset(count, first);
        return DecodeError.OK;
    }

    public int namespaceOffset()
    {
        return namespaceOffset;
    }

    public int namespaceLength()
    {
        return namespaceLength;
    }

    public String namespace()
    {
        return Wire.utf8(buffer, namespaceOffset, namespaceLength);
    }

    public int count()
    {
        return cursor.count;
    }

    /**
     * @return the flyweight positioned on signal {@code index} (valid until the next call or decode).
     */
    public SignalEntryDecoder entry(final int index)
    {
        return seek(entry, cursor, buffer, limit, index, true);
    }

    static SignalEntryDecoder seek(
        final SignalEntryDecoder entry,
        final EntryCursor cursor,
        final DirectBuffer buffer,
        final int limit,
        final int index,
        final boolean allowMeta)
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
                final int end = entry.parse(buffer, p, limit, allowMeta);
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
        return entry;
    }
}
