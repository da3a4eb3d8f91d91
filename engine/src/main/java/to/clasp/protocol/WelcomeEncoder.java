package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes WELCOME: {@code u8 0x02 | u8 version | u8 features | u64 time | str session | str name | str token}.
 * The token is always written (00 00 when empty): Python fails its connect() without it.
 */
public final class WelcomeEncoder
{
    /** param|event|stream|gesture|timeline, as the reference router announces. */
    public static final int DEFAULT_FEATURES = 0xF8;
    public static final int VERSION = 1;

    private WelcomeEncoder()
    {
    }

    /**
     * @param token null or zero length for no token.
     * @return frame length or {@link Frame#DOES_NOT_FIT}.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int version,
        final int features,
        final long time,
        final DirectBuffer session,
        final int sessionOffset,
        final int sessionLength,
        final DirectBuffer name,
        final int nameOffset,
        final int nameLength,
        final DirectBuffer token,
        final int tokenOffset,
        final int tokenLength)
    {
        final int tokenBytes = token == null ? 0 : tokenLength;
        final int frameLength = Frame.HEADER_LENGTH + WelcomeDecoder.SESSION_OFFSET +
            3 * Wire.STR_LENGTH_SIZE + sessionLength + nameLength + tokenBytes;
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, Qos.FIRE, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.WELCOME);
        dst.putByte(payload + WelcomeDecoder.VERSION_OFFSET, (byte)version);
        dst.putByte(payload + WelcomeDecoder.FEATURES_OFFSET, (byte)features);
        dst.putLong(payload + WelcomeDecoder.TIME_OFFSET, time, ORDER);
        int p = Wire.putString(dst, payload + WelcomeDecoder.SESSION_OFFSET, session, sessionOffset, sessionLength);
        p = Wire.putString(dst, p, name, nameOffset, nameLength);
        Wire.putString(dst, p, token, tokenOffset, tokenBytes);
        return frameLength;
    }

    /**
     * Allocating convenience: version 1.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int features,
        final long time,
        final String session,
        final String name,
        final String token)
    {
        final byte[] s = Wire.bytes(session);
        final byte[] n = Wire.bytes(name);
        final byte[] t = Wire.bytes(token);
        return encode(dst, offset, VERSION, features, time, new UnsafeBuffer(s), 0, s.length,
            new UnsafeBuffer(n), 0, n.length, new UnsafeBuffer(t), 0, t.length);
    }
}
