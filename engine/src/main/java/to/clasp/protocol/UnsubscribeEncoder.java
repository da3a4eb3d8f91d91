package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes UNSUBSCRIBE: {@code u8 0x11 | u32 id}.
 */
public final class UnsubscribeEncoder
{
    public static final int FRAME_LENGTH = Frame.HEADER_LENGTH + 5;

    private UnsubscribeEncoder()
    {
    }

    public static int encode(final MutableDirectBuffer dst, final int offset, final int qos, final long id)
    {
        if (!Frame.fits(dst, offset, FRAME_LENGTH))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, FRAME_LENGTH - Frame.HEADER_LENGTH);
        dst.putByte(offset + Frame.HEADER_LENGTH, (byte)MessageType.UNSUBSCRIBE);
        dst.putInt(offset + Frame.HEADER_LENGTH + UnsubscribeDecoder.ID_OFFSET, (int)id, ORDER);
        return FRAME_LENGTH;
    }
}
