package to.clasp.state;

import org.agrona.DirectBuffer;

import to.clasp.address.AddressView;

/**
 * What one SET asks of the {@link ParamStore}: the address (scanned and hashed once by the caller), the canonical
 * value, who writes, the conditions (expected revision, lock bits), the TTL and the time. A flyweight the caller fills
 * and reuses for every write — it references the frame's bytes, copies nothing and allocates nothing — in the way an
 * Aeron {@code FragmentHandler} is handed a {@code Header} instead of a list of arguments.
 * <p>
 * {@link ParamStore#check} and {@link ParamStore#write} read it and answer in a caller-owned {@link WriteResult}.
 * Every setter returns {@code this}; {@link #reset()} restores the defaults (no conditions, no TTL, not in a bundle).
 */
public final class ParamWrite
{
    /** {@link #valueType()} when the value bytes already start with their type byte. */
    public static final int TYPE_IN_BYTES = -1;

    private AddressView address;
    private DirectBuffer valueBuffer;
    private int valueOffset;
    private int valueLength;
    private int valueType = TYPE_IN_BYTES;
    private int sessionIndex;
    private DirectBuffer writerBuffer;
    private int writerOffset;
    private int writerLength;
    private boolean hasExpectedRevision;
    private long expectedRevision;
    private boolean lock;
    private boolean unlock;
    private boolean hasTtl;
    private long ttlRaw;
    private long nowMicros;
    private int pendingWrites;
    private boolean checkedInBundle;

    /** Back to the defaults: no conditions, no TTL, not part of a bundle. Address, value and writer stay. */
    public ParamWrite reset()
    {
        hasExpectedRevision = false;
        expectedRevision = 0;
        lock = false;
        unlock = false;
        hasTtl = false;
        ttlRaw = 0;
        pendingWrites = 0;
        checkedInBundle = false;
        return this;
    }

    /**
     * @param address a valid address (UTF-8, ≤ {@link ParamStore#MAX_ADDRESS_LENGTH}) with its hash; the caller
     *                validated it.
     */
    public ParamWrite address(final AddressView address)
    {
        this.address = address;
        return this;
    }

    /** The canonical value as stored: type byte + data (≤ {@link ParamStore#MAX_VALUE_LENGTH}), kept opaque. */
    public ParamWrite value(final DirectBuffer buffer, final int offset, final int length)
    {
        valueBuffer = buffer;
        valueOffset = offset;
        valueLength = length;
        valueType = TYPE_IN_BYTES;
        return this;
    }

    /**
     * The canonical value given as its type code and data apart, as a decoded SET has them (the type lives in the SET
     * flags): the store copies the data straight from the frame. Only for values whose wire form is already canonical.
     *
     * @param dataLength data bytes after the type byte; the stored value is {@code 1 + dataLength} bytes.
     */
    public ParamWrite value(final int type, final DirectBuffer data, final int dataOffset, final int dataLength)
    {
        valueBuffer = data;
        valueOffset = dataOffset;
        valueLength = 1 + dataLength;
        valueType = type;
        return this;
    }

    /**
     * @param sessionIndex the writing session; ≥ 0 when the write locks.
     * @param id           writer session id bytes, ASCII, ≤ {@link ParamStore#MAX_WRITER_LENGTH}; copied, so it
     *                     outlives the session.
     */
    public ParamWrite writer(final int sessionIndex, final DirectBuffer id, final int offset, final int length)
    {
        this.sessionIndex = sessionIndex;
        writerBuffer = id;
        writerOffset = offset;
        writerLength = length;
        return this;
    }

    /** The SET carried bit 7: accept only if the param's revision is {@code revision} (or the param is new). */
    public ParamWrite expectRevision(final long revision)
    {
        hasExpectedRevision = true;
        expectedRevision = revision;
        return this;
    }

    public ParamWrite lock(final boolean lock)
    {
        this.lock = lock;
        return this;
    }

    public ParamWrite unlock(final boolean unlock)
    {
        this.unlock = unlock;
        return this;
    }

    /** The SET carried a TTL field: the u32 as on the wire (bit31 absolute, bits30-0 seconds). */
    public ParamWrite ttl(final long raw)
    {
        hasTtl = true;
        ttlRaw = raw;
        return this;
    }

    /** Router clock, µs: the param's timestamp and the TTL anchor. */
    public ParamWrite at(final long nowMicros)
    {
        this.nowMicros = nowMicros;
        return this;
    }

    /**
     * This write is an entry of a BUNDLE being checked: {@code earlierWrites} entries before it write the same address
     * and are not applied yet, so {@link ParamStore#check} counts their revisions (and a param they create exists for
     * the expected-revision rule).
     */
    public ParamWrite pendingWrites(final int earlierWrites)
    {
        pendingWrites = earlierWrites;
        return this;
    }

    /**
     * This write is an entry of a BUNDLE whose entries all passed {@link ParamStore#check}: it may use the arena's
     * headroom above its limit, so a bundle whose entries each fit cannot fail half-applied because together they do
     * not.
     */
    public ParamWrite checkedInBundle(final boolean checked)
    {
        checkedInBundle = checked;
        return this;
    }

    public AddressView address()
    {
        return address;
    }

    public DirectBuffer valueBuffer()
    {
        return valueBuffer;
    }

    public int valueOffset()
    {
        return valueOffset;
    }

    /** Bytes of the canonical value, type byte included. */
    public int valueLength()
    {
        return valueLength;
    }

    /** The type code given apart from the data, or {@link #TYPE_IN_BYTES}. */
    public int valueType()
    {
        return valueType;
    }

    public int sessionIndex()
    {
        return sessionIndex;
    }

    public DirectBuffer writerBuffer()
    {
        return writerBuffer;
    }

    public int writerOffset()
    {
        return writerOffset;
    }

    public int writerLength()
    {
        return writerLength;
    }

    public boolean hasExpectedRevision()
    {
        return hasExpectedRevision;
    }

    public long expectedRevision()
    {
        return expectedRevision;
    }

    public boolean lock()
    {
        return lock;
    }

    public boolean unlock()
    {
        return unlock;
    }

    public boolean hasTtl()
    {
        return hasTtl;
    }

    public long ttlRaw()
    {
        return ttlRaw;
    }

    public long nowMicros()
    {
        return nowMicros;
    }

    public int pendingWrites()
    {
        return pendingWrites;
    }

    public boolean checkedInBundle()
    {
        return checkedInBundle;
    }
}
