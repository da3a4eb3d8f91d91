package to.clasp.transport.osc;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressRules;
import to.clasp.protocol.BundleEncoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueType;

/**
 * OSC 1.0 datagrams → CLASP frames, read in place (a flyweight: no object per message, no copy of the datagram). A
 * message {@code /x/y ,if 1 2.5} becomes a SET of {@code /osc/x/y} (namespace + address) whose value is the single
 * argument, or an array of all of them (null for none). A bundle becomes one CLASP BUNDLE of its messages, scheduled
 * at the bundle's time tag when that lies in the future (the core's scheduled bundles); each nested bundle becomes a
 * BUNDLE of its own, after its parent's.
 * <p>
 * Types: {@code i h} → Int; {@code f d} → Float; {@code s S} → String (UTF-8 checked); {@code b} → bytes;
 * {@code T F} → Bool; {@code N} → null; {@code I} → +Infinity; {@code t} → Int (µs since the Unix epoch);
 * {@code c} → a one-character String; {@code r} → Int (RGBA); {@code m} → 4 bytes; {@code [ ]} → a nested array.
 * Anything else, a truncated field, missing padding or an address that is not a valid CLASP address makes the whole
 * datagram malformed: nothing of it is sent. Not thread-safe.
 */
public final class OscToClasp
{
    /** The datagram was translated; frames went to the sink. */
    public static final int OK = 0;
    /** Not OSC, or broken. */
    public static final int MALFORMED = 1;
    /** Valid OSC whose CLASP form exceeds one frame (65 535-byte payload). */
    public static final int TOO_LARGE = 2;

    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    public static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    /** The OSC time tag that means "immediately". */
    public static final long IMMEDIATELY = 1L;

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final byte[] BUNDLE = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0};
    private static final int MAX_DEPTH = ValueType.MAX_DEPTH;
    private static final int MAX_NESTED_BUNDLES = 16;

    /** Receives each CLASP frame (valid until the call returns). */
    @FunctionalInterface
    public interface FrameSink
    {
        void onFrame(DirectBuffer frame, int offset, int length);
    }

    private final byte[] prefix;
    private final UnsafeBuffer address = new UnsafeBuffer(new byte[AddressRules.MAX_ADDRESS_LENGTH + 1]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer set = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer bundle = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final BundleEncoder bundleEncoder = new BundleEncoder();
    private DirectBuffer in;
    private int valuePos;
    private int result;
    private int messages;
    private int bundles;

    /**
     * @param namespace CLASP prefix of OSC addresses, e.g. {@code /osc}; "" for none.
     */
    public OscToClasp(final String namespace)
    {
        if (!namespace.isEmpty() && (!AddressRules.isValidAddress(namespace) || namespace.endsWith("/")))
        {
            throw new IllegalArgumentException("namespace must be empty or a valid CLASP address: '" + namespace + "'");
        }
        prefix = namespace.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @return messages in the last translated datagram. */
    public int messages()
    {
        return messages;
    }

    /** @return bundles (nested ones included) in the last translated datagram. */
    public int bundles()
    {
        return bundles;
    }

    /**
     * Translate one datagram.
     *
     * @param nowMicros the router's wall clock (µs since the Unix epoch): bundles timed at or before it run at once.
     * @return {@link #OK}, {@link #MALFORMED} or {@link #TOO_LARGE}; on failure the sink got nothing.
     */
    public int translate(final DirectBuffer datagram, final int offset, final int length, final long nowMicros,
        final FrameSink sink)
    {
        in = datagram;
        messages = 0;
        bundles = 0;
        try
        {
            if (length < 4 || (length & 3) != 0)
            {
                return MALFORMED;
            }
            if (datagram.getByte(offset) == '/')
            {
                final int n = encodeSet(offset, offset + length, set, 0);
                if (n < 0)
                {
                    return -n;
                }
                messages = 1;
                sink.onFrame(set, 0, n);
                return OK;
            }
            if (!isBundle(offset, offset + length))
            {
                return MALFORMED;
            }
            // Validate everything first so a broken nested element sends nothing at all.
            result = OK;
            walkBundle(offset, offset + length, nowMicros, null, 0);
            if (result != OK)
            {
                return result;
            }
            walkBundle(offset, offset + length, nowMicros, sink, 0);
            return result;
        }
        finally
        {
            in = null;
        }
    }

    private boolean isBundle(final int pos, final int end)
    {
        if (end - pos < 16)
        {
            return false;
        }
        for (int i = 0; i < BUNDLE.length; i++)
        {
            if (in.getByte(pos + i) != BUNDLE[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * One bundle: its messages into one CLASP BUNDLE (sent if {@code sink} is set), then its nested bundles.
     */
    private void walkBundle(final int start, final int end, final long nowMicros, final FrameSink sink, final int depth)
    {
        if (depth > MAX_NESTED_BUNDLES)
        {
            result = MALFORMED;
            return;
        }
        final long timetag = in.getLong(start + 8, BE);
        final long micros = timetagToMicros(timetag);
        final boolean scheduled = timetag != IMMEDIATELY && micros > nowMicros;
        bundleEncoder.begin(bundle, 0, Qos.FIRE, scheduled, scheduled ? micros : 0);
        int pos = start + 16;
        while (pos < end)
        {
            if (end - pos < 4)
            {
                result = MALFORMED;
                return;
            }
            final int size = in.getInt(pos, BE);
            pos += 4;
            if (size <= 0 || (size & 3) != 0 || size > end - pos)
            {
                result = MALFORMED;
                return;
            }
            if (in.getByte(pos) == '/')
            {
                final int n = encodeSet(pos, pos + size, set, 0);
                if (n < 0)
                {
                    result = -n;
                    return;
                }
                if (!bundleEncoder.addFrame(set, 0, n))
                {
                    result = TOO_LARGE;
                    return;
                }
                if (sink != null)
                {
                    messages++;
                }
            }
            else if (!isBundle(pos, pos + size))
            {
                result = MALFORMED;
                return;
            }
            pos += size;
        }
        if (sink != null)
        {
            bundles++;
            if (bundleEncoder.count() > 0)
            {
                final int n = bundleEncoder.finish();
                sink.onFrame(bundle, 0, n);
            }
        }
        // Nested bundles, each scheduled at its own time tag.
        pos = start + 16;
        while (pos < end && result == OK)
        {
            final int size = in.getInt(pos, BE);
            pos += 4;
            if (in.getByte(pos) == '#')
            {
                walkBundle(pos, pos + size, nowMicros, sink, depth + 1);
            }
            pos += size;
        }
    }

    /**
     * @return µs since the Unix epoch of an NTP time tag (seconds since 1900 . 32-bit fraction). As RFC 4330 says, a
     * tag whose seconds have the top bit clear lies after 2036-02-07, when the 32-bit seconds wrapped.
     */
    public static long timetagToMicros(final long timetag)
    {
        long seconds = timetag >>> 32;
        if (seconds < 0x8000_0000L)
        {
            seconds += 1L << 32;
        }
        final long fraction = timetag & 0xFFFF_FFFFL;
        return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1_000_000L + (fraction * 1_000_000L >>> 32);
    }

    /** @return the NTP time tag of µs since the Unix epoch (the seconds wrap after 2036, as the format does). */
    public static long microsToTimetag(final long micros)
    {
        final long seconds = Math.floorDiv(micros, 1_000_000L);
        final long rest = Math.floorMod(micros, 1_000_000L);
        return ((seconds + NTP_UNIX_OFFSET_SECONDS) & 0xFFFF_FFFFL) << 32 | ((rest << 32) + 999_999L) / 1_000_000L;
    }

    /**
     * One OSC message [start, end) → a SET frame at {@code dst[offset]}.
     *
     * @return the frame length, or -{@link #MALFORMED} / -{@link #TOO_LARGE}.
     */
    private int encodeSet(final int start, final int end, final MutableDirectBuffer dst, final int offset)
    {
        final int addressEnd = stringEnd(start, end);
        if (addressEnd < 0)
        {
            return -MALFORMED;
        }
        final int addressLength = stringLength(start, addressEnd);
        final int total = prefix.length + addressLength;
        if (total > AddressRules.MAX_ADDRESS_LENGTH)
        {
            return -MALFORMED;
        }
        address.putBytes(0, prefix);
        address.putBytes(prefix.length, in, start, addressLength);
        if (AddressRules.VALID != AddressRules.validateAddress(address, 0, total) ||
            !to.clasp.protocol.Utf8.isValid(address, 0, total))
        {
            return -MALFORMED;
        }
        valuePos = 0;
        int pos = addressEnd;
        if (pos == end)
        {
            value.putByte(valuePos++, (byte)ValueType.NULL); // no type tag string: no arguments (old senders)
        }
        else
        {
            if (in.getByte(pos) != ',')
            {
                return -MALFORMED;
            }
            final int tagsEnd = stringEnd(pos, end);
            if (tagsEnd < 0)
            {
                return -MALFORMED;
            }
            final int tags = pos + 1;
            final int tagCount = stringLength(tags, tagsEnd);
            final int argsEnd = writeArguments(tags, tags + tagCount, tagsEnd, end);
            if (argsEnd < 0)
            {
                return argsEnd;
            }
            if (argsEnd != end)
            {
                return -MALFORMED; // bytes after the last argument
            }
        }
        final int n = SetEncoder.encode(dst, offset, Qos.FIRE, address, 0, total, value, 0, valuePos, 0, 0, 0);
        return n < 0 ? -TOO_LARGE : n;
    }

    /**
     * Write the message's value: null (no arguments), the single argument, or an array.
     *
     * @return the position after the last argument, or a negated status.
     */
    private int writeArguments(final int tagStart, final int tagEnd, final int argStart, final int end)
    {
        final int topLevel = countTopLevel(tagStart, tagEnd);
        if (topLevel < 0)
        {
            return -MALFORMED;
        }
        if (topLevel == 0)
        {
            value.putByte(valuePos++, (byte)ValueType.NULL);
            return argStart;
        }
        if (topLevel > 1)
        {
            if (!room(3))
            {
                return -TOO_LARGE;
            }
            value.putByte(valuePos, (byte)ValueType.ARRAY);
            value.putShort(valuePos + 1, (short)topLevel, BE);
            valuePos += 3;
        }
        tagCursor = tagStart;
        return writeSequence(tagEnd, argStart, end, 0);
    }

    private int tagCursor;

    /** Arguments from {@link #tagCursor} until {@code ]} or the end of the tags. */
    private int writeSequence(final int tagEnd, final int argStart, final int end, final int depth)
    {
        int pos = argStart;
        while (tagCursor < tagEnd)
        {
            final byte tag = in.getByte(tagCursor++);
            if (tag == ']')
            {
                return depth > 0 ? pos : -MALFORMED;
            }
            if (tag == '[')
            {
                if (depth + 1 >= MAX_DEPTH || !room(3))
                {
                    return -MALFORMED;
                }
                final int countAt = valuePos + 1;
                value.putByte(valuePos, (byte)ValueType.ARRAY);
                valuePos += 3;
                final int elementsFrom = tagCursor;
                pos = writeSequence(tagEnd, pos, end, depth + 1);
                if (pos < 0)
                {
                    return pos;
                }
                value.putShort(countAt, (short)countTopLevel(elementsFrom, tagCursor - 1), BE);
                continue;
            }
            pos = writeArgument(tag, pos, end);
            if (pos < 0)
            {
                return pos;
            }
        }
        return depth == 0 ? pos : -MALFORMED;
    }

    /** @return arguments at the top level of [from, to) (an array counts once), or -1 for unbalanced brackets. */
    private int countTopLevel(final int from, final int to)
    {
        int depth = 0;
        int count = 0;
        for (int i = from; i < to; i++)
        {
            final byte t = in.getByte(i);
            if (t == '[')
            {
                if (depth == 0)
                {
                    count++;
                }
                depth++;
            }
            else if (t == ']')
            {
                if (--depth < 0)
                {
                    return -1;
                }
            }
            else if (depth == 0)
            {
                count++;
            }
        }
        return depth == 0 && count <= 0xFFFF ? count : -1;
    }

    private boolean room(final int n)
    {
        return value.capacity() - valuePos >= n;
    }

    private int writeArgument(final byte tag, final int pos, final int end)
    {
        if (!room(9))
        {
            return -TOO_LARGE;
        }
        switch (tag)
        {
            case 'i':
            case 'r':
                if (end - pos < 4)
                {
                    return -MALFORMED;
                }
                putLong(tag == 'r' ? in.getInt(pos, BE) & 0xFFFF_FFFFL : in.getInt(pos, BE));
                return pos + 4;
            case 'h':
                if (end - pos < 8)
                {
                    return -MALFORMED;
                }
                putLong(in.getLong(pos, BE));
                return pos + 8;
            case 't':
                if (end - pos < 8)
                {
                    return -MALFORMED;
                }
                putLong(timetagToMicros(in.getLong(pos, BE)));
                return pos + 8;
            case 'f':
                if (end - pos < 4)
                {
                    return -MALFORMED;
                }
                putDouble(in.getFloat(pos, BE));
                return pos + 4;
            case 'd':
                if (end - pos < 8)
                {
                    return -MALFORMED;
                }
                putDouble(in.getDouble(pos, BE));
                return pos + 8;
            case 'T':
            case 'F':
                value.putByte(valuePos++, (byte)ValueType.BOOL);
                value.putByte(valuePos++, (byte)(tag == 'T' ? 1 : 0));
                return pos;
            case 'N':
                value.putByte(valuePos++, (byte)ValueType.NULL);
                return pos;
            case 'I':
                putDouble(Double.POSITIVE_INFINITY);
                return pos;
            case 's':
            case 'S':
            {
                final int stringEnd = stringEnd(pos, end);
                if (stringEnd < 0)
                {
                    return -MALFORMED;
                }
                final int n = stringLength(pos, stringEnd);
                if (!to.clasp.protocol.Utf8.isValid(in, pos, n))
                {
                    return -MALFORMED;
                }
                return putString(ValueType.STRING, pos, n) ? stringEnd : -TOO_LARGE;
            }
            case 'c':
            {
                if (end - pos < 4)
                {
                    return -MALFORMED;
                }
                final int cp = in.getInt(pos, BE);
                if (!Character.isValidCodePoint(cp) || cp >= 0xD800 && cp <= 0xDFFF)
                {
                    return -MALFORMED;
                }
                final byte[] utf8 = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                value.putByte(valuePos, (byte)ValueType.STRING);
                value.putShort(valuePos + 1, (short)utf8.length, BE);
                value.putBytes(valuePos + 3, utf8);
                valuePos += 3 + utf8.length;
                return pos + 4;
            }
            case 'b':
            {
                if (end - pos < 4)
                {
                    return -MALFORMED;
                }
                final int n = in.getInt(pos, BE);
                final int padded = n + 3 & ~3;
                if (n < 0 || padded > end - pos - 4)
                {
                    return -MALFORMED;
                }
                return putString(ValueType.BYTES, pos + 4, n) ? pos + 4 + padded : -TOO_LARGE;
            }
            case 'm':
                if (end - pos < 4)
                {
                    return -MALFORMED;
                }
                return putString(ValueType.BYTES, pos, 4) ? pos + 4 : -TOO_LARGE;
            default:
                return -MALFORMED; // unknown type: its size is unknown, so nothing after it can be read
        }
    }

    private void putLong(final long v)
    {
        value.putByte(valuePos, (byte)ValueType.I64);
        value.putLong(valuePos + 1, v, BE);
        valuePos += 9;
    }

    private void putDouble(final double v)
    {
        value.putByte(valuePos, (byte)ValueType.F64);
        value.putDouble(valuePos + 1, v, BE);
        valuePos += 9;
    }

    private boolean putString(final int type, final int from, final int n)
    {
        if (n > 0xFFFF || !room(3 + n))
        {
            return false;
        }
        value.putByte(valuePos, (byte)type);
        value.putShort(valuePos + 1, (short)n, BE);
        value.putBytes(valuePos + 3, in, from, n);
        valuePos += 3 + n;
        return true;
    }

    /** @return the position after an OSC string's NUL and padding, or -1 when it is not terminated and padded. */
    private int stringEnd(final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (in.getByte(i) == 0)
            {
                final int aligned = start + ((i - start + 4) & ~3);
                if (aligned > end)
                {
                    return -1;
                }
                for (int p = i + 1; p < aligned; p++)
                {
                    if (in.getByte(p) != 0)
                    {
                        return -1;
                    }
                }
                return aligned;
            }
        }
        return -1;
    }

    private int stringLength(final int start, final int stringEnd)
    {
        int n = stringEnd - start;
        while (n > 0 && in.getByte(start + n - 1) == 0)
        {
            n--;
        }
        return n;
    }
}
