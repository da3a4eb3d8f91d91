package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * GET 0x22: {@code u8 type | str address}.
 */
public final class GetDecoder
{
    private DirectBuffer buffer;
    private int addressOffset;
    private int addressLength;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int p = offset + 1;
        addressOffset = p + Wire.STR_LENGTH_SIZE;
        final int end = Wire.string(buffer, p, offset + length);
        if (end < 0)
        {
            return -end;
        }
        addressLength = end - addressOffset;
        return DecodeError.OK;
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
}
