package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * QUERY 0x60: {@code u8 type | str pattern}.
 */
public final class QueryDecoder
{
    private DirectBuffer buffer;
    private int patternOffset;
    private int patternLength;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int p = offset + 1;
        patternOffset = p + Wire.STR_LENGTH_SIZE;
        final int end = Wire.string(buffer, p, offset + length);
        if (end < 0)
        {
            return -end;
        }
        patternLength = end - patternOffset;
        return DecodeError.OK;
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
}
