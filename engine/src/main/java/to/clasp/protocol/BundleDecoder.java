package to.clasp.protocol;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * BUNDLE 0x30: {@code u8 type | u8 flags (bit7 timestamp) | u16 count | [u64 timestamp] |
 * count × (u16 length + one compact-binary message payload)}.
 * <p>
 * Every item is validated during decode (with a second decoder that refuses bundles: bundles may not nest), so
 * a caller can decode items with {@link FrameDecoder#decodePayload} knowing they succeed.
 */
public final class BundleDecoder
{
    public static final int FLAGS_OFFSET = 1;
    public static final int COUNT_OFFSET = 2;
    public static final int TIMESTAMP_OFFSET = 4;
    public static final int FLAG_TIMESTAMP = 0x80;
    private static final int INITIAL_CAPACITY = 16;

    private int flags;
    private long timestamp;
    private int count;
    // Grown only when a bundle is larger than any seen before, so steady state allocates nothing.
    private int[] itemOffsets = new int[INITIAL_CAPACITY];
    private int[] itemLengths = new int[INITIAL_CAPACITY];

    int wrap(final DirectBuffer buffer, final int offset, final int length, final FrameDecoder itemValidator)
    {
        final int limit = offset + length;
        int p = Wire.need(offset, TIMESTAMP_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        flags = Wire.u8(buffer, offset + FLAGS_OFFSET);
        count = 0;
        final int itemCount = Wire.u16(buffer, offset + COUNT_OFFSET);
        timestamp = 0;
        if ((flags & FLAG_TIMESTAMP) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            timestamp = Wire.i64(buffer, p);
            p += 8;
        }
        if (itemCount > itemOffsets.length)
        {
            final int capacity = Math.max(itemCount, itemOffsets.length * 2);
            itemOffsets = Arrays.copyOf(itemOffsets, capacity);
            itemLengths = Arrays.copyOf(itemLengths, capacity);
        }
        for (int i = 0; i < itemCount; i++)
        {
            if (limit - p < 2)
            {
                return DecodeError.TRUNCATED;
            }
            final int itemLength = Wire.u16(buffer, p);
            p += 2;
            if (limit - p < itemLength)
            {
                return DecodeError.TRUNCATED;
            }
            if (itemLength == 0)
            {
                return DecodeError.EMPTY_PAYLOAD;
            }
            final int itemType = Wire.u8(buffer, p);
            if (FrameDecoder.isMessagePack(itemType))
            {
                return DecodeError.BAD_BUNDLE_ITEM;
            }
            if (itemType == MessageType.BUNDLE || itemValidator == null)
            {
                return DecodeError.TOO_DEEP;
            }
            final int result = itemValidator.decodePayload(buffer, p, itemLength);
            if (result != DecodeError.OK)
            {
                return result;
            }
            itemOffsets[i] = p;
            itemLengths[i] = itemLength;
            p += itemLength;
        }
        count = itemCount;
        return DecodeError.OK;
    }

    public boolean hasTimestamp()
    {
        return (flags & FLAG_TIMESTAMP) != 0;
    }

    /**
     * @return the requested execution time in µs (router clock) when {@link #hasTimestamp()}.
     */
    public long timestamp()
    {
        return timestamp;
    }

    public int count()
    {
        return count;
    }

    /**
     * @return offset in the decoder's {@link FrameDecoder#payload()} of item {@code index}'s payload (type byte first).
     */
    public int itemOffset(final int index)
    {
        checkIndex(index);
        return itemOffsets[index];
    }

    public int itemLength(final int index)
    {
        checkIndex(index);
        return itemLengths[index];
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= count)
        {
            throw new IndexOutOfBoundsException("item " + index + " of " + count);
        }
    }
}
