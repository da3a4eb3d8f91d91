package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * UNSUBSCRIBE 0x11: {@code u8 type | u32 id}.
 */
public final class UnsubscribeDecoder
{
    public static final int ID_OFFSET = 1;

    private long id;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        final int p = Wire.need(offset + ID_OFFSET, 4, offset + length);
        if (p < 0)
        {
            return -p;
        }
        id = Wire.u32(buffer, offset + ID_OFFSET);
        return DecodeError.OK;
    }

    /**
     * @return the client-chosen subscription id (u32).
     */
    public long id()
    {
        return id;
    }
}
