package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * Writes PING: {@code 53 01 00 01 41}. The router sends it after inbound silence (router-behaviour.md §2).
 */
public final class PingEncoder
{
    public static final int FRAME_LENGTH = Frame.HEADER_LENGTH + 1;

    private PingEncoder()
    {
    }

    public static int encode(final MutableDirectBuffer dst, final int offset)
    {
        return typeOnly(dst, offset, MessageType.PING);
    }

    static int typeOnly(final MutableDirectBuffer dst, final int offset, final int type)
    {
        if (!Frame.fits(dst, offset, FRAME_LENGTH))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, Qos.FIRE, 1);
        dst.putByte(offset + Frame.HEADER_LENGTH, (byte)type);
        return FRAME_LENGTH;
    }
}
