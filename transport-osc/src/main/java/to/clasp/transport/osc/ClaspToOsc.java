package to.clasp.transport.osc;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.protocol.Frame;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;

/**
 * CLASP updates → OSC 1.0 messages, written in place. The OSC address is the CLASP address without the OSC namespace
 * ({@code /osc/mixer/1} → {@code /mixer/1}; addresses outside the namespace keep their full path). Values: Int →
 * {@code i} (or {@code h} beyond 32 bits); Float → {@code f} (float32: what every OSC receiver reads); Bool →
 * {@code T}/{@code F}; String → {@code s}; bytes → {@code b}; null → no argument at top level, {@code N} inside an
 * array; an array → one argument per element ({@code [ ]} around nested arrays); a map → key, value, key, value.
 * Not thread-safe.
 */
public final class ClaspToOsc
{
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    /** Bundle header: "#bundle\0" and the time tag. */
    public static final int BUNDLE_HEADER_LENGTH = 16;
    private static final byte[] BUNDLE = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0};

    private final byte[] prefix;
    private final UnsafeBuffer tags = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer args = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH * 2]);
    private int tagPos;
    private int argPos;

    public ClaspToOsc(final String namespace)
    {
        prefix = (namespace.isEmpty() ? "" : namespace + "/").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Write one OSC message for an update of {@code address} to {@code value} (null value view = no argument).
     *
     * @return the message length (a multiple of 4), or -1 when it does not fit {@code dst} from {@code offset}.
     */
    public int message(final DirectBuffer address, final int addressOffset, final int addressLength,
        final ValueView value, final MutableDirectBuffer dst, final int offset)
    {
        tagPos = 0;
        argPos = 0;
        tags.putByte(tagPos++, (byte)',');
        if (value != null && !value.isNull())
        {
            if (value.rawType() == ValueType.ARRAY)
            {
                writeElements(value.buffer(), value.dataOffset(), false);
            }
            else if (value.rawType() == ValueType.MAP)
            {
                writeElements(value.buffer(), value.dataOffset(), true);
            }
            else
            {
                writeValue(value.buffer(), value.rawType(), value.dataOffset(), false);
            }
        }
        int start = addressOffset;
        int length = addressLength;
        if (prefix.length > 0 && addressLength > prefix.length && startsWithPrefix(address, addressOffset))
        {
            start += prefix.length - 1; // keep the '/'
            length -= prefix.length - 1;
        }
        final int addressPadded = padded(length + 1);
        final int tagsPadded = padded(tagPos + 1);
        final int total = addressPadded + tagsPadded + argPos;
        if (dst.capacity() - offset < total)
        {
            return -1;
        }
        dst.putBytes(offset, address, start, length);
        dst.setMemory(offset + length, addressPadded - length, (byte)0);
        dst.putBytes(offset + addressPadded, tags, 0, tagPos);
        dst.setMemory(offset + addressPadded + tagPos, tagsPadded - tagPos, (byte)0);
        dst.putBytes(offset + addressPadded + tagsPadded, args, 0, argPos);
        return total;
    }

    /** Write a bundle header with this NTP time tag; elements follow as (int32 size, message). */
    public static int bundleHeader(final MutableDirectBuffer dst, final int offset, final long timetag)
    {
        dst.putBytes(offset, BUNDLE);
        dst.putLong(offset + 8, timetag, BE);
        return BUNDLE_HEADER_LENGTH;
    }

    private boolean startsWithPrefix(final DirectBuffer address, final int offset)
    {
        for (int i = 0; i < prefix.length; i++)
        {
            if (address.getByte(offset + i) != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int padded(final int n)
    {
        return n + 3 & ~3;
    }

    /** Elements of an array (or key/value pairs of a map) as arguments; @return the position after the data. */
    private int writeElements(final DirectBuffer b, final int data, final boolean map)
    {
        final int count = b.getShort(data, BE) & 0xFFFF;
        int p = data + 2;
        for (int i = 0; i < count; i++)
        {
            if (map)
            {
                final int keyLength = b.getShort(p, BE) & 0xFFFF;
                tags.putByte(tagPos++, (byte)'s');
                putPaddedString(b, p + 2, keyLength);
                p += 2 + keyLength;
            }
            p = writeValue(b, b.getByte(p) & 0xFF, p + 1, true);
        }
        return p;
    }

    /** @return the position after the value's data. */
    private int writeValue(final DirectBuffer b, final int type, final int data, final boolean nested)
    {
        switch (type)
        {
            case ValueType.NULL:
                if (nested)
                {
                    tags.putByte(tagPos++, (byte)'N');
                }
                return data;
            case ValueType.BOOL:
                tags.putByte(tagPos++, (byte)(b.getByte(data) != 0 ? 'T' : 'F'));
                return data + 1;
            case ValueType.I8:
                putInt(b.getByte(data));
                return data + 1;
            case ValueType.I16:
                putInt(b.getShort(data, BE));
                return data + 2;
            case ValueType.I32:
                putInt(b.getInt(data, BE));
                return data + 4;
            case ValueType.I64:
            {
                final long v = b.getLong(data, BE);
                if (v == (int)v)
                {
                    putInt((int)v);
                }
                else
                {
                    tags.putByte(tagPos++, (byte)'h');
                    args.putLong(argPos, v, BE);
                    argPos += 8;
                }
                return data + 8;
            }
            case ValueType.F32:
                putFloat(b.getFloat(data, BE));
                return data + 4;
            case ValueType.F64:
                putFloat((float)b.getDouble(data, BE));
                return data + 8;
            case ValueType.STRING:
            {
                final int n = b.getShort(data, BE) & 0xFFFF;
                tags.putByte(tagPos++, (byte)'s');
                putPaddedString(b, data + 2, n);
                return data + 2 + n;
            }
            case ValueType.BYTES:
            {
                final int n = b.getShort(data, BE) & 0xFFFF;
                tags.putByte(tagPos++, (byte)'b');
                args.putInt(argPos, n, BE);
                args.putBytes(argPos + 4, b, data + 2, n);
                final int padded = padded(n);
                args.setMemory(argPos + 4 + n, padded - n, (byte)0);
                argPos += 4 + padded;
                return data + 2 + n;
            }
            case ValueType.ARRAY:
            case ValueType.MAP:
            {
                tags.putByte(tagPos++, (byte)'[');
                final int end = writeElements(b, data, type == ValueType.MAP);
                tags.putByte(tagPos++, (byte)']');
                return end;
            }
            default:
                throw new IllegalArgumentException("not a validated value type: " + type);
        }
    }

    private void putInt(final int v)
    {
        tags.putByte(tagPos++, (byte)'i');
        args.putInt(argPos, v, BE);
        argPos += 4;
    }

    private void putFloat(final float v)
    {
        tags.putByte(tagPos++, (byte)'f');
        args.putFloat(argPos, v, BE);
        argPos += 4;
    }

    private void putPaddedString(final DirectBuffer b, final int offset, final int n)
    {
        args.putBytes(argPos, b, offset, n);
        final int padded = padded(n + 1);
        args.setMemory(argPos + n, padded - n, (byte)0);
        argPos += padded;
    }
}
