package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes SYNC: {@code u8 0x40 | u8 flags (bit0 t2, bit1 t3) | u64 t1 | [u64 t2] [u64 t3]}.
 * Only ever sent as a reply: Python cannot decode SYNC.
 */
public final class SyncEncoder
{
    private SyncEncoder()
    {
    }

    /**
     * The router's reply {t1 echoed, t2 = receive time, t3 = send time}, flags 0x03, frame flags 0x01.
     */
    public static int reply(final MutableDirectBuffer dst, final int offset, final long t1, final long t2, final long t3)
    {
        return encode(dst, offset, Qos.FIRE, t1, true, t2, true, t3);
    }

    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final long t1,
        final boolean hasT2,
        final long t2,
        final boolean hasT3,
        final long t3)
    {
        final int frameLength = Frame.HEADER_LENGTH + SyncDecoder.T1_OFFSET + 8 + (hasT2 ? 8 : 0) + (hasT3 ? 8 : 0);
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, frameLength - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.SYNC);
        dst.putByte(payload + SyncDecoder.FLAGS_OFFSET,
            (byte)((hasT2 ? SyncDecoder.FLAG_T2 : 0) | (hasT3 ? SyncDecoder.FLAG_T3 : 0)));
        dst.putLong(payload + SyncDecoder.T1_OFFSET, t1, ORDER);
        int p = payload + SyncDecoder.T1_OFFSET + 8;
        if (hasT2)
        {
            dst.putLong(p, t2, ORDER);
            p += 8;
        }
        if (hasT3)
        {
            dst.putLong(p, t3, ORDER);
        }
        return frameLength;
    }
}
