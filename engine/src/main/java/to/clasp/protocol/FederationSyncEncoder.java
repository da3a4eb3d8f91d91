package to.clasp.protocol;

import org.agrona.MutableDirectBuffer;

import java.util.List;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Writes FEDERATION_SYNC: {@code u8 0x04 | u8 op | u16 n + n × str pattern | u16 m + m × (str key + u64 revision) |
 * u8 flags (bit7 since, bit6 origin) | [u64 since] [str origin]}. Router↔router only; allocating String form.
 */
public final class FederationSyncEncoder
{
    private FederationSyncEncoder()
    {
    }

    /**
     * @param keys      revision keys, same size as {@code revisions}.
     * @param since     null for none.
     * @param origin    null for none.
     */
    public static int encode(
        final MutableDirectBuffer dst,
        final int offset,
        final int qos,
        final int op,
        final List<String> patterns,
        final List<String> keys,
        final long[] revisions,
        final Long since,
        final String origin)
    {
        if (keys.size() != revisions.length || patterns.size() > 0xFFFF || keys.size() > 0xFFFF)
        {
            throw new IllegalArgumentException("bad federation sync lists");
        }
        final byte[][] p = new byte[patterns.size()][];
        int length = Frame.HEADER_LENGTH + FederationSyncDecoder.PATTERNS_OFFSET + 2 + 2 + 1;
        for (int i = 0; i < p.length; i++)
        {
            p[i] = Wire.bytes(patterns.get(i));
            length += Wire.STR_LENGTH_SIZE + p[i].length;
        }
        final byte[][] k = new byte[keys.size()][];
        for (int i = 0; i < k.length; i++)
        {
            k[i] = Wire.bytes(keys.get(i));
            length += Wire.STR_LENGTH_SIZE + k[i].length + 8;
        }
        final byte[] o = origin == null ? null : Wire.bytes(origin);
        length += (since != null ? 8 : 0) + (o != null ? Wire.STR_LENGTH_SIZE + o.length : 0);
        if (!Frame.fits(dst, offset, length))
        {
            return Frame.DOES_NOT_FIT;
        }
        Frame.writeHeader(dst, offset, qos, length - Frame.HEADER_LENGTH);
        final int payload = offset + Frame.HEADER_LENGTH;
        dst.putByte(payload, (byte)MessageType.FEDERATION_SYNC);
        dst.putByte(payload + FederationSyncDecoder.OP_OFFSET, (byte)op);
        dst.putShort(payload + FederationSyncDecoder.PATTERNS_OFFSET, (short)p.length, ORDER);
        int pos = payload + FederationSyncDecoder.PATTERNS_OFFSET + 2;
        for (final byte[] pattern : p)
        {
            pos = Wire.putString(dst, pos, pattern);
        }
        dst.putShort(pos, (short)k.length, ORDER);
        pos += 2;
        for (int i = 0; i < k.length; i++)
        {
            pos = Wire.putString(dst, pos, k[i]);
            dst.putLong(pos, revisions[i], ORDER);
            pos += 8;
        }
        dst.putByte(pos++, (byte)((since != null ? FederationSyncDecoder.FLAG_SINCE : 0) |
            (o != null ? FederationSyncDecoder.FLAG_ORIGIN : 0)));
        if (since != null)
        {
            dst.putLong(pos, since, ORDER);
            pos += 8;
        }
        if (o != null)
        {
            Wire.putString(dst, pos, o);
        }
        return length;
    }
}
