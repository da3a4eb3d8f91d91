package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * FEDERATION_SYNC 0x04 (router↔router):
 * {@code u8 type | u8 op | u16 n + n × str pattern | u16 m + m × (str key + u64 revision) |
 * u8 flags (bit7 since, bit6 origin) | [u64 since] [str origin]}.
 */
public final class FederationSyncDecoder
{
    public static final int OP_DECLARE_NAMESPACES = 1;
    public static final int OP_REQUEST_SYNC = 2;
    public static final int OP_REVISION_VECTOR = 3;
    public static final int OP_SYNC_COMPLETE = 4;
    public static final int FLAG_SINCE = 0x80;
    public static final int FLAG_ORIGIN = 0x40;
    public static final int OP_OFFSET = 1;
    public static final int PATTERNS_OFFSET = 2;

    private final EntryCursor patterns = new EntryCursor();
    private final EntryCursor revisions = new EntryCursor();
    private DirectBuffer buffer;
    private int op;
    private int flags;
    private long since;
    private int originOffset;
    private int originLength;
    private int patternOffset;
    private int patternLength;
    private int keyOffset;
    private int keyLength;
    private long revision;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, PATTERNS_OFFSET + 2, limit);
        if (p < 0)
        {
            return -p;
        }
        op = Wire.u8(buffer, offset + OP_OFFSET);
        final int patternCount = Wire.u16(buffer, offset + PATTERNS_OFFSET);
        final int firstPattern = p;
        for (int i = 0; i < patternCount; i++)
        {
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return -p;
            }
        }
        if (limit - p < 2)
        {
            return DecodeError.TRUNCATED;
        }
        final int revisionCount = Wire.u16(buffer, p);
        p += 2;
        final int firstRevision = p;
        for (int i = 0; i < revisionCount; i++)
        {
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return -p;
            }
            if ((p = Wire.need(p, 8, limit)) < 0)
            {
                return -p;
            }
        }
        if (p >= limit)
        {
            return DecodeError.TRUNCATED;
        }
        flags = Wire.u8(buffer, p++);
        since = 0;
        originLength = 0;
        if ((flags & FLAG_SINCE) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            since = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_ORIGIN) != 0)
        {
            originOffset = p + Wire.STR_LENGTH_SIZE;
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return -p;
            }
            originLength = p - originOffset;
        }
        patterns.reset(patternCount, firstPattern);
        revisions.reset(revisionCount, firstRevision);
        return DecodeError.OK;
    }

    public int op()
    {
        return op;
    }

    public int patternCount()
    {
        return patterns.count;
    }

    /**
     * Position {@link #patternOffset()} / {@link #patternLength()} / {@link #pattern()} on pattern {@code index}.
     */
    public FederationSyncDecoder patternAt(final int index)
    {
        patterns.checkIndex(index);
        int p = index > patterns.current && patterns.current >= 0 ? patterns.nextPosition : patterns.firstPosition;
        int i = index > patterns.current && patterns.current >= 0 ? patterns.current + 1 : 0;
        if (index != patterns.current)
        {
            while (true)
            {
                final int length = Wire.u16(buffer, p);
                if (i == index)
                {
                    patternOffset = p + Wire.STR_LENGTH_SIZE;
                    patternLength = length;
                    patterns.current = index;
                    patterns.nextPosition = patternOffset + length;
                    break;
                }
                p += Wire.STR_LENGTH_SIZE + length;
                i++;
            }
        }
        return this;
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

    public int revisionCount()
    {
        return revisions.count;
    }

    /**
     * Position {@link #keyOffset()} / {@link #key()} / {@link #revision()} on revision entry {@code index}.
     */
    public FederationSyncDecoder revisionAt(final int index)
    {
        revisions.checkIndex(index);
        int p = index > revisions.current && revisions.current >= 0 ? revisions.nextPosition : revisions.firstPosition;
        int i = index > revisions.current && revisions.current >= 0 ? revisions.current + 1 : 0;
        if (index != revisions.current)
        {
            while (true)
            {
                final int length = Wire.u16(buffer, p);
                if (i == index)
                {
                    keyOffset = p + Wire.STR_LENGTH_SIZE;
                    keyLength = length;
                    revision = Wire.i64(buffer, keyOffset + length);
                    revisions.current = index;
                    revisions.nextPosition = keyOffset + length + 8;
                    break;
                }
                p += Wire.STR_LENGTH_SIZE + length + 8;
                i++;
            }
        }
        return this;
    }

    public int keyOffset()
    {
        return keyOffset;
    }

    public int keyLength()
    {
        return keyLength;
    }

    public String key()
    {
        return Wire.utf8(buffer, keyOffset, keyLength);
    }

    public long revision()
    {
        return revision;
    }

    public boolean hasSince()
    {
        return (flags & FLAG_SINCE) != 0;
    }

    public long since()
    {
        return since;
    }

    public boolean hasOrigin()
    {
        return (flags & FLAG_ORIGIN) != 0;
    }

    public int originOffset()
    {
        return originOffset;
    }

    public int originLength()
    {
        return originLength;
    }

    public String origin()
    {
        return hasOrigin() ? Wire.utf8(buffer, originOffset, originLength) : null;
    }
}
