package to.clasp.address;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Who is subscribed to what, in the style of NATS' {@code sublist.go}: the subscriptions by handle
 * ({@link SubscriptionTable}), their compiled patterns in a trie ({@link SubscriptionTrie}), the walk that matches an
 * address against the trie ({@link TrieWalk}), and a per-address result cache ({@link MatchCache}) that subscribe
 * and unsubscribe patch in place. This class only coordinates them.
 * <p>
 * <b>Single writer.</b> Only the core thread may call this class (architecture invariant 1): no locks, no
 * volatile, and {@link #match} itself fills the cache.
 * <p>
 * <b>Subscriptions</b> are keyed by (session index, subscription id). Each gets an int <em>handle</em>, dense
 * and reused after removal, which the core can use to index its own per-subscription state (maxRate, epsilon).
 * Re-adding an existing key replaces the old subscription completely (the handle may change).
 * Session indices must be small non-negative ints (the core's session slot numbers): per-session scratch arrays
 * are indexed by them.
 * <p>
 * <b>Matching</b> ({@link #match}) returns a {@link MatchResult}. A seen address is a cache hit: a hash and a byte
 * compare, no trie walk, no allocation (invariant 6). An add or remove patches the cached results of exactly the
 * addresses its pattern matches and leaves every other entry alone, so one client subscribing never makes the others'
 * addresses walk again. The cache is bounded by entry count and bytes ({@link Context}).
 */
public final class SubscriptionIndex
{
    public static final int TYPE_PARAM = 0x01;
    public static final int TYPE_EVENT = 0x02;
    public static final int TYPE_STREAM = 0x04;
    public static final int TYPE_GESTURE = 0x08;
    public static final int TYPE_TIMELINE = 0x10;
    /** What a type mask of 0 or 0xFF is stored as. */
    public static final int TYPE_ALL = 0xFF;

    private final SubscriptionTable table = new SubscriptionTable();
    private final SubscriptionTrie trie = new SubscriptionTrie();
    private final TrieWalk walk = new TrieWalk(trie, table);
    private final MatchCache cache;
    private final MatchResult scratch = new MatchResult();
    private final IntArrayList removing = new IntArrayList();
    private long cacheHits;
    private long cacheMisses;

    /** An index with the default {@link Context}. */
    public SubscriptionIndex()
    {
        this(new Context());
    }

    /** An index with these cache bounds (see {@link Context#maxCacheEntries} and {@link Context#cacheBudgetBytes}). */
    public SubscriptionIndex(final int maxCacheEntries, final long cacheBudgetBytes)
    {
        this(new Context().maxCacheEntries(maxCacheEntries).cacheBudgetBytes(cacheBudgetBytes));
    }

    public SubscriptionIndex(final Context context)
    {
        context.conclude();
        cache = new MatchCache(context.maxCacheEntries(), context.cacheBudgetBytes());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Mutation
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Register (or replace) subscription {@code (sessionIndex, subscriptionId)}.
     *
     * @param typeMask signal types ({@link #TYPE_PARAM} ...); 0 and 0xFF mean all; only the low 8 bits count.
     * @return the subscription's handle (≥ 0), valid until it is removed or replaced.
     */
    public int add(final int sessionIndex, final long subscriptionId, final Pattern pattern, final int typeMask)
    {
        if (sessionIndex < 0)
        {
            throw new IllegalArgumentException("sessionIndex " + sessionIndex);
        }
        final int old = table.find(sessionIndex, subscriptionId);
        if (SubscriptionTable.NONE != old)
        {
            unlink(old);
            table.remove(old);
        }

        final int mask = normaliseTypeMask(typeMask);
        final int handle = table.add(sessionIndex, subscriptionId, pattern, mask);
        final TrieNode node = trie.insert(pattern);
        table.place(handle, node, node.addSubscription(handle));
        // A session's only subscription cannot be in any cached result yet: the patch need not look for its group.
        cache.added(pattern, handle, sessionIndex, mask, table.count(sessionIndex) == 1);
        return handle;
    }

    /** Remove one subscription; unknown keys are ignored. */
    public boolean remove(final int sessionIndex, final long subscriptionId)
    {
        final int handle = table.find(sessionIndex, subscriptionId);
        if (SubscriptionTable.NONE == handle)
        {
            return false;
        }
        unlink(handle);
        table.remove(handle);
        return true;
    }

    /** Remove all of a session's subscriptions (disconnect, second HELLO); returns how many there were. */
    public int removeSession(final int sessionIndex)
    {
        table.dropSession(sessionIndex, removing);
        final int removed = removing.size();
        for (int i = 0; i < removed; i++)
        {
            final int handle = removing.getInt(i);
            unlink(handle);
            table.release(handle);
        }
        removing.clear();
        return removed;
    }

    /** Take a handle out of the trie and out of every cached result. */
    private void unlink(final int handle)
    {
        final int moved = trie.remove(table.node(handle), table.slot(handle));
        if (moved >= 0)
        {
            table.slot(moved, table.slot(handle));
        }
        cache.removed(table.pattern(handle), handle, table.session(handle));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queries about subscriptions
    // ---------------------------------------------------------------------------------------------------------

    /** Number of live subscriptions. */
    public int size()
    {
        return table.size();
    }

    public int subscriptionCount(final int sessionIndex)
    {
        return table.count(sessionIndex);
    }

    /** Handle of {@code (sessionIndex, subscriptionId)}, or -1. */
    public int handle(final int sessionIndex, final long subscriptionId)
    {
        return table.find(sessionIndex, subscriptionId);
    }

    public int sessionOf(final int handle)
    {
        return table.session(handle);
    }

    public long subscriptionIdOf(final int handle)
    {
        return table.id(handle);
    }

    public int typeMaskOf(final int handle)
    {
        return table.typeMask(handle);
    }

    public Pattern patternOf(final int handle)
    {
        return table.pattern(handle);
    }

    /** Live trie nodes including the root (tests check that removal prunes). */
    int nodeCount()
    {
        return trie.nodeCount();
    }

    /** Pruned trie nodes kept for reuse (tests check that churn reuses them and that they are bounded). */
    int spareNodeCount()
    {
        return trie.spareCount();
    }

    /** Addresses currently holding a cached result. */
    public int cachedAddresses()
    {
        return cache.size();
    }

    /** Bytes the result cache keeps alive, as counted against {@link Context#cacheBudgetBytes()}. */
    public long cacheRetainedBytes()
    {
        return cache.retainedBytes();
    }

    public long cacheHits()
    {
        return cacheHits;
    }

    public long cacheMisses()
    {
        return cacheMisses;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Matching
    // ---------------------------------------------------------------------------------------------------------

    /**
     * The subscriptions matching an address scanned once by the caller (its hash is reused). The result is owned by
     * the index and valid until the next call on it. Allocation-free when the address is cached, and after warm-up
     * also when it is not.
     */
    public MatchResult match(final AddressView address)
    {
        return match(address.buffer(), address.offset(), address.length(), (int)address.hash());
    }

    /**
     * The subscriptions matching the address in {@code buffer[offset, offset + length)} (UTF-8), hashing it first.
     *
     * @see #match(AddressView)
     */
    public MatchResult match(final DirectBuffer buffer, final int offset, final int length)
    {
        return match(buffer, offset, length, AddressHash.hash32(buffer, offset, length));
    }

    /** {@link #match(DirectBuffer, int, int)} for a String (allocates; tests and tools). */
    public MatchResult match(final CharSequence address)
    {
        final byte[] utf8 = address.toString().getBytes(StandardCharsets.UTF_8);
        return match(new UnsafeBuffer(utf8), 0, utf8.length);
    }

    private MatchResult match(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        if (cache.isEnabled() && length <= AddressRules.MAX_ADDRESS_LENGTH)
        {
            final MatchResult cached = cache.find(buffer, offset, length, hash);
            if (null != cached)
            {
                cacheHits++;
                return cached;
            }
        }

        cacheMisses++;
        walk.walk(buffer, offset, length);
        if (cache.isEnabled() && length <= AddressRules.MAX_ADDRESS_LENGTH)
        {
            final MatchResult stored = cache.store(buffer, offset, length, hash, walk);
            if (null != stored)
            {
                return stored;
            }
        }
        walk.copyInto(scratch);
        return scratch;
    }

    /**
     * The uncached answer for an address, into {@code out} (tests compare it with the patched cache entries).
     */
    MatchResult walk(final DirectBuffer buffer, final int offset, final int length, final MatchResult out)
    {
        walk.walk(buffer, offset, length);
        walk.copyInto(out);
        return out;
    }

    /** Visit every cached result (tests). */
    void forEachCached(final java.util.function.Consumer<MatchResult> consumer)
    {
        cache.forEach(consumer);
    }

    private static int normaliseTypeMask(final int typeMask)
    {
        final int mask = typeMask & 0xFF;
        return mask == 0 ? TYPE_ALL : mask;
    }

    /**
     * Configuration of a {@link SubscriptionIndex}: the bounds of its result cache. Every setting has a default and a
     * system property; {@link #conclude()} validates once, at construction.
     */
    public static final class Context
    {
        /** Most addresses with a cached result; 0 disables the cache (every match walks the trie). */
        public static final String MAX_CACHE_ENTRIES_PROP_NAME = "clasp.match.cache.entries";
        public static final int MAX_CACHE_ENTRIES_DEFAULT = 65_536;

        /**
         * Most bytes the cache keeps alive (keys, result arrays, reusable entries, the address directory); a single
         * result bigger than this is served uncached.
         */
        public static final String CACHE_BUDGET_BYTES_PROP_NAME = "clasp.match.cache.bytes";
        public static final long CACHE_BUDGET_BYTES_DEFAULT = 32L * 1024 * 1024;

        private int maxCacheEntries = Integer.getInteger(MAX_CACHE_ENTRIES_PROP_NAME, MAX_CACHE_ENTRIES_DEFAULT);
        private long cacheBudgetBytes = Long.getLong(CACHE_BUDGET_BYTES_PROP_NAME, CACHE_BUDGET_BYTES_DEFAULT);

        /**
         * @throws IllegalArgumentException naming the offending setting.
         */
        public Context conclude()
        {
            if (maxCacheEntries < 0 || maxCacheEntries > (1 << 29))
            {
                throw new IllegalArgumentException("maxCacheEntries=" + maxCacheEntries + " outside 0.." + (1 << 29));
            }
            if (cacheBudgetBytes < 0)
            {
                throw new IllegalArgumentException("cacheBudgetBytes=" + cacheBudgetBytes + " must be >= 0");
            }
            return this;
        }

        public int maxCacheEntries()
        {
            return maxCacheEntries;
        }

        public Context maxCacheEntries(final int entries)
        {
            this.maxCacheEntries = entries;
            return this;
        }

        public long cacheBudgetBytes()
        {
            return cacheBudgetBytes;
        }

        public Context cacheBudgetBytes(final long bytes)
        {
            this.cacheBudgetBytes = bytes;
            return this;
        }
    }
}
