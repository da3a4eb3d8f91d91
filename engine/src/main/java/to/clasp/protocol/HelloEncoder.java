package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes HELLO: {@code u8 0x01 | u8 version | u8 features | str name | str token} (token 00 00 when none).
 */
public final class HelloEncoder
{
    /** param|event|stream, what the JS and Python clients send. */
    public static final int DEFAULT_FEATURES = 0xE0;

    private HelloEncoder()
    {
    }

    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int version,
        final int features,
        final DirectBuffer name,
        final int nameOffset,
        final int nameLength,
        final DirectBuffer token,
        final int tokenOffset,
        final int tokenLength)
    {
        final int tokenBytes = token == null ? 0 : tokenLength;
        final int frameLength = Frame.HEADER_LENGTH + HelloDecoder.NAME_OFFSET + 2 * Wire.STR_LENGTH_SIZE +
            nameLength + tokenBytes;
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.HELLO);
        dst.putByte(payload + HelloDecoder.VERSION_OFFSET, (byte)version);
        dst.putByte(payload + HelloDecoder.FEATURES_OFFSET, (byte)features);
        final int p = Wire.putString(dst, payload + HelloDecoder.NAME_OFFSET, name, nameOffset, nameLength);
        Wire.putString(dst, p, token, tokenOffset, tokenBytes);
        return frameLength;
    }

    /** The longest name HELLO and WELCOME carry, in bytes of UTF-8. */
    public static final int MAX_NAME_LENGTH = 255;

    /**
     * @return the UTF-8 of {@code name}, cut at a character boundary to at most {@link #MAX_NAME_LENGTH} bytes (for
     * names made from something longer, such as an MQTT client id or an OSC target).
     */
    public static byte[] nameBytes(final String name)
    {
        String cut = name;
        byte[] bytes = cut.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        while (bytes.length > MAX_NAME_LENGTH)
        {
            cut = cut.substring(0, cut.offsetByCodePoints(0, cut.codePointCount(0, cut.length()) - 1));
            bytes = cut.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return bytes;
    }

    /**
     * Allocating convenience: QoS Fire; a null token is sent as none.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int version,
        final int features,
        final String name,
        final String token)
    {
        final byte[] n = Wire.bytes(name);
        final byte[] t = Wire.bytes(token);
        return encode(dst, offset, Qos.FIRE, version, features, new UnsafeBuffer(n), 0, n.length,
            new UnsafeBuffer(t), 0, t.length);
    }
}
