package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;

/**
 * A copy of an address's bytes with its {@link to.clasp.address.AddressHash}, for core-side maps keyed by address
 * (gesture coalescing, per-subscription rate state) without allocating Strings. The hash is the one the inbound
 * address was scanned with ({@link AddressView#hash()}), so a lookup hashes nothing. Owners chain entries with equal
 * hashes.
 */
class AddressKey extends CoreTimer
{
    final UnsafeBuffer address = new UnsafeBuffer(new byte[64]);
    int addressLength;
    long hash;
    AddressKey nextInChain;

    void setAddress(final AddressView from)
    {
        final int length = from.length();
        if (address.capacity() < length)
        {
            address.wrap(new byte[Math.max(length, address.capacity() * 2)]);
        }
        address.putBytes(0, from.buffer(), from.offset(), length);
        addressLength = length;
        hash = from.hash();
    }

    boolean sameAddress(final AddressView other)
    {
        return hash == other.hash() && other.sameBytes(address, 0, addressLength);
    }

    /** Point {@code view} at this copy (no scan: the bytes and hash are known). */
    AddressView viewAddress(final AddressView view)
    {
        return view.wrapValid(address, 0, addressLength, hash);
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
}
