package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * HELLO 0x01: {@code u8 type | u8 version | u8 features | str name | str token}.
 */
public final class HelloDecoder
{
    public static final int VERSION_OFFSET = 1;
    public static final int FEATURES_OFFSET = 2;
    public static final int NAME_OFFSET = 3;

    private DirectBuffer buffer;
    private int version;
    private int features;
    private int nameOffset;
    private int nameLength;
    private int tokenOffset;
    private int tokenLength;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, NAME_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        version = Wire.u8(buffer, offset + VERSION_OFFSET);
        features = Wire.u8(buffer, offset + FEATURES_OFFSET);
        nameOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        nameLength = p - nameOffset;
        tokenOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        tokenLength = p - tokenOffset;
        return DecodeError.OK;
    }

    public int version()
    {
        return version;
    }

    /**
     * @return feature bits, see {@link SignalType#featureBit}.
     */
    public int features()
    {
        return features;
    }

    public int nameOffset()
    {
        return nameOffset;
    }

    public int nameLength()
    {
        return nameLength;
    }

    public String name()
    {
        return Wire.utf8(buffer, nameOffset, nameLength);
    }

    public int tokenOffset()
    {
        return tokenOffset;
    }

    /**
     * @return token length in bytes; 0 means no token.
     */
    public int tokenLength()
    {
        return tokenLength;
    }

    public String token()
    {
        return Wire.utf8(buffer, tokenOffset, tokenLength);
    }
}
