package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Builds a BUNDLE incrementally: {@code begin → addItem/addFrame… → finish}. Items are complete compact-binary
 * payloads (type byte first); BUNDLE items may not themselves be bundles.
 * <pre>
 *   u8 0x30 | u8 flags (bit7 timestamp) | u16 count | [u64 timestamp] | count × (u16 length + payload)
 * </pre>
 */
public final class BundleEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int position;
    private int count;
    private int qos;
    private boolean hasTimestamp;

    /**
     * @param hasTimestamp whether to carry {@code timestamp} (µs, router clock) as the scheduled execution time.
     */
    public BundleEncoder begin(
        final MutableDirectBuffer dst, final int offset, final int qos, final boolean hasTimestamp, final long timestamp)
    {
        this.buffer = dst;
        this.offset = offset;
        this.qos = qos;
        this.hasTimestamp = hasTimestamp;
        this.count = 0;
        final int payload = offset + Frame.HEADER_LENGTH;
        position = payload + BundleDecoder.TIMESTAMP_OFFSET + (hasTimestamp ? 8 : 0);
        if (!Frame.fits(dst, offset, position - offset))
        {
            throw new IllegalArgumentException("no room for a BUNDLE header");
        }
        if (hasTimestamp)
        {
            dst.putLong(payload + BundleDecoder.TIMESTAMP_OFFSET, timestamp, ORDER);
        }
        return this;
    }

    /**
     * Append one compact-binary payload.
     *
     * @return false (nothing written) when it would not fit the frame, or it is empty, or it is a BUNDLE.
     */
    public boolean addItem(final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        if (payloadLength <= 0 || payloadLength > 0xFFFF || count == 0xFFFF ||
            (payload.getByte(payloadOffset) & 0xFF) == MessageType.BUNDLE ||
            !Frame.fits(buffer, offset, position - offset + 2 + payloadLength))
        {
            return false;
        }
        buffer.putShort(position, (short)payloadLength, ORDER);
        buffer.putBytes(position + 2, payload, payloadOffset, payloadLength);
        position += 2 + payloadLength;
        count++;
        return true;
    }

    /**
     * Append the payload of a complete frame written by one of the encoders (its header is skipped).
     */
    public boolean addFrame(final DirectBuffer frame, final int frameOffset, final int frameLength)
    {
        if (frameLength < Frame.HEADER_LENGTH)
        {
            return false;
        }
        final int header = Frame.headerLength(frame.getByte(frameOffset + Frame.FLAGS_OFFSET));
        final int payloadLength = frame.getShort(frameOffset + Frame.LENGTH_OFFSET, ORDER) & 0xFFFF;
        if (header + payloadLength > frameLength)
        {
            return false;
        }
        return addItem(frame, frameOffset + header, payloadLength);
    }

    public int count()
    {
        return count;
    }

    /**
     * @return the frame length.
     */
    public int finish()
    {
        final int payloadLength = position - offset - Frame.HEADER_LENGTH;
        Frame.writeHeader(buffer, offset, qos, payloadLength);
        final int payload = offset + Frame.HEADER_LENGTH;
        buffer.putByte(payload, (byte)MessageType.BUNDLE);
        buffer.putByte(payload + BundleDecoder.FLAGS_OFFSET, (byte)(hasTimestamp ? BundleDecoder.FLAG_TIMESTAMP : 0));
        buffer.putShort(payload + BundleDecoder.COUNT_OFFSET, (short)count, ORDER);
        return Frame.HEADER_LENGTH + payloadLength;
    }
}
