package to.clasp.address;

import org.agrona.DirectBuffer;

/**
 * The address of one inbound frame, scanned once: {@link #wrap} validates it ({@link AddressRules}) and, in the same
 * pass over the bytes, computes its {@link AddressHash}. The handlers then hand this flyweight on — to the param store
 * (find, write), the subscription index (cache lookup) and the core's per-address maps — so no component scans or
 * hashes the bytes again.
 * <p>
 * A flyweight over the frame's buffer: it copies nothing and is valid only while those bytes are (the handling of
 * one event on the core thread). Reused, never shared between threads.
 */
public final class AddressView
{
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int validity = AddressRules.EMPTY;
    private long hash;

    /**
     * Point at an address and scan it.
     *
     * @return {@link AddressRules#VALID} or the reason it is not a valid address (then {@link #hash()} is undefined).
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        validity = AddressRules.scanAddress(buffer, offset, length, this);
        return validity;
    }

    /**
     * Point at bytes already known to be a valid address (one the store holds, a copy a timer kept), hashing them.
     *
     * @return this.
     */
    public AddressView wrapValid(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        validity = AddressRules.VALID;
        hash = AddressHash.hash(buffer, offset, length);
        return this;
    }

    /**
     * Point at bytes already known to be a valid address whose hash is known too (a stored copy).
     *
     * @return this.
     */
    public AddressView wrapValid(final DirectBuffer buffer, final int offset, final int length, final long hash)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        validity = AddressRules.VALID;
        this.hash = hash;
        return this;
    }

    void hash(final long hash)
    {
        this.hash = hash;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    /** @return the scan's verdict: {@link AddressRules#VALID} or a reason code. */
    public int validity()
    {
        return validity;
    }

    public boolean isValid()
    {
        return AddressRules.VALID == validity;
    }

    /** @return {@link AddressHash#hash} of the bytes (defined when {@link #isValid()}). */
    public long hash()
    {
        return hash;
    }

    /** @return whether {@code other[otherOffset, otherOffset + otherLength)} holds the same bytes. */
    public boolean sameBytes(final DirectBuffer other, final int otherOffset, final int otherLength)
    {
        return otherLength == length && Segments.equal(buffer, offset, other, otherOffset, length);
    }

    /** Allocating, for logs and tests. */
    public String toString()
    {
        return null == buffer ? "" : buffer.getStringWithoutLengthUtf8(offset, length);
    }
}
