package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * Writes PONG: {@code 53 01 00 01 42}, the answer to PING.
 */
public final class PongEncoder
{
    public static final int FRAME_LENGTH = Frame.HEADER_LENGTH + 1;

    private PongEncoder()
    {
    }

    public static int encode(final MutableDirectBuffer dst, final int offset)
    {
        return PingEncoder.typeOnly(dst, offset, MessageType.PONG);
    }
}
