package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * ERROR 0x51: {@code u8 type | u16 code | str message | u8 flags (bit0 address, bit1 correlation id) |
 * [str address] [u32 correlation id]}.
 */
public final class ErrorDecoder
{
    public static final int CODE_OFFSET = 1;
    public static final int MESSAGE_OFFSET = 3;
    public static final int FLAG_ADDRESS = 0x01;
    public static final int FLAG_CORRELATION_ID = 0x02;
    /**
     * How this router's ERROR 301 for a read (GET, SUBSCRIBE, REPLAY) begins, so a client can tell it from the 301 of a
     * refused write to the same address (which says "no write scope").
     */
    public static final String READ_REFUSAL = "forbidden: no read scope";

    private DirectBuffer buffer;
    private int code;
    private int messageOffset;
    private int messageLength;
    private int flags;
    private int addressOffset;
    private int addressLength;
    private long correlationId;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, MESSAGE_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        code = Wire.u16(buffer, offset + CODE_OFFSET);
        messageOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        messageLength = p - messageOffset;
        if (p >= limit)
        {
            return DecodeError.TRUNCATED;
        }
        flags = Wire.u8(buffer, p++);
        addressLength = 0;
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

    public int code()
    {
        return code;
    }

    public int messageOffset()
    {
        return messageOffset;
    }

    public int messageLength()
    {
        return messageLength;
    }

    public String message()
    {
        return Wire.utf8(buffer, messageOffset, messageLength);
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

    public boolean hasCorrelationId()
    {
        return (flags & FLAG_CORRELATION_ID) != 0;
    }

    public long correlationId()
    {
        return correlationId;
    }
}
