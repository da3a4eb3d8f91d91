package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * MQTT payloads ↔ CLASP values (docs/operations.md, "MQTT payloads"):
 * <ul>
 *     <li>An empty payload is null (and null is sent as an empty payload: an MQTT "delete the retained message").</li>
 *     <li>A payload that is one complete JSON text (RFC 8259, surrounding whitespace allowed) is that value: a number
 *     without fraction or exponent that fits 64 bits is an Int, any other number a Float; strings, booleans, null,
 *     arrays and objects (key order kept) map one to one. Nesting is limited to 32 levels, strings to 65 535 bytes
 *     and arrays/objects to 65 535 elements, as CLASP values are.</li>
 *     <li>Anything else (binary data, plain text such as {@code online}, invalid UTF-8) is carried as bytes, byte for
 *     byte both ways.</li>
 * </ul>
 * Outbound, a CLASP value becomes compact JSON: Float always with a fraction or exponent ({@code 42.0}), so that it
 * comes back as a Float; NaN and infinities as {@code null} (JSON has neither); bytes nested in an array or object
 * as a base64 string. Bytes at top level are sent raw. Not thread-safe: one instance per event loop.
 */
final class JsonPayloads
{
    /** {@link #toClasp} could not fit the value into the destination. */
    static final int DOES_NOT_FIT = -1;

    private static final int MAX_DEPTH = ValueType.MAX_DEPTH;
    private static final int MAX_COUNT = 0xFFFF;
    private static final double[] POWERS_OF_TEN = new double[23];
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static
    {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++)
        {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    // Parser state (inbound).
    private DirectBuffer in;
    private int pos;
    private int end;
    private MutableDirectBuffer out;
    private int outPos;
    private int outLimit;

    // Writer state (outbound).
    private final ExpandableArrayBuffer json = new ExpandableArrayBuffer(256);
    private int jsonPos;

    // ------------------------------------------------------------------------------------------------------------
    // MQTT payload → CLASP value
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Write the CLASP value (type byte + data, canonical widths) of an MQTT payload.
     *
     * @return bytes written, or {@link #DOES_NOT_FIT} when even the bytes form exceeds {@code dstLimit - dstOffset}
     * or 65 535 bytes.
     */
    int toClasp(
        final DirectBuffer payload,
        final int offset,
        final int length,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int dstLimit)
    {
        if (length == 0)
        {
            if (dstLimit - dstOffset < 1)
            {
                return DOES_NOT_FIT;
            }
            dst.putByte(dstOffset, (byte)ValueType.NULL);
            return 1;
        }
        if (looksLikeJson(payload.getByte(offset)))
        {
            in = payload;
            pos = offset;
            end = offset + length;
            out = dst;
            outPos = dstOffset;
            outLimit = dstLimit;
            try
            {
                skipWhitespace();
                if (parseValue(0))
                {
                    skipWhitespace();
                    if (pos == end)
                    {
                        return outPos - dstOffset;
                    }
                }
            }
            finally
            {
                in = null;
                out = null;
            }
        }
        if (length > MAX_COUNT || dstLimit - dstOffset < 3 + length)
        {
            return DOES_NOT_FIT;
        }
        dst.putByte(dstOffset, (byte)ValueType.BYTES);
        dst.putShort(dstOffset + 1, (short)length, BIG_ENDIAN);
        dst.putBytes(dstOffset + 3, payload, offset, length);
        return 3 + length;
    }

    private static boolean looksLikeJson(final byte first)
    {
        switch (first)
        {
            case '{': case '[': case '"': case 't': case 'f': case 'n': case '-':
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
            case ' ': case '\t': case '\n': case '\r':
                return true;
            default:
                return false;
        }
    }

    private void skipWhitespace()
    {
        while (pos < end)
        {
            final byte c = in.getByte(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }
            pos++;
        }
    }

    private boolean room(final int n)
    {
        return outLimit - outPos >= n;
    }

    private boolean parseValue(final int depth)
    {
        if (pos >= end)
        {
            return false;
        }
        final byte c = in.getByte(pos);
        switch (c)
        {
            case '{':
                return parseObject(depth);
            case '[':
                return parseArray(depth);
            case '"':
                if (!room(1))
                {
                    return false;
                }
                out.putByte(outPos++, (byte)ValueType.STRING);
                return parseString();
            case 't':
                return literal(TRUE) && putBool(true);
            case 'f':
                return literal(FALSE) && putBool(false);
            case 'n':
                if (literal(NULL) && room(1))
                {
                    out.putByte(outPos++, (byte)ValueType.NULL);
                    return true;
                }
                return false;
            default:
                return parseNumber();
        }
    }

    private boolean literal(final byte[] word)
    {
        if (end - pos < word.length)
        {
            return false;
        }
        for (int i = 0; i < word.length; i++)
        {
            if (in.getByte(pos + i) != word[i])
            {
                return false;
            }
        }
        pos += word.length;
        return true;
    }

    private boolean putBool(final boolean value)
    {
        if (!room(2))
        {
            return false;
        }
        out.putByte(outPos++, (byte)ValueType.BOOL);
        out.putByte(outPos++, (byte)(value ? 1 : 0));
        return true;
    }

    private boolean parseObject(final int depth)
    {
        if (depth >= MAX_DEPTH || !room(3))
        {
            return false;
        }
        out.putByte(outPos, (byte)ValueType.MAP);
        final int countAt = outPos + 1;
        outPos += 3;
        pos++; // '{'
        int count = 0;
        skipWhitespace();
        if (pos < end && in.getByte(pos) == '}')
        {
            pos++;
            out.putShort(countAt, (short)0, BIG_ENDIAN);
            return true;
        }
        while (true)
        {
            skipWhitespace();
            if (pos >= end || in.getByte(pos) != '"' || !parseString())
            {
                return false;
            }
            skipWhitespace();
            if (pos >= end || in.getByte(pos) != ':')
            {
                return false;
            }
            pos++;
            skipWhitespace();
            if (!parseValue(depth + 1) || ++count > MAX_COUNT)
            {
                return false;
            }
            skipWhitespace();
            if (pos >= end)
            {
                return false;
            }
            final byte c = in.getByte(pos++);
            if (c == '}')
            {
                out.putShort(countAt, (short)count, BIG_ENDIAN);
                return true;
            }
            if (c != ',')
            {
                return false;
            }
        }
    }

    private boolean parseArray(final int depth)
    {
        if (depth >= MAX_DEPTH || !room(3))
        {
            return false;
        }
        out.putByte(outPos, (byte)ValueType.ARRAY);
        final int countAt = outPos + 1;
        outPos += 3;
        pos++; // '['
        int count = 0;
        skipWhitespace();
        if (pos < end && in.getByte(pos) == ']')
        {
            pos++;
            out.putShort(countAt, (short)0, BIG_ENDIAN);
            return true;
        }
        while (true)
        {
            skipWhitespace();
            if (!parseValue(depth + 1) || ++count > MAX_COUNT)
            {
                return false;
            }
            skipWhitespace();
            if (pos >= end)
            {
                return false;
            }
            final byte c = in.getByte(pos++);
            if (c == ']')
            {
                out.putShort(countAt, (short)count, BIG_ENDIAN);
                return true;
            }
            if (c != ',')
            {
                return false;
            }
        }
    }

    /**
     * A JSON string at {@code pos} (the opening quote) written as a CLASP str (u16 length + UTF-8), unescaped.
     */
    private boolean parseString()
    {
        if (!room(2))
        {
            return false;
        }
        final int lengthAt = outPos;
        outPos += 2;
        pos++; // opening quote
        while (pos < end)
        {
            final int c = in.getByte(pos) & 0xFF;
            if (c == '"')
            {
                pos++;
                final int n = outPos - lengthAt - 2;
                if (n > MAX_COUNT)
                {
                    return false;
                }
                out.putShort(lengthAt, (short)n, BIG_ENDIAN);
                return true;
            }
            if (c < 0x20)
            {
                return false;
            }
            if (c == '\\')
            {
                if (!parseEscape())
                {
                    return false;
                }
                continue;
            }
            if (c < 0x80)
            {
                if (!room(1))
                {
                    return false;
                }
                out.putByte(outPos++, (byte)c);
                pos++;
                continue;
            }
            final int n = utf8SequenceLength(c);
            if (n == 0 || pos + n > end || !validContinuation(c, n) || !room(n))
            {
                return false;
            }
            out.putBytes(outPos, in, pos, n);
            outPos += n;
            pos += n;
        }
        return false;
    }

    private static int utf8SequenceLength(final int lead)
    {
        if (lead >= 0xC2 && lead <= 0xDF)
        {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF)
        {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4)
        {
            return 4;
        }
        return 0;
    }

    private boolean validContinuation(final int lead, final int n)
    {
        final int second = in.getByte(pos + 1) & 0xFF;
        // Reject overlong forms, surrogates and code points past U+10FFFF (RFC 3629 table).
        if (lead == 0xE0 && second < 0xA0 || lead == 0xED && second > 0x9F ||
            lead == 0xF0 && second < 0x90 || lead == 0xF4 && second > 0x8F)
        {
            return false;
        }
        for (int i = 1; i < n; i++)
        {
            if ((in.getByte(pos + i) & 0xC0) != 0x80)
            {
                return false;
            }
        }
        return true;
    }

    private boolean parseEscape()
    {
        if (pos + 1 >= end)
        {
            return false;
        }
        final byte e = in.getByte(pos + 1);
        pos += 2;
        final int simple;
        switch (e)
        {
            case '"': simple = '"'; break;
            case '\\': simple = '\\'; break;
            case '/': simple = '/'; break;
            case 'b': simple = '\b'; break;
            case 'f': simple = '\f'; break;
            case 'n': simple = '\n'; break;
            case 'r': simple = '\r'; break;
            case 't': simple = '\t'; break;
            case 'u': return parseUnicodeEscape();
            default: return false;
        }
        if (!room(1))
        {
            return false;
        }
        out.putByte(outPos++, (byte)simple);
        return true;
    }

    private boolean parseUnicodeEscape()
    {
        int cp = hex4();
        if (cp < 0)
        {
            return false;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF)
        {
            // A high surrogate must be followed by an escaped low surrogate.
            if (end - pos < 6 || in.getByte(pos) != '\\' || in.getByte(pos + 1) != 'u')
            {
                return false;
            }
            pos += 2;
            final int low = hex4();
            if (low < 0xDC00 || low > 0xDFFF)
            {
                return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        else if (cp >= 0xDC00 && cp <= 0xDFFF)
        {
            return false;
        }
        if (!room(4))
        {
            return false;
        }
        if (cp < 0x80)
        {
            out.putByte(outPos++, (byte)cp);
        }
        else if (cp < 0x800)
        {
            out.putByte(outPos++, (byte)(0xC0 | cp >> 6));
            out.putByte(outPos++, (byte)(0x80 | cp & 0x3F));
        }
        else if (cp < 0x10000)
        {
            out.putByte(outPos++, (byte)(0xE0 | cp >> 12));
            out.putByte(outPos++, (byte)(0x80 | cp >> 6 & 0x3F));
            out.putByte(outPos++, (byte)(0x80 | cp & 0x3F));
        }
        else
        {
            out.putByte(outPos++, (byte)(0xF0 | cp >> 18));
            out.putByte(outPos++, (byte)(0x80 | cp >> 12 & 0x3F));
            out.putByte(outPos++, (byte)(0x80 | cp >> 6 & 0x3F));
            out.putByte(outPos++, (byte)(0x80 | cp & 0x3F));
        }
        return true;
    }

    private int hex4()
    {
        if (end - pos < 4)
        {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < 4; i++)
        {
            final int c = in.getByte(pos + i);
            final int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
            {
                return -1;
            }
            v = v << 4 | d;
        }
        pos += 4;
        return v;
    }

    /**
     * RFC 8259 number: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. Integers that fit 64 bits are
     * Int; everything else Float, parsed exactly (Clinger's fast path when the digits fit a double, else the JDK).
     */
    private boolean parseNumber()
    {
        final int start = pos;
        boolean negative = false;
        if (pos < end && in.getByte(pos) == '-')
        {
            negative = true;
            pos++;
        }
        if (pos >= end)
        {
            return false;
        }
        long mantissa = 0;
        int significant = 0;
        int dropped = 0; // integer digits beyond what the mantissa holds
        boolean overflow = false;
        final byte first = in.getByte(pos);
        if (first == '0')
        {
            pos++;
        }
        else if (first >= '1' && first <= '9')
        {
            while (pos < end)
            {
                final int d = in.getByte(pos) - '0';
                if (d < 0 || d > 9)
                {
                    break;
                }
                if (significant < 18)
                {
                    mantissa = mantissa * 10 + d;
                    significant++;
                }
                else
                {
                    overflow = true;
                    dropped++;
                }
                pos++;
            }
        }
        else
        {
            return false;
        }
        boolean isFloat = false;
        int fractionDigits = 0;
        if (pos < end && in.getByte(pos) == '.')
        {
            isFloat = true;
            pos++;
            final int digitsStart = pos;
            while (pos < end)
            {
                final int d = in.getByte(pos) - '0';
                if (d < 0 || d > 9)
                {
                    break;
                }
                if (significant < 18)
                {
                    mantissa = mantissa * 10 + d;
                    significant += mantissa == 0 ? 0 : 1;
                    fractionDigits++;
                }
                else
                {
                    overflow = true;
                }
                pos++;
            }
            if (pos == digitsStart)
            {
                return false;
            }
        }
        int exponent = 0;
        if (pos < end && (in.getByte(pos) == 'e' || in.getByte(pos) == 'E'))
        {
            isFloat = true;
            pos++;
            boolean negativeExponent = false;
            if (pos < end && (in.getByte(pos) == '+' || in.getByte(pos) == '-'))
            {
                negativeExponent = in.getByte(pos) == '-';
                pos++;
            }
            final int digitsStart = pos;
            while (pos < end)
            {
                final int d = in.getByte(pos) - '0';
                if (d < 0 || d > 9)
                {
                    break;
                }
                if (exponent < 100_000)
                {
                    exponent = exponent * 10 + d;
                }
                pos++;
            }
            if (pos == digitsStart)
            {
                return false;
            }
            if (negativeExponent)
            {
                exponent = -exponent;
            }
        }
        if (!room(9))
        {
            return false;
        }
        if (!isFloat && !overflow)
        {
            out.putByte(outPos++, (byte)ValueType.I64);
            out.putLong(outPos, negative ? -mantissa : mantissa, BIG_ENDIAN);
            outPos += 8;
            return true;
        }
        if (!isFloat && significant + dropped <= 19)
        {
            // 19-digit integers: parse exactly and keep them Int when they fit.
            try
            {
                final long v = Long.parseLong(text(start, pos));
                out.putByte(outPos++, (byte)ValueType.I64);
                out.putLong(outPos, v, BIG_ENDIAN);
                outPos += 8;
                return true;
            }
            catch (final NumberFormatException tooBig)
            {
                // falls through to Float, as JavaScript's JSON.parse does
            }
        }
        final int scale = exponent - fractionDigits + dropped;
        double value;
        if (!overflow && mantissa < (1L << 53) && scale >= -22 && scale <= 22)
        {
            value = scale < 0 ? mantissa / POWERS_OF_TEN[-scale] : mantissa * POWERS_OF_TEN[scale];
            if (negative)
            {
                value = -value;
            }
        }
        else
        {
            value = Double.parseDouble(text(start, pos));
        }
        out.putByte(outPos++, (byte)ValueType.F64);
        out.putDouble(outPos, value, BIG_ENDIAN);
        outPos += 8;
        return true;
    }

    private String text(final int from, final int to)
    {
        final byte[] bytes = new byte[to - from];
        in.getBytes(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------------------------
    // CLASP value → MQTT payload
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Render a value as an MQTT payload into an internal buffer; read it with {@link #payload()} and
     * {@link #payloadLength()} (valid until the next call). Top-level bytes are not copied: use
     * {@link #isRaw(ValueView)} first and send them as they are.
     */
    void toMqtt(final ValueView value)
    {
        jsonPos = 0;
        if (value.isNull())
        {
            return;
        }
        writeJson(value.buffer(), value.rawType(), value.dataOffset());
    }

    /**
     * @return whether the value is sent as raw bytes (top-level bytes), without rendering.
     */
    static boolean isRaw(final ValueView value)
    {
        return value.rawType() == ValueType.BYTES;
    }

    DirectBuffer payload()
    {
        return json;
    }

    int payloadLength()
    {
        return jsonPos;
    }

    /**
     * @return the position after the value's data.
     */
    private int writeJson(final DirectBuffer b, final int type, final int data)
    {
        switch (type)
        {
            case ValueType.NULL:
                put(NULL);
                return data;
            case ValueType.BOOL:
                put(b.getByte(data) != 0 ? TRUE : FALSE);
                return data + 1;
            case ValueType.I8:
                putLong(b.getByte(data));
                return data + 1;
            case ValueType.I16:
                putLong(b.getShort(data, BIG_ENDIAN));
                return data + 2;
            case ValueType.I32:
                putLong(b.getInt(data, BIG_ENDIAN));
                return data + 4;
            case ValueType.I64:
                putLong(b.getLong(data, BIG_ENDIAN));
                return data + 8;
            case ValueType.F32:
                putDouble(b.getFloat(data, BIG_ENDIAN));
                return data + 4;
            case ValueType.F64:
                putDouble(b.getDouble(data, BIG_ENDIAN));
                return data + 8;
            case ValueType.STRING:
            {
                final int n = b.getShort(data, BIG_ENDIAN) & 0xFFFF;
                putEscaped(b, data + 2, n);
                return data + 2 + n;
            }
            case ValueType.BYTES:
            {
                final int n = b.getShort(data, BIG_ENDIAN) & 0xFFFF;
                final byte[] raw = new byte[n];
                b.getBytes(data + 2, raw);
                putByte('"');
                put(Base64.getEncoder().encode(raw));
                putByte('"');
                return data + 2 + n;
            }
            case ValueType.ARRAY:
            {
                final int count = b.getShort(data, BIG_ENDIAN) & 0xFFFF;
                int p = data + 2;
                putByte('[');
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        putByte(',');
                    }
                    p = writeJson(b, b.getByte(p) & 0xFF, p + 1);
                }
                putByte(']');
                return p;
            }
            case ValueType.MAP:
            {
                final int count = b.getShort(data, BIG_ENDIAN) & 0xFFFF;
                int p = data + 2;
                putByte('{');
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        putByte(',');
                    }
                    final int keyLength = b.getShort(p, BIG_ENDIAN) & 0xFFFF;
                    putEscaped(b, p + 2, keyLength);
                    putByte(':');
                    p += 2 + keyLength;
                    p = writeJson(b, b.getByte(p) & 0xFF, p + 1);
                }
                putByte('}');
                return p;
            }
            default:
                throw new IllegalArgumentException("not a validated value type: " + type);
        }
    }

    private void putByte(final int c)
    {
        json.putByte(jsonPos++, (byte)c);
    }

    private void put(final byte[] bytes)
    {
        json.putBytes(jsonPos, bytes);
        jsonPos += bytes.length;
    }

    private void putLong(final long v)
    {
        if (v == Long.MIN_VALUE)
        {
            put(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        jsonPos += json.putLongAscii(jsonPos, v);
    }

    private void putDouble(final double d)
    {
        if (Double.isNaN(d) || Double.isInfinite(d))
        {
            put(NULL);
            return;
        }
        final long whole = (long)d;
        if (whole == d && Math.abs(d) < 1e15 && !(d == 0 && 1 / d < 0))
        {
            // Integral floats without the JDK's formatting (and its garbage): 42.0 stays a float on the way back.
            putLong(whole);
            putByte('.');
            putByte('0');
            return;
        }
        put(Double.toString(d).getBytes(StandardCharsets.US_ASCII));
    }

    private void putEscaped(final DirectBuffer b, final int offset, final int length)
    {
        putByte('"');
        for (int i = 0; i < length; i++)
        {
            final int c = b.getByte(offset + i) & 0xFF;
            if (c == '"' || c == '\\')
            {
                putByte('\\');
                putByte(c);
            }
            else if (c < 0x20)
            {
                putByte('\\');
                putByte('u');
                putByte('0');
                putByte('0');
                putByte(HEX[c >> 4]);
                putByte(HEX[c & 0xF]);
            }
            else
            {
                putByte(c);
            }
        }
        putByte('"');
    }
}
