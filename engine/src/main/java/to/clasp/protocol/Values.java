package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Static walks over encoded value data (the bytes after a value's type byte). {@link #validate} is the single
 * parser every other walk trusts: after it succeeded, measuring, copying and converting cannot run off the end.
 * Recursion is bounded by {@link ValueType#MAX_DEPTH}.
 */
final class Values
{
    private static final int COUNT_SIZE = 2;

    private Values()
    {
    }

    /**
     * Validate value data of type {@code type} starting at {@code pos}.
     *
     * @param depth number of arrays/maps around this value (0 at top level).
     * @return the position after the data, or a negated {@link DecodeError} code.
     */
    static int validate(final DirectBuffer buffer, final int type, final int pos, final int limit, final int depth)
    {
        switch (type)
        {
            case ValueType.NULL:
                return pos;
            case ValueType.BOOL:
            case ValueType.I8:
                return Wire.need(pos, 1, limit);
            case ValueType.I16:
                return Wire.need(pos, 2, limit);
            case ValueType.I32:
            case ValueType.F32:
                return Wire.need(pos, 4, limit);
            case ValueType.I64:
            case ValueType.F64:
                return Wire.need(pos, 8, limit);
            case ValueType.STRING:
                return Wire.string(buffer, pos, limit);
            case ValueType.BYTES:
            {
                if (limit - pos < COUNT_SIZE)
                {
                    return -DecodeError.TRUNCATED;
                }
                return Wire.need(pos + COUNT_SIZE, Wire.u16(buffer, pos), limit);
            }
            case ValueType.ARRAY:
            {
                if (depth >= ValueType.MAX_DEPTH)
                {
                    return -DecodeError.TOO_DEEP;
                }
                if (limit - pos < COUNT_SIZE)
                {
                    return -DecodeError.TRUNCATED;
                }
                final int count = Wire.u16(buffer, pos);
                int p = pos + COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    if (p >= limit)
                    {
                        return -DecodeError.TRUNCATED;
                    }
                    p = validate(buffer, Wire.u8(buffer, p), p + 1, limit, depth + 1);
                    if (p < 0)
                    {
                        return p;
                    }
                }
                return p;
            }
            case ValueType.MAP:
            {
                if (depth >= ValueType.MAX_DEPTH)
                {
                    return -DecodeError.TOO_DEEP;
                }
                if (limit - pos < COUNT_SIZE)
                {
                    return -DecodeError.TRUNCATED;
                }
                final int count = Wire.u16(buffer, pos);
                int p = pos + COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    p = Wire.string(buffer, p, limit);
                    if (p < 0)
                    {
                        return p;
                    }
                    if (p >= limit)
                    {
                        return -DecodeError.TRUNCATED;
                    }
                    p = validate(buffer, Wire.u8(buffer, p), p + 1, limit, depth + 1);
                    if (p < 0)
                    {
                        return p;
                    }
                }
                return p;
            }
            default:
                return -DecodeError.UNKNOWN_VALUE_TYPE;
        }
    }

    /**
     * Measure validated data: returns {@code (canonicalDataLength << 32) | endPosition}.
     */
    static long measure(final DirectBuffer buffer, final int type, final int pos)
    {
        switch (type)
        {
            case ValueType.NULL:
                return pack(0, pos);
            case ValueType.BOOL:
                return pack(1, pos + 1);
            case ValueType.I8:
                return pack(8, pos + 1);
            case ValueType.I16:
                return pack(8, pos + 2);
            case ValueType.I32:
            case ValueType.F32:
                return pack(8, pos + 4);
            case ValueType.I64:
            case ValueType.F64:
                return pack(8, pos + 8);
            case ValueType.STRING:
            case ValueType.BYTES:
            {
                final int n = COUNT_SIZE + Wire.u16(buffer, pos);
                return pack(n, pos + n);
            }
            case ValueType.ARRAY:
            {
                final int count = Wire.u16(buffer, pos);
                int p = pos + COUNT_SIZE;
                int length = COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    final long m = measure(buffer, Wire.u8(buffer, p), p + 1);
                    length += 1 + (int)(m >>> 32);
                    p = (int)m;
                }
                return pack(length, p);
            }
            case ValueType.MAP:
            {
                final int count = Wire.u16(buffer, pos);
                int p = pos + COUNT_SIZE;
                int length = COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    final int keyLength = COUNT_SIZE + Wire.u16(buffer, p);
                    p += keyLength;
                    final long m = measure(buffer, Wire.u8(buffer, p), p + 1);
                    length += keyLength + 1 + (int)(m >>> 32);
                    p = (int)m;
                }
                return pack(length, p);
            }
            default:
                throw new IllegalStateException("unvalidated value type " + type);
        }
    }

    /**
     * Copy validated data with narrow numbers widened; returns {@code (bytesWritten << 32) | sourceEndPosition}.
     */
    static long copyCanonical(
        final DirectBuffer buffer, final int type, final int pos, final MutableDirectBuffer dst, final int dstOffset)
    {
        switch (type)
        {
            case ValueType.NULL:
                return pack(0, pos);
            case ValueType.BOOL:
                dst.putByte(dstOffset, buffer.getByte(pos));
                return pack(1, pos + 1);
            case ValueType.I8:
                dst.putLong(dstOffset, buffer.getByte(pos), ORDER);
                return pack(8, pos + 1);
            case ValueType.I16:
                dst.putLong(dstOffset, buffer.getShort(pos, ORDER), ORDER);
                return pack(8, pos + 2);
            case ValueType.I32:
                dst.putLong(dstOffset, buffer.getInt(pos, ORDER), ORDER);
                return pack(8, pos + 4);
            case ValueType.F32:
                dst.putDouble(dstOffset, buffer.getFloat(pos, ORDER), ORDER);
                return pack(8, pos + 4);
            case ValueType.I64:
            case ValueType.F64:
                dst.putLong(dstOffset, buffer.getLong(pos, ORDER), ORDER);
                return pack(8, pos + 8);
            case ValueType.STRING:
            case ValueType.BYTES:
            {
                final int n = COUNT_SIZE + Wire.u16(buffer, pos);
                dst.putBytes(dstOffset, buffer, pos, n);
                return pack(n, pos + n);
            }
            case ValueType.ARRAY:
            {
                final int count = Wire.u16(buffer, pos);
                dst.putShort(dstOffset, (short)count, ORDER);
                int p = pos + COUNT_SIZE;
                int d = dstOffset + COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    final int elementType = Wire.u8(buffer, p);
                    dst.putByte(d, (byte)ValueType.widen(elementType));
                    final long c = copyCanonical(buffer, elementType, p + 1, dst, d + 1);
                    d += 1 + (int)(c >>> 32);
                    p = (int)c;
                }
                return pack(d - dstOffset, p);
            }
            case ValueType.MAP:
            {
                final int count = Wire.u16(buffer, pos);
                dst.putShort(dstOffset, (short)count, ORDER);
                int p = pos + COUNT_SIZE;
                int d = dstOffset + COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    final int keyLength = COUNT_SIZE + Wire.u16(buffer, p);
                    dst.putBytes(d, buffer, p, keyLength);
                    p += keyLength;
                    d += keyLength;
                    final int elementType = Wire.u8(buffer, p);
                    dst.putByte(d, (byte)ValueType.widen(elementType));
                    final long c = copyCanonical(buffer, elementType, p + 1, dst, d + 1);
                    d += 1 + (int)(c >>> 32);
                    p = (int)c;
                }
                return pack(d - dstOffset, p);
            }
            default:
                throw new IllegalStateException("unvalidated value type " + type);
        }
    }

    /**
     * Convert validated data to a heap object (allocating). {@code end[0]} receives the position after the data.
     */
    static Object toObject(final DirectBuffer buffer, final int type, final int pos, final int[] end)
    {
        switch (type)
        {
            case ValueType.NULL:
                end[0] = pos;
                return null;
            case ValueType.BOOL:
                end[0] = pos + 1;
                return buffer.getByte(pos) != 0;
            case ValueType.I8:
                end[0] = pos + 1;
                return (long)buffer.getByte(pos);
            case ValueType.I16:
                end[0] = pos + 2;
                return (long)buffer.getShort(pos, ORDER);
            case ValueType.I32:
                end[0] = pos + 4;
                return (long)buffer.getInt(pos, ORDER);
            case ValueType.I64:
                end[0] = pos + 8;
                return buffer.getLong(pos, ORDER);
            case ValueType.F32:
                end[0] = pos + 4;
                return (double)buffer.getFloat(pos, ORDER);
            case ValueType.F64:
                end[0] = pos + 8;
                return buffer.getDouble(pos, ORDER);
            case ValueType.STRING:
            {
                final int n = Wire.u16(buffer, pos);
                end[0] = pos + COUNT_SIZE + n;
                return Wire.utf8(buffer, pos + COUNT_SIZE, n);
            }
            case ValueType.BYTES:
            {
                final int n = Wire.u16(buffer, pos);
                final byte[] bytes = new byte[n];
                buffer.getBytes(pos + COUNT_SIZE, bytes);
                end[0] = pos + COUNT_SIZE + n;
                return bytes;
            }
            case ValueType.ARRAY:
            {
                final int count = Wire.u16(buffer, pos);
                final List<Object> list = new ArrayList<>(count);
                int p = pos + COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    list.add(toObject(buffer, Wire.u8(buffer, p), p + 1, end));
                    p = end[0];
                }
                end[0] = p;
                return list;
            }
            case ValueType.MAP:
            {
                final int count = Wire.u16(buffer, pos);
                final Map<String, Object> map = new LinkedHashMap<>();
                int p = pos + COUNT_SIZE;
                for (int i = 0; i < count; i++)
                {
                    final int keyLength = Wire.u16(buffer, p);
                    final String key = Wire.utf8(buffer, p + COUNT_SIZE, keyLength);
                    p += COUNT_SIZE + keyLength;
                    map.put(key, toObject(buffer, Wire.u8(buffer, p), p + 1, end));
                    p = end[0];
                }
                end[0] = p;
                return map;
            }
            default:
                throw new IllegalStateException("unvalidated value type " + type);
        }
    }

    private static long pack(final int length, final int end)
    {
        return ((long)length << 32) | (end & 0xFFFF_FFFFL);
    }
}
