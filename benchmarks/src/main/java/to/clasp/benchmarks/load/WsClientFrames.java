package to.clasp.benchmarks.load;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Client-to-server WebSocket framing written by hand, so a publisher can put a whole batch of CLASP frames in one
 * buffer and one write: Netty's encoder would take one task and one frame object per message. The mask key is
 * zero (RFC 6455 requires the mask bit, any key is valid), so masking leaves the payload bytes as they are and a
 * pre-encoded message needs only its timestamps patched before each send.
 */
public final class WsClientFrames
{
    private static final int FIN_BINARY = 0x82;
    private static final int MASK_BIT = 0x80;
    private static final int MASK_KEY_LENGTH = 4;

    private WsClientFrames()
    {
    }

    /** Bytes of the WebSocket header for a payload of {@code length} bytes (at most 65535). */
    public static int headerLength(final int length)
    {
        if (length < 0 || length > 0xFFFF)
        {
            throw new IllegalArgumentException("payload length " + length);
        }
        return (length <= 125 ? 2 : 4) + MASK_KEY_LENGTH;
    }

    /**
     * Write a binary message holding {@code src[srcOffset, srcOffset+length)} at {@code dst[offset]}.
     *
     * @return bytes written (header + payload).
     */
    public static int write(
        final MutableDirectBuffer dst, final int offset, final DirectBuffer src, final int srcOffset, final int length)
    {
        int p = offset;
        dst.putByte(p++, (byte)FIN_BINARY);
        if (length <= 125)
        {
            dst.putByte(p++, (byte)(MASK_BIT | length));
        }
        else
        {
            dst.putByte(p++, (byte)(MASK_BIT | 126));
            dst.putByte(p++, (byte)(length >>> 8));
            dst.putByte(p++, (byte)length);
        }
        dst.putInt(p, 0);
        p += MASK_KEY_LENGTH;
        dst.putBytes(p, src, srcOffset, length);
        return p + length - offset;
    }
}
