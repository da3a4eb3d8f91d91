package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Flyweight over one validated value: its wire type code and the data bytes that follow it. Numbers are read
 * widened (Int = i64, Float = f64) and never converted between the two kinds. Valid until the owning decoder
 * decodes again.
 */
public final class ValueView
{
    private DirectBuffer buffer;
    private int rawType;
    private int offset;
    private int length;

    /**
     * Point at data that has already passed {@link Values#validate}.
     */
    ValueView wrap(final DirectBuffer buffer, final int rawType, final int dataOffset, final int dataLength)
    {
        this.buffer = buffer;
        this.rawType = rawType;
        this.offset = dataOffset;
        this.length = dataLength;
        return this;
    }

    /**
     * @return the widened type: I8/I16/I32 read as {@link ValueType#I64}, F32 as {@link ValueType#F64}.
     */
    public int type()
    {
        return ValueType.widen(rawType);
    }

    /**
     * @return the type code as it was on the wire (before widening).
     */
    public int rawType()
    {
        return rawType;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the data (after the type byte) in {@link #buffer()}.
     */
    public int dataOffset()
    {
        return offset;
    }

    /**
     * @return length of the data as on the wire (narrow codes not yet widened).
     */
    public int dataLength()
    {
        return length;
    }

    public boolean isNull()
    {
        return rawType == ValueType.NULL;
    }

    public boolean isNumeric()
    {
        return rawType >= ValueType.I8 && rawType <= ValueType.F64;
    }

    /**
     * @return the Int value widened to long; a Float is truncated toward zero; 0 for non-numeric values.
     */
    public long asLong()
    {
        switch (rawType)
        {
            case ValueType.I8: return buffer.getByte(offset);
            case ValueType.I16: return buffer.getShort(offset, ORDER);
            case ValueType.I32: return buffer.getInt(offset, ORDER);
            case ValueType.I64: return buffer.getLong(offset, ORDER);
            case ValueType.F32: return (long)buffer.getFloat(offset, ORDER);
            case ValueType.F64: return (long)buffer.getDouble(offset, ORDER);
            default: return 0;
        }
    }

    /**
     * @return the numeric value as a double (an Int converted, for epsilon comparisons); NaN for non-numeric values.
     */
    public double asDouble()
    {
        switch (rawType)
        {
            case ValueType.I8: return buffer.getByte(offset);
            case ValueType.I16: return buffer.getShort(offset, ORDER);
            case ValueType.I32: return buffer.getInt(offset, ORDER);
            case ValueType.I64: return (double)buffer.getLong(offset, ORDER);
            case ValueType.F32: return buffer.getFloat(offset, ORDER);
            case ValueType.F64: return buffer.getDouble(offset, ORDER);
            default: return Double.NaN;
        }
    }

    /**
     * @return the bool value (nonzero byte = true); false for any other type.
     */
    public boolean asBoolean()
    {
        return rawType == ValueType.BOOL && buffer.getByte(offset) != 0;
    }

    /**
     * @return offset of the UTF-8 (STRING) or raw (BYTES) content, after its u16 length.
     */
    public int contentOffset()
    {
        return offset + Wire.STR_LENGTH_SIZE;
    }

    /**
     * @return byte length of a STRING or BYTES content, element count of an ARRAY or MAP, else 0.
     */
    public int contentLength()
    {
        switch (rawType)
        {
            case ValueType.STRING:
            case ValueType.BYTES:
            case ValueType.ARRAY:
            case ValueType.MAP:
                return Wire.u16(buffer, offset);
            default:
                return 0;
        }
    }

    /**
     * @return bytes {@link #copyCanonical} writes: the type byte plus the widened data.
     */
    public int canonicalLength()
    {
        return 1 + canonicalDataLength();
    }

    /**
     * @return bytes {@link #copyCanonicalData} writes.
     */
    public int canonicalDataLength()
    {
        switch (rawType)
        {
            case ValueType.I8:
            case ValueType.I16:
            case ValueType.I32:
            case ValueType.F32:
                return 8;
            case ValueType.ARRAY:
            case ValueType.MAP:
                return (int)(Values.measure(buffer, rawType, offset) >>> 32);
            default:
                return length;
        }
    }

    /**
     * Write the canonical encoding: widened type byte then widened data (recursively inside arrays and maps).
     *
     * @return bytes written.
     */
    public int copyCanonical(final MutableDirectBuffer dst, final int dstOffset)
    {
        dst.putByte(dstOffset, (byte)type());
        return 1 + copyCanonicalData(dst, dstOffset + 1);
    }

    /**
     * Write only the canonical data (no type byte), as SET needs: its type lives in the SET flags.
     *
     * @return bytes written.
     */
    public int copyCanonicalData(final MutableDirectBuffer dst, final int dstOffset)
    {
        if (rawType == ValueType.ARRAY || rawType == ValueType.MAP || ValueType.widen(rawType) != rawType)
        {
            return (int)(Values.copyCanonical(buffer, rawType, offset, dst, dstOffset) >>> 32);
        }
        if (length > 0)
        {
            dst.putBytes(dstOffset, buffer, offset, length);
        }
        return length;
    }

    /**
     * Allocating conversion: null, Boolean, Long, Double, String, byte[], List&lt;Object&gt; or
     * LinkedHashMap&lt;String, Object&gt; (wire key order; a repeated key keeps its last value).
     */
    public Object toObject()
    {
        return Values.toObject(buffer, rawType, offset, new int[1]);
    }

    public String toString()
    {
        return buffer == null ? "ValueView{}" : String.valueOf(toObject());
    }
}
