package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static to.clasp.protocol.Wire.ORDER;

/**
 * Shared writer of one signal definition (ANNOUNCE and RESULT entries), the inverse of {@link SignalEntryDecoder}.
 */
final class SignalEntryEncoder
{
    private SignalEntryEncoder()
    {
    }

    static int length(
        final int addressLength,
        final DirectBuffer datatype,
        final int datatypeLength,
        final DirectBuffer access,
        final int accessLength)
    {
        return Wire.STR_LENGTH_SIZE + addressLength + 2 +
            (datatype != null ? Wire.STR_LENGTH_SIZE + datatypeLength : 0) +
            (access != null ? Wire.STR_LENGTH_SIZE + accessLength : 0);
    }

    /**
     * Write address, signal, opt and the optional datatype/access strings.
     *
     * @param hasMeta sets opt bit2; the caller writes the meta block at the returned position.
     * @return position after the written bytes.
     */
    static int write(
        final MutableDirectBuffer dst,
        final int pos,
        final DirectBuffer address,
        final int addressOffset,
        final int addressLength,
        final int signal,
        final DirectBuffer datatype,
        final int datatypeOffset,
        final int datatypeLength,
        final DirectBuffer access,
        final int accessOffset,
        final int accessLength,
        final boolean hasMeta)
    {
        int p = Wire.putString(dst, pos, address, addressOffset, addressLength);
        dst.putByte(p++, (byte)SignalType.decode(signal));
        dst.putByte(p++, (byte)((datatype != null ? SignalEntryDecoder.OPT_DATATYPE : 0) |
            (access != null ? SignalEntryDecoder.OPT_ACCESS : 0) |
            (hasMeta ? SignalEntryDecoder.OPT_META : 0)));
        if (datatype != null)
        {
            p = Wire.putString(dst, p, datatype, datatypeOffset, datatypeLength);
        }
        if (access != null)
        {
            p = Wire.putString(dst, p, access, accessOffset, accessLength);
        }
        return p;
    }

    static int putDouble(final MutableDirectBuffer dst, final int pos, final double value)
    {
        dst.putDouble(pos, value, ORDER);
        return pos + 8;
    }
}
