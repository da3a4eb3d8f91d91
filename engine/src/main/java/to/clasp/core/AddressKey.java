package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A copy of an address's bytes with a 64-bit hash, for core-side maps keyed by address (gesture coalescing,
 * per-subscription rate state) without allocating Strings. Owners chain entries with equal hashes.
 */
class AddressKey extends CoreTimer
{
    final UnsafeBuffer address = new UnsafeBuffer(new byte[64]);
    int addressLength;
    long hash;
    AddressKey nextInChain;

    static long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = 0xcbf29ce484222325L; // FNV-1a, then a final mix so low bits spread for the map
        for (int i = 0; i < length; i++)
        {
            h ^= buffer.getByte(offset + i) & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    void setAddress(final DirectBuffer buffer, final int offset, final int length, final long hash)
    {
        if (address.capacity() < length)
        {
            address.wrap(new byte[Math.max(length, address.capacity() * 2)]);
        }
        address.putBytes(0, buffer, offset, length);
        addressLength = length;
        this.hash = hash;
    }

    boolean sameAddress(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length != addressLength)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (address.getByte(i) != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    void onTimer(final long nowNs)
    {
    }

    /** Copy a frame into a reusable buffer, growing it when needed. */
    static UnsafeBuffer copy(final UnsafeBuffer dst, final DirectBuffer src, final int offset, final int length)
    {
        UnsafeBuffer d = dst;
        if (null == d || d.capacity() < length)
        {
            d = new UnsafeBuffer(new byte[Math.max(length, 128)]);
        }
        d.putBytes(0, src, offset, length);
        return d;
    }

    static void putAll(final MutableDirectBuffer dst, final DirectBuffer src, final int length)
    {
        dst.putBytes(0, src, 0, length);
    }
}
