package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * WELCOME 0x02: {@code u8 type | u8 version | u8 features | u64 time | str session | str name | str token}.
 * Every field is mandatory (Python reads them at fixed offsets).
 */
public final class WelcomeDecoder
{
    public static final int VERSION_OFFSET = 1;
    public static final int FEATURES_OFFSET = 2;
    public static final int TIME_OFFSET = 3;
    public static final int SESSION_OFFSET = 11;

    private DirectBuffer buffer;
    private int version;
    private int features;
    private long time;
    private int sessionOffset;
    private int sessionLength;
    private int nameOffset;
    private int nameLength;
    private int tokenOffset;
    private int tokenLength;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, SESSION_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        version = Wire.u8(buffer, offset + VERSION_OFFSET);
        features = Wire.u8(buffer, offset + FEATURES_OFFSET);
        time = Wire.i64(buffer, offset + TIME_OFFSET);
        sessionOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        sessionLength = p - sessionOffset;
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

    public int features()
    {
        return features;
    }

    /**
     * @return router clock in µs since the epoch.
     */
    public long time()
    {
        return time;
    }

    public int sessionOffset()
    {
        return sessionOffset;
    }

    public int sessionLength()
    {
        return sessionLength;
    }

    public String session()
    {
        return Wire.utf8(buffer, sessionOffset, sessionLength);
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

    public int tokenLength()
    {
        return tokenLength;
    }

    public String token()
    {
        return Wire.utf8(buffer, tokenOffset, tokenLength);
    }
}
