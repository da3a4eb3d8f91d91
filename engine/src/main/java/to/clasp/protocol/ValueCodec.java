package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes heap values (clients, tests, the MessagePack path) in canonical form: null, Boolean, Long/Integer/Short/Byte
 * → I64, Double/Float → F64, String, byte[], List → ARRAY, Map with String keys → MAP (iteration order kept).
 * Allocates (UTF-8 conversion); not for the router's hot path, which copies {@link ValueView}s instead.
 */
public final class ValueCodec
{
    private ValueCodec()
    {
    }

    /**
     * @return bytes {@link #encode} writes (type byte + data).
     * @throws IllegalArgumentException for unsupported types, strings/collections over 65 535 bytes/elements, or
     *                                  nesting deeper than {@link ValueType#MAX_DEPTH}.
     */
    public static int encodedLength(final Object value)
    {
        return 1 + dataLength(value, 0);
    }

    /**
     * @return the canonical type code of a heap value.
     */
    public static int typeOf(final Object value)
    {
        if (value == null)
        {
            return ValueType.NULL;
        }
        if (value instanceof Boolean)
        {
            return ValueType.BOOL;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            return ValueType.I64;
        }
        if (value instanceof Double || value instanceof Float)
        {
            return ValueType.F64;
        }
        if (value instanceof String)
        {
            return ValueType.STRING;
        }
        if (value instanceof byte[])
        {
            return ValueType.BYTES;
        }
        if (value instanceof List)
        {
            return ValueType.ARRAY;
        }
        if (value instanceof Map)
        {
            return ValueType.MAP;
        }
        throw new IllegalArgumentException("unsupported value type: " + value.getClass().getName());
    }

    /**
     * Write type byte + data at {@code offset}. The caller ensures capacity ({@link #encodedLength}).
     *
     * @return bytes written.
     */
    public static int encode(final Object value, final MutableDirectBuffer dst, final int offset)
    {
        dst.putByte(offset, (byte)typeOf(value));
        return 1 + encodeData(value, dst, offset + 1, 0);
    }

    /**
     * @return bytes {@link #encodeData} writes.
     */
    public static int dataLength(final Object value)
    {
        return dataLength(value, 0);
    }

    /**
     * Write only the data (SET carries the type in its flags).
     *
     * @return bytes written.
     */
    public static int encodeData(final Object value, final MutableDirectBuffer dst, final int offset)
    {
        return encodeData(value, dst, offset, 0);
    }

    private static int dataLength(final Object value, final int depth)
    {
        switch (typeOf(value))
        {
            case ValueType.NULL:
                return 0;
            case ValueType.BOOL:
                return 1;
            case ValueType.I64:
            case ValueType.F64:
                return 8;
            case ValueType.STRING:
                return 2 + checkLength(utf8Length((String)value));
            case ValueType.BYTES:
                return 2 + checkLength(((byte[])value).length);
            case ValueType.ARRAY:
            {
                checkDepth(depth);
                final List<?> list = (List<?>)value;
                int length = 2;
                checkLength(list.size());
                for (final Object element : list)
                {
                    length += 1 + dataLength(element, depth + 1);
                }
                return length;
            }
            default:
            {
                checkDepth(depth);
                final Map<?, ?> map = (Map<?, ?>)value;
                int length = 2;
                checkLength(map.size());
                for (final Map.Entry<?, ?> e : map.entrySet())
                {
                    if (!(e.getKey() instanceof String))
                    {
                        throw new IllegalArgumentException("map keys must be strings: " + e.getKey());
                    }
                    length += 2 + checkLength(utf8Length((String)e.getKey())) + 1 + dataLength(e.getValue(), depth + 1);
                }
                return length;
            }
        }
    }

    private static int encodeData(final Object value, final MutableDirectBuffer dst, final int offset, final int depth)
    {
        switch (typeOf(value))
        {
            case ValueType.NULL:
                return 0;
            case ValueType.BOOL:
                dst.putByte(offset, (byte)((Boolean)value ? 1 : 0));
                return 1;
            case ValueType.I64:
                dst.putLong(offset, ((Number)value).longValue(), ORDER);
                return 8;
            case ValueType.F64:
                dst.putDouble(offset, ((Number)value).doubleValue(), ORDER);
                return 8;
            case ValueType.STRING:
            {
                final byte[] bytes = ((String)value).getBytes(StandardCharsets.UTF_8);
                checkLength(bytes.length);
                return Wire.putString(dst, offset, bytes) - offset;
            }
            case ValueType.BYTES:
            {
                final byte[] bytes = (byte[])value;
                checkLength(bytes.length);
                return Wire.putString(dst, offset, bytes) - offset;
            }
            case ValueType.ARRAY:
            {
                checkDepth(depth);
                final List<?> list = (List<?>)value;
                dst.putShort(offset, (short)checkLength(list.size()), ORDER);
                int p = offset + 2;
                for (final Object element : list)
                {
                    dst.putByte(p, (byte)typeOf(element));
                    p += 1 + encodeData(element, dst, p + 1, depth + 1);
                }
                return p - offset;
            }
            default:
            {
                checkDepth(depth);
                final Map<?, ?> map = (Map<?, ?>)value;
                dst.putShort(offset, (short)checkLength(map.size()), ORDER);
                int p = offset + 2;
                for (final Map.Entry<?, ?> e : map.entrySet())
                {
                    if (!(e.getKey() instanceof String))
                    {
                        throw new IllegalArgumentException("map keys must be strings: " + e.getKey());
                    }
                    final byte[] key = ((String)e.getKey()).getBytes(StandardCharsets.UTF_8);
                    p = Wire.putString(dst, p, key);
                    dst.putByte(p, (byte)typeOf(e.getValue()));
                    p += 1 + encodeData(e.getValue(), dst, p + 1, depth + 1);
                }
                return p - offset;
            }
        }
    }

    /**
     * @return the UTF-8 length Java's encoder produces (an unpaired surrogate becomes one '?' byte).
     */
    static int utf8Length(final String s)
    {
        int length = 0;
        final int n = s.length();
        for (int i = 0; i < n; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                length++;
            }
            else if (c < 0x800)
            {
                length += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                length += 4;
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                length += 1;
            }
            else
            {
                length += 3;
            }
        }
        return length;
    }

    private static int checkLength(final int length)
    {
        if (length > 0xFFFF)
        {
            throw new IllegalArgumentException("length " + length + " exceeds 65535");
        }
        return length;
    }

    private static void checkDepth(final int depth)
    {
        if (depth >= ValueType.MAX_DEPTH)
        {
            throw new IllegalArgumentException("value nested deeper than " + ValueType.MAX_DEPTH);
        }
    }
}
