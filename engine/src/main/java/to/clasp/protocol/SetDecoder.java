package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * SET 0x21: {@code u8 type | u8 flags | str address | value data | [u64 revision (bit7)] [u32 ttl (bit4)]}.
 * Flags: bit7 has revision, bit6 lock, bit5 unlock, bit4 has ttl, bits3-0 value type (no type byte before the data).
 */
public final class SetDecoder
{
    public static final int FLAGS_OFFSET = 1;
    public static final int ADDRESS_OFFSET = 2;
    public static final int FLAG_REVISION = 0x80;
    public static final int FLAG_LOCK = 0x40;
    public static final int FLAG_UNLOCK = 0x20;
    public static final int FLAG_TTL = 0x10;
    public static final int VALUE_TYPE_MASK = 0x0F;

    private final ValueView value = new ValueView();
    private DirectBuffer buffer;
    private int flags;
    private int addressOffset;
    private int addressLength;
    private long revision;
    private long ttl;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, ADDRESS_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        flags = Wire.u8(buffer, offset + FLAGS_OFFSET);
        addressOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        addressLength = p - addressOffset;
        final int valueType = flags & VALUE_TYPE_MASK;
        final int valueEnd = Values.validate(buffer, valueType, p, limit, 0);
        if (valueEnd < 0)
        {
            return -valueEnd;
        }
        value.wrap(buffer, valueType, p, valueEnd - p);
        p = valueEnd;
        revision = 0;
        ttl = 0;
        if ((flags & FLAG_REVISION) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            revision = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_TTL) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            ttl = Wire.u32(buffer, p);
        }
        return DecodeError.OK;
    }

    /**
     * @return the raw SET flags byte (bit7 revision, bit6 lock, bit5 unlock, bit4 ttl, low nibble value type).
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @return the buffer the offsets refer to (the decoder's {@link FrameDecoder#payload()}).
     */
    public DirectBuffer payloadBuffer()
    {
        return buffer;
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

    public boolean hasRevision()
    {
        return (flags & FLAG_REVISION) != 0;
    }

    /**
     * @return the revision (u64 on the wire, read as a long); 0 when absent.
     */
    public long revision()
    {
        return revision;
    }

    public boolean lock()
    {
        return (flags & FLAG_LOCK) != 0;
    }

    public boolean unlock()
    {
        return (flags & FLAG_UNLOCK) != 0;
    }

    public boolean hasTtl()
    {
        return (flags & FLAG_TTL) != 0;
    }

    /**
     * @return the raw u32 ttl: bit31 absolute (1) / sliding (0), bits30-0 seconds, 0 = never expires.
     */
    public long ttl()
    {
        return ttl;
    }
}
