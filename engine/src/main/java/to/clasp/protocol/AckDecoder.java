package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * ACK 0x50: {@code u8 type | u8 flags (bit0 address, bit1 revision, bit2 locked, bit3 holder, bit4 correlation id) |
 * [str address] [u64 revision] [u8 locked] [str holder] [u32 correlation id]}.
 */
public final class AckDecoder
{
    public static final int FLAGS_OFFSET = 1;
    public static final int FLAG_ADDRESS = 0x01;
    public static final int FLAG_REVISION = 0x02;
    public static final int FLAG_LOCKED = 0x04;
    public static final int FLAG_HOLDER = 0x08;
    public static final int FLAG_CORRELATION_ID = 0x10;

    private DirectBuffer buffer;
    private int flags;
    private int addressOffset;
    private int addressLength;
    private long revision;
    private boolean locked;
    private int holderOffset;
    private int holderLength;
    private long correlationId;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, 2, limit);
        if (p < 0)
        {
            return -p;
        }
        flags = Wire.u8(buffer, offset + FLAGS_OFFSET);
        addressLength = 0;
        holderLength = 0;
        revision = 0;
        locked = false;
        correlationId = 0;
        if ((flags & FLAG_ADDRESS) != 0)
        {
            addressOffset = p + Wire.STR_LENGTH_SIZE;
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return -p;
            }
            addressLength = p - addressOffset;
        }
        if ((flags & FLAG_REVISION) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            revision = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_LOCKED) != 0)
        {
            if (p >= limit)
            {
                return DecodeError.TRUNCATED;
            }
            locked = buffer.getByte(p++) != 0;
        }
        if ((flags & FLAG_HOLDER) != 0)
        {
            holderOffset = p + Wire.STR_LENGTH_SIZE;
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return -p;
            }
            holderLength = p - holderOffset;
        }
        if ((flags & FLAG_CORRELATION_ID) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            correlationId = Wire.u32(buffer, p);
        }
        return DecodeError.OK;
    }

    public boolean hasAddress()
    {
        return (flags & FLAG_ADDRESS) != 0;
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
        return hasAddress() ? Wire.utf8(buffer, addressOffset, addressLength) : null;
    }

    public boolean hasRevision()
    {
        return (flags & FLAG_REVISION) != 0;
    }

    public long revision()
    {
        return revision;
    }

    public boolean hasLocked()
    {
        return (flags & FLAG_LOCKED) != 0;
    }

    public boolean locked()
    {
        return locked;
    }

    public boolean hasHolder()
    {
        return (flags & FLAG_HOLDER) != 0;
    }

    public int holderOffset()
    {
        return holderOffset;
    }

    public int holderLength()
    {
        return holderLength;
    }

    public String holder()
    {
        return hasHolder() ? Wire.utf8(buffer, holderOffset, holderLength) : null;
    }

    public boolean hasCorrelationId()
    {
        return (flags & FLAG_CORRELATION_ID) != 0;
    }

    public long correlationId()
    {
        return correlationId;
    }
}
