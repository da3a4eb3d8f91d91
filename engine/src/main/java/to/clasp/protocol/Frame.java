package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The CLASP frame header (wire-protocol.md §2): magic, flags, u16 payload length, optional u64 timestamp.
 * <pre>
 *   0      1      2       4              4|12
 *   +------+------+-------+--------------+---------------+
 *   | 0x53 |flags | len L | [timestamp]  | payload (L)   |
 *   +------+------+-------+--------------+---------------+
 * </pre>
 * Flags: bits 7-6 QoS, bit 5 timestamp present, bit 4 encrypted, bit 3 compressed, bits 2-0 encoding version.
 */
public final class Frame
{
    public static final int MAGIC = 0x53;
    public static final int HEADER_LENGTH = 4;
    public static final int TIMESTAMP_LENGTH = 8;
    public static final int MAX_PAYLOAD_LENGTH = 65535;
    public static final int MAX_FRAME_LENGTH = HEADER_LENGTH + TIMESTAMP_LENGTH + MAX_PAYLOAD_LENGTH;

    public static final int MAGIC_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int LENGTH_OFFSET = 2;
    public static final int TIMESTAMP_OFFSET = 4;

    public static final int FLAG_TIMESTAMP = 0x20;
    public static final int FLAG_ENCRYPTED = 0x10;
    public static final int FLAG_COMPRESSED = 0x08;
    /** Encoding version written by every known sender; receivers ignore it and look at the payload (§3). */
    public static final int VERSION = 1;

    /**
     * Returned by encoders instead of a frame length when the frame would not fit: the payload would exceed
     * {@link #MAX_PAYLOAD_LENGTH}, or the destination buffer (when not expandable) is too small.
     * Nothing useful has been written in that case.
     */
    public static final int DOES_NOT_FIT = -1;

    private Frame()
    {
    }

    /**
     * @param qos {@link Qos} code 0..2.
     * @return the flags byte a sender puts in byte 1: {@code (qos << 6) | 1}.
     */
    public static int flags(final int qos)
    {
        return ((qos & 0x3) << 6) | VERSION;
    }

    /**
     * @param flagsByte byte 1 of a frame.
     * @return the QoS code; the reserved value 3 reads as {@link Qos#FIRE} like the reference decoder.
     */
    public static int qosOf(final int flagsByte)
    {
        final int qos = (flagsByte >>> 6) & 0x3;
        return qos == 3 ? Qos.FIRE : qos;
    }

    /**
     * @param flagsByte byte 1 of a frame.
     * @return the header's length, timestamp included when the flags say one follows: where the payload starts.
     */
    public static int headerLength(final int flagsByte)
    {
        return HEADER_LENGTH + ((flagsByte & FLAG_TIMESTAMP) != 0 ? TIMESTAMP_LENGTH : 0);
    }

    /**
     * Write the 4-byte header (never a timestamp: the router and our clients do not send one).
     */
    public static void writeHeader(final MutableDirectBuffer dst, final int offset, final int qos, final int payloadLength)
    {
        dst.putByte(offset + MAGIC_OFFSET, (byte)MAGIC);
        dst.putByte(offset + FLAGS_OFFSET, (byte)flags(qos));
        dst.putShort(offset + LENGTH_OFFSET, (short)payloadLength, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Give a frame encoded with the 4-byte header a timestamp header (bit 5, u64 µs after the length), in place: the
     * frame must have been encoded at {@code offset + }{@link #TIMESTAMP_LENGTH}, so the 12-byte header ends where its
     * payload starts. Used for REPLAY: a replayed entry carries the time of the original write, and live frames
     * (always 4-byte headers) are told apart from it by that.
     *
     * @param frameLength the length of the frame encoded at {@code offset + TIMESTAMP_LENGTH}.
     * @return the frame's new length at {@code offset}: {@code frameLength + TIMESTAMP_LENGTH}.
     */
    public static int withTimestamp(
        final MutableDirectBuffer dst, final int offset, final int frameLength, final long timestampMicros)
    {
        final int encoded = offset + TIMESTAMP_LENGTH;
        final int flags = dst.getByte(encoded + FLAGS_OFFSET) & 0xFF;
        final short payloadLength = dst.getShort(encoded + LENGTH_OFFSET, ByteOrder.BIG_ENDIAN);
        dst.putByte(offset + MAGIC_OFFSET, (byte)MAGIC);
        dst.putByte(offset + FLAGS_OFFSET, (byte)(flags | FLAG_TIMESTAMP));
        dst.putShort(offset + LENGTH_OFFSET, payloadLength, ByteOrder.BIG_ENDIAN);
        dst.putLong(offset + TIMESTAMP_OFFSET, timestampMicros, ByteOrder.BIG_ENDIAN);
        return frameLength + TIMESTAMP_LENGTH;
    }

    /**
     * Check that a frame of {@code frameLength} bytes can be written at {@code offset}: the payload fits the u16
     * length field and the buffer has room (an expandable buffer is grown instead).
     *
     * @return true when the encoder may write.
     */
    static boolean fits(final MutableDirectBuffer dst, final int offset, final int frameLength)
    {
        if (frameLength - HEADER_LENGTH > MAX_PAYLOAD_LENGTH || offset < 0)
        {
            return false;
        }
        if (dst.isExpandable())
        {
            dst.checkLimit(offset + frameLength);
            return true;
        }
        return offset <= dst.capacity() - frameLength;
    }
}
