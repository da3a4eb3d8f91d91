package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Builds an ANNOUNCE incrementally: {@code begin(namespace) → addSignal… → finish}. Client side (allocating String
 * forms). Never send ANNOUNCE to the Python client.
 */
public final class AnnounceEncoder
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int countPosition;
    private int position;
    private int count;
    private int qos;

    public AnnounceEncoder begin(final MutableDirectBuffer dst, final int offset, final int qos, final String namespace)
    {
        final byte[] ns = Wire.bytes(namespace);
        if (!Frame.fits(dst, offset, Frame.HEADER_LENGTH + 1 + Wire.STR_LENGTH_SIZE + ns.length + 2))
        {
            throw new IllegalArgumentException("no room for an ANNOUNCE header");
        }
        this.buffer = dst;
        this.offset = offset;
        this.qos = qos;
        this.count = 0;
        countPosition = Wire.putString(dst, offset + Frame.HEADER_LENGTH + 1, ns);
        position = countPosition + 2;
        return this;
    }

    /**
     * Append a signal definition. Null arguments are omitted.
     *
     * @param hasMeta      whether to write the meta block (opt bit2), even if all its fields are absent.
     * @param range        null, or {min, max}.
     * @param hasDefault   whether {@code defaultValue} is present (a default may itself be null).
     * @return false (nothing written) when it would not fit the frame.
     */
    public boolean addSignal(
        final String address,
        final int signal,
        final String datatype,
        final String access,
        final boolean hasMeta,
        final String unit,
        final double[] range,
        final boolean hasDefault,
        final Object defaultValue,
        final String description)
    {
        final byte[] a = Wire.bytes(address);
        final byte[] d = datatype == null ? null : Wire.bytes(datatype);
        final byte[] x = access == null ? null : Wire.bytes(access);
        final byte[] u = unit == null ? null : Wire.bytes(unit);
        final byte[] s = description == null ? null : Wire.bytes(description);
        final UnsafeBuffer ab = new UnsafeBuffer(a);
        final UnsafeBuffer db = d == null ? null : new UnsafeBuffer(d);
        final UnsafeBuffer xb = x == null ? null : new UnsafeBuffer(x);
        int length = SignalEntryEncoder.length(a.length, db, d == null ? 0 : d.length, xb, x == null ? 0 : x.length);
        if (hasMeta)
        {
            length += 1 + (u != null ? Wire.STR_LENGTH_SIZE + u.length : 0) + (range != null ? 16 : 0) +
                (hasDefault ? ValueCodec.encodedLength(defaultValue) : 0) +
                (s != null ? Wire.STR_LENGTH_SIZE + s.length : 0);
        }
        if (count == 0xFFFF || !Frame.fits(buffer, offset, position - offset + length))
        {
            return false;
        }
        int p = SignalEntryEncoder.write(buffer, position, ab, 0, a.length, signal,
            db, 0, d == null ? 0 : d.length, xb, 0, x == null ? 0 : x.length, hasMeta);
        if (hasMeta)
        {
            buffer.putByte(p++, (byte)((u != null ? SignalEntryDecoder.META_UNIT : 0) |
                (range != null ? SignalEntryDecoder.META_RANGE : 0) |
                (hasDefault ? SignalEntryDecoder.META_DEFAULT : 0) |
                (s != null ? SignalEntryDecoder.META_DESCRIPTION : 0)));
            if (u != null)
            {
                p = Wire.putString(buffer, p, u);
            }
            if (range != null)
            {
                p = SignalEntryEncoder.putDouble(buffer, p, range[0]);
                p = SignalEntryEncoder.putDouble(buffer, p, range[1]);
            }
            if (hasDefault)
            {
                p += ValueCodec.encode(defaultValue, buffer, p);
            }
            if (s != null)
            {
                p = Wire.putString(buffer, p, s);
            }
        }
        position = p;
        count++;
        return true;
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
        buffer.putByte(offset + Frame.HEADER_LENGTH, (byte)MessageType.ANNOUNCE);
        buffer.putShort(countPosition, (short)count, ORDER);
        return Frame.HEADER_LENGTH + payloadLength;
    }
}
