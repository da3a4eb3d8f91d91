package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * One signal definition, shared by ANNOUNCE (with optional meta) and RESULT (without):
 * <pre>
 * str address | u8 signal | u8 opt (bit0 datatype, bit1 access, bit2 meta) | [str datatype] [str access] |
 * [meta: u8 mflags (bit0 unit, bit1 range, bit2 default, bit3 description)
 *        [str unit] [f64 min, f64 max] [u8 vtype + value] [str description]]
 * </pre>
 */
public final class SignalEntryDecoder
{
    public static final int OPT_DATATYPE = 0x01;
    public static final int OPT_ACCESS = 0x02;
    public static final int OPT_META = 0x04;
    public static final int META_UNIT = 0x01;
    public static final int META_RANGE = 0x02;
    public static final int META_DEFAULT = 0x04;
    public static final int META_DESCRIPTION = 0x08;

    private final ValueView defaultValue = new ValueView();
    private DirectBuffer buffer;
    private int addressOffset;
    private int addressLength;
    private int signal;
    private int options;
    private int metaFlags;
    private int datatypeOffset;
    private int datatypeLength;
    private int accessOffset;
    private int accessLength;
    private int unitOffset;
    private int unitLength;
    private double min;
    private double max;
    private int descriptionOffset;
    private int descriptionLength;

    /**
     * Parse (and validate) one entry at {@code pos}.
     *
     * @param allowMeta whether opt bit2 is honoured (ANNOUNCE) or ignored (RESULT has no meta).
     * @return the position after the entry or a negated {@link DecodeError} code.
     */
    int parse(final DirectBuffer buffer, final int pos, final int limit, final boolean allowMeta)
    {
        this.buffer = buffer;
        int p = pos;
        addressOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return p;
        }
        addressLength = p - addressOffset;
        if (limit - p < 2)
        {
            return -DecodeError.TRUNCATED;
        }
        signal = Wire.u8(buffer, p);
        options = Wire.u8(buffer, p + 1) & (allowMeta ? 0x07 : 0x03);
        p += 2;
        datatypeLength = 0;
        accessLength = 0;
        metaFlags = 0;
        unitLength = 0;
        descriptionLength = 0;
        min = 0;
        max = 0;
        defaultValue.wrap(buffer, ValueType.NULL, p, 0);
        if ((options & OPT_DATATYPE) != 0)
        {
            datatypeOffset = p + Wire.STR_LENGTH_SIZE;
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return p;
            }
            datatypeLength = p - datatypeOffset;
        }
        if ((options & OPT_ACCESS) != 0)
        {
            accessOffset = p + Wire.STR_LENGTH_SIZE;
            if ((p = Wire.string(buffer, p, limit)) < 0)
            {
                return p;
            }
            accessLength = p - accessOffset;
        }
        if ((options & OPT_META) != 0)
        {
            if (p >= limit)
            {
                return -DecodeError.TRUNCATED;
            }
            metaFlags = Wire.u8(buffer, p++) & 0x0F;
            if ((metaFlags & META_UNIT) != 0)
            {
                unitOffset = p + Wire.STR_LENGTH_SIZE;
                if ((p = Wire.string(buffer, p, limit)) < 0)
                {
                    return p;
                }
                unitLength = p - unitOffset;
            }
            if ((metaFlags & META_RANGE) != 0)
            {
                if (limit - p < 16)
                {
                    return -DecodeError.TRUNCATED;
                }
                min = Wire.f64(buffer, p);
                max = Wire.f64(buffer, p + 8);
                p += 16;
            }
            if ((metaFlags & META_DEFAULT) != 0)
            {
                if (p >= limit)
                {
                    return -DecodeError.TRUNCATED;
                }
                final int valueType = Wire.u8(buffer, p);
                final int end = Values.validate(buffer, valueType, p + 1, limit, 0);
                if (end < 0)
                {
                    return end;
                }
                defaultValue.wrap(buffer, valueType, p + 1, end - p - 1);
                p = end;
            }
            if ((metaFlags & META_DESCRIPTION) != 0)
            {
                descriptionOffset = p + Wire.STR_LENGTH_SIZE;
                if ((p = Wire.string(buffer, p, limit)) < 0)
                {
                    return p;
                }
                descriptionLength = p - descriptionOffset;
            }
        }
        return p;
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

    /**
     * @return the signal type (codes 5..7 read as event).
     */
    public int signal()
    {
        return SignalType.decode(signal);
    }

    public boolean hasDatatype()
    {
        return (options & OPT_DATATYPE) != 0;
    }

    public int datatypeOffset()
    {
        return datatypeOffset;
    }

    public int datatypeLength()
    {
        return datatypeLength;
    }

    public String datatype()
    {
        return hasDatatype() ? Wire.utf8(buffer, datatypeOffset, datatypeLength) : null;
    }

    public boolean hasAccess()
    {
        return (options & OPT_ACCESS) != 0;
    }

    public int accessOffset()
    {
        return accessOffset;
    }

    public int accessLength()
    {
        return accessLength;
    }

    public String access()
    {
        return hasAccess() ? Wire.utf8(buffer, accessOffset, accessLength) : null;
    }

    public boolean hasMeta()
    {
        return (options & OPT_META) != 0;
    }

    public boolean hasUnit()
    {
        return (metaFlags & META_UNIT) != 0;
    }

    public String unit()
    {
        return hasUnit() ? Wire.utf8(buffer, unitOffset, unitLength) : null;
    }

    public boolean hasRange()
    {
        return (metaFlags & META_RANGE) != 0;
    }

    public double min()
    {
        return min;
    }

    public double max()
    {
        return max;
    }

    public boolean hasDefault()
    {
        return (metaFlags & META_DEFAULT) != 0;
    }

    public ValueView defaultValue()
    {
        return defaultValue;
    }

    public boolean hasDescription()
    {
        return (metaFlags & META_DESCRIPTION) != 0;
    }

    public String description()
    {
        return hasDescription() ? Wire.utf8(buffer, descriptionOffset, descriptionLength) : null;
    }
}
