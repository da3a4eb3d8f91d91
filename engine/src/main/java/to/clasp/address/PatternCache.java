package to.clasp.address;

import org.agrona.DirectBuffer;

/**
 * Recently compiled patterns by their bytes, so a client that subscribes to the same few patterns again and again
 * (subscribe churn: a UI re-subscribing as views change) compiles each once instead of allocating a {@link Pattern}
 * per SUBSCRIBE. A {@code Pattern} is immutable, so one instance serves every subscription with the same bytes.
 * <p>
 * Direct-mapped: {@link #SLOTS} slots by the bytes' hash, each holding the last pattern compiled for it; a hit compares
 * the bytes, so a collision only costs a compile. At most {@link #SLOTS} patterns are kept alive by the cache.
 * One thread (the core's); the caller validates the bytes first ({@link AddressRules#validatePattern}).
 */
public final class PatternCache
{
    /** Slots (a power of two). */
    public static final int SLOTS = 1024;

    private static final int SHIFT = Integer.SIZE - Integer.numberOfTrailingZeros(SLOTS);

    private final Pattern[] slots = new Pattern[SLOTS];

    /**
     * The pattern in {@code buffer[offset, offset + length)}: the cached instance when these bytes were compiled
     * recently, else a new one (then cached).
     *
     * @throws IllegalArgumentException as {@link Pattern#compile(DirectBuffer, int, int)} for an invalid pattern.
     */
    public Pattern compile(final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = (AddressHash.hash32(buffer, offset, length) * 0x9E3779B9) >>> SHIFT;
        final Pattern cached = slots[slot];
        if (null != cached && cached.bytes().capacity() == length &&
            Segments.equal(cached.bytes(), 0, buffer, offset, length))
        {
            return cached;
        }
        final Pattern compiled = Pattern.compile(buffer, offset, length);
        slots[slot] = compiled;
        return compiled;
    }
}
