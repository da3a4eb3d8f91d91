package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Builds a SNAPSHOT frame incrementally so the router can chunk by encoded size:
 * {@code begin → addEntry… (false = would not fit, start the next chunk) → finish}. Reusable, zero allocation.
 * <pre>
 *   u8 0x23 | u16 count | count × {str address | u8 vtype + data | u64 revision | u8 opt | [str writer] [u64 ts]}
 * </pre>
 */
public final class SnapshotEncoder
{
    /** The reference router's chunk size; router-behaviour.md §1.7 caps chunks at 800 entries. */
    public static final int DEFAULT_MAX_ENTRIES = 800;

    private MutableDirectBuffer buffer;
    private int offset;
    private int position;
    private int count;
    private int qos;
    private int maxPayloadLength;
    private int maxEntries;

    /**
     * Start a snapshot at {@code offset} with QoS Fire, payload ≤ 65 535 bytes and ≤ {@link #DEFAULT_MAX_ENTRIES}.
     */
    public SnapshotEncoder begin(final MutableDirectBuffer dst, final int offset)
    {
        return begin(dst, offset, Qos.FIRE, Frame.MAX_PAYLOAD_LENGTH, DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param maxPayloadLength cap on the payload size (≤ 65 535); also capped by a fixed-size buffer's capacity.
     * @param maxEntries       cap on the entry count (≤ 65 535).
     */
    public SnapshotEncoder begin(
        final MutableDirectBuffer dst, final int offset, final int qos, final int maxPayloadLength, final int maxEntries)
    {
        this.buffer = dst;
        this.offset = offset;
        this.qos = qos;
        int max = Math.min(maxPayloadLength, Frame.MAX_PAYLOAD_LENGTH);
        if (!dst.isExpandable())
        {
            max = Math.min(max, dst.capacity() - offset - Frame.HEADER_LENGTH);
        }
        this.maxPayloadLength = max;
        this.maxEntries = Math.min(maxEntries, 0xFFFF);
        this.count = 0;
        this.position = offset + Frame.HEADER_LENGTH + SnapshotDecoder.ENTRIES_OFFSET;
        if (max < SnapshotDecoder.ENTRIES_OFFSET)
        {
            throw new IllegalArgumentException("no room for an empty SNAPSHOT");
        }
        return this;
    }

    /**
     * Append one entry.
     *
     * @param value  canonical value bytes: type byte + data.
     * @param writer writer session id, or null for none.
     * @return false (nothing written) when the entry would exceed the payload or entry limit.
     */
    public boolean addEntry(
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final long revision,
        final DirectBuffer writer,
        final int writerOffset,
        final int writerLength,
        final boolean hasTimestamp,
        final long timestamp)
    {
        final int entryLength = Wire.STR_LENGTH_SIZE + addressLength + valueLength + 8 + 1 +
            (writer != null ? Wire.STR_LENGTH_SIZE + writerLength : 0) + (hasTimestamp ? 8 : 0);
        final int payloadStart = offset + Frame.HEADER_LENGTH;
        if (count >= maxEntries || position - payloadStart + entryLength > maxPayloadLength)
        {
            return false;
        }
        if (buffer.isExpandable())
        {
            buffer.checkLimit(position + entryLength);
        }
        int p = Wire.putString(buffer, position, address, addressOffset, addressLength);
        buffer.putBytes(p, value, valueOffset, valueLength);
        p += valueLength;
        buffer.putLong(p, revision, ORDER);
        p += 8;
        buffer.putByte(p++, (byte)((writer != null ? SnapshotDecoder.OPT_WRITER : 0) |
            (hasTimestamp ? SnapshotDecoder.OPT_TIMESTAMP : 0)));
        if (writer != null)
        {
            p = Wire.putString(buffer, p, writer, writerOffset, writerLength);
        }
        if (hasTimestamp)
        {
            buffer.putLong(p, timestamp, ORDER);
            p += 8;
        }
        position = p;
        count++;
        return true;
    }

    /**
     * Allocating convenience for clients and tests.
     */
    public boolean addEntry(
        final String address, final Object value, final long revision, final String writer, final Long timestamp)
    {
        final byte[] a = Wire.bytes(address);
        final UnsafeBuffer v = new UnsafeBuffer(new byte[ValueCodec.encodedLength(value)]);
        ValueCodec.encode(value, v, 0);
        final byte[] w = writer == null ? null : Wire.bytes(writer);
        return addEntry(new UnsafeBuffer(a), 0, a.length, v, 0, v.capacity(), revision,
            w == null ? null : new UnsafeBuffer(w), 0, w == null ? 0 : w.length,
            timestamp != null, timestamp == null ? 0 : timestamp);
    }

    public int count()
    {
        return count;
    }

    /**
     * @return payload bytes written so far.
     */
    public int payloadLength()
    {
        return position - offset - Frame.HEADER_LENGTH;
    }

    /**
     * Patch the header and count.
     *
     * @return the frame length.
     */
    public int finish()
    {
        final int payloadLength = payloadLength();
        if (buffer.isExpandable())
        {
            buffer.checkLimit(position);
        }
        Frame.writeHeader(buffer, offset, qos, payloadLength);
        final int payload = offset + Frame.HEADER_LENGTH;
        buffer.putByte(payload, (byte)MessageType.SNAPSHOT);
        buffer.putShort(payload + SnapshotDecoder.COUNT_OFFSET, (short)count, ORDER);
        return Frame.HEADER_LENGTH + payloadLength;
    }

    /**
     * Write the empty snapshot sent after every WELCOME: {@code 53 01 00 03 23 00 00}.
     *
     * @return the frame length (7) or {@link Frame#DOES_NOT_FIT}.
     */
    public static int encodeEmpty(final MutableDirectBuffer dst, final int offset)
    {
        final int frameLength = Frame.HEADER_LENGTH + SnapshotDecoder.ENTRIES_OFFSET;
        if (!Frame.fits(dst, offset, frameLength))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, Qos.FIRE, SnapshotDecoder.ENTRIES_OFFSET);
        dst.putByte(offset + Frame.HEADER_LENGTH, (byte)MessageType.SNAPSHOT);
        dst.putShort(offset + Frame.HEADER_LENGTH + SnapshotDecoder.COUNT_OFFSET, (short)0, ORDER);
        return frameLength;
    }
}
