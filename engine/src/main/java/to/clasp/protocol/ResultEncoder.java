package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Builds a RESULT frame incrementally: {@code begin → addEntry… → finish}. Empty result: {@code 53 01 00 03 61 00 00}.
 * <pre>
 *   u8 0x61 | u16 count | count × {str address | u8 signal | u8 opt (bit0 datatype, bit1 access) | [str] [str]}
 * </pre>
 */
public final class ResultEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int position;
    private int count;
    private int qos;

    public ResultEncoder begin(final MutableDirectBuffer dst, final int offset, final int qos)
    {
        this.buffer = dst;
        this.offset = offset;
        this.qos = qos;
        this.count = 0;
        this.position = offset + Frame.HEADER_LENGTH + ResultDecoder.ENTRIES_OFFSET;
        return this;
    }

    /**
     * @param datatype null for none.
     * @param access   null for none.
     * @return false (nothing written) when the entry would not fit the frame or the buffer.
     */
    public boolean addEntry(
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final int signal,
        final DirectBuffer datatype,
        final int datatypeOffset,
        final int datatypeLength,
        final DirectBuffer access,
        final int accessOffset,
        final int accessLength)
    {
        final int entryLength = SignalEntryEncoder.length(addressLength, datatype, datatypeLength, access, accessLength);
        if (count == 0xFFFF || !Frame.fits(buffer, offset, position - offset + entryLength))
        {
            return false;
        }
        position = SignalEntryEncoder.write(buffer, position, address, addressOffset, addressLength, signal,
            datatype, datatypeOffset, datatypeLength, access, accessOffset, accessLength, false);
        count++;
        return true;
    }

    /**
     * Allocating convenience; null datatype/access omitted.
     */
    public boolean addEntry(final String address, final int signal, final String datatype, final String access)
    {
        final byte[] a = Wire.bytes(address);
        final byte[] d = datatype == null ? null : Wire.bytes(datatype);
        final byte[] x = access == null ? null : Wire.bytes(access);
        return addEntry(new UnsafeBuffer(a), 0, a.length, signal,
            d == null ? null : new UnsafeBuffer(d), 0, d == null ? 0 : d.length,
            x == null ? null : new UnsafeBuffer(x), 0, x == null ? 0 : x.length);
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
        if (buffer.isExpandable())
        {
            buffer.checkLimit(position);
        }
        Frame.writeHeader(buffer, offset, qos, payloadLength);
        buffer.putByte(offset + Frame.HEADER_LENGTH, (byte)MessageType.RESULT);
        buffer.putShort(offset + Frame.HEADER_LENGTH + ResultDecoder.COUNT_OFFSET, (short)count, ORDER);
        return Frame.HEADER_LENGTH + payloadLength;
    }

    /**
     * @return the 7-byte empty RESULT, or {@link Frame#DOES_NOT_FIT}.
     */
    public static int encodeEmpty(final MutableDirectBuffer dst, final int offset)
    {
        if (!Frame.fits(dst, offset, Frame.HEADER_LENGTH + ResultDecoder.ENTRIES_OFFSET))
        {
            return Frame.DOES_NOT_FIT;
        }
        return new ResultEncoder().begin(dst, offset, Qos.FIRE).finish();
    }
}
