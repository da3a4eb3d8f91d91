package to.clasp.security;

import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.address.AddressView;

/**
 * One session's recent write-scope verdicts, so a client that keeps writing the same few addresses (a fader, a
 * sensor) pays its scope patterns once per address instead of once per message. A small direct-mapped table keyed by
 * the address hash the frame's single scan already computed ({@link AddressView#hash()}); a slot holds the address
 * bytes too and a hit compares them, so a hash collision can never lend one address another's verdict.
 * <ul>
 *     <li><b>Invalidation.</b> The verdicts belong to one {@link ScopeSet}: a check with another set (a new HELLO with
 *     another token) empties the table first. A token whose scopes change on reload is a new {@code ScopeSet} (the
 *     sources compile a new one), and the core closes sessions whose grant is no longer current, so no verdict
 *     outlives the scopes it was computed from.</li>
 *     <li><b>Cost.</b> A hit is a hash compare, a length compare and an 8-byte-wise compare of the address; a miss
 *     adds the patterns' check ({@link ScopeSet#canWrite}) and a copy of the address into its slot. Addresses longer
 *     than {@link #MAX_CACHED_LENGTH} are never cached (checked every time). Sets that write everything (open mode,
 *     {@code write:/**}) skip the table: one flag.</li>
 *     <li><b>Memory.</b> {@link #SLOTS} × {@link #MAX_CACHED_LENGTH} bytes, allocated on the first check that needs
 *     it — never for an open-mode session.</li>
 * </ul>
 * Not thread-safe: the core thread's, like the rest of the session's state. Allocates nothing after its first use.
 */
public final class WriteScopeCache
{
    /** Table slots (a power of two). */
    public static final int SLOTS = 16;
    /** Longest address (bytes) the table holds. */
    public static final int MAX_CACHED_LENGTH = 64;

    private static final int SLOT_SHIFT = Long.SIZE - Integer.numberOfTrailingZeros(SLOTS);
    private static final byte EMPTY = 0;
    private static final byte ALLOWED = 1;
    private static final byte FORBIDDEN = 2;

    private ScopeSet owner;
    private long[] hashes;
    private int[] lengths;
    private byte[] verdicts;
    private UnsafeBuffer keys;

    /**
     * May a session holding {@code scopes} write {@code address} (a scanned, valid address)? Same answer as
     * {@link ScopeSet#canWrite}.
     */
    public boolean canWrite(final ScopeSet scopes, final AddressView address)
    {
        if (scopes.writesEverything())
        {
            return true;
        }
        final int length = address.length();
        if (length > MAX_CACHED_LENGTH)
        {
            return scopes.canWrite(address.buffer(), address.offset(), length);
        }
        if (owner != scopes)
        {
            reset(scopes);
        }
        final long hash = address.hash();
        final int slot = slot(hash);
        final int keyOffset = slot * MAX_CACHED_LENGTH;
        final byte cached = verdicts[slot];
        if (EMPTY != cached && hashes[slot] == hash && address.sameBytes(keys, keyOffset, lengths[slot]))
        {
            return ALLOWED == cached;
        }
        final boolean allowed = scopes.canWrite(address.buffer(), address.offset(), length);
        hashes[slot] = hash;
        lengths[slot] = length;
        keys.putBytes(keyOffset, address.buffer(), address.offset(), length);
        verdicts[slot] = allowed ? ALLOWED : FORBIDDEN;
        return allowed;
    }

    /** Forget every verdict (tests; also done by the first check with another scope set). */
    public void clear()
    {
        if (null != verdicts)
        {
            java.util.Arrays.fill(verdicts, EMPTY);
        }
    }

    /** Fibonacci hashing: the top bits of the product mix every bit of the hash, so near addresses spread out. */
    private static int slot(final long hash)
    {
        return (int)((hash * 0x9E3779B97F4A7C15L) >>> SLOT_SHIFT);
    }

    private void reset(final ScopeSet scopes)
    {
        if (null == verdicts)
        {
            hashes = new long[SLOTS];
            lengths = new int[SLOTS];
            verdicts = new byte[SLOTS];
            keys = new UnsafeBuffer(new byte[SLOTS * MAX_CACHED_LENGTH]);
        }
        else
        {
            clear();
        }
        owner = scopes;
    }
}
