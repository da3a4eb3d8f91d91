package to.clasp.address;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who is subscribed to what: a trie of compiled pattern segments plus a per-address result cache, in the style
 * of NATS' {@code sublist.go}.
 * <p>
 * <b>Single writer.</b> Only the core thread may call this class (architecture invariant 1): no locks, no
 * volatile, and {@link #match} itself mutates the cache.
 * <p>
 * <b>Subscriptions</b> are keyed by (session index, subscription id). Each gets an int <em>handle</em>, dense
 * and reused after removal, which the core can use to index its own per-subscription state (maxRate, epsilon).
 * Re-adding an existing key replaces the old subscription completely (the handle may change).
 * Session indices must be small non-negative ints (the core's session slot numbers): per-session scratch arrays
 * are indexed by them.
 * <p>
 * <b>Matching</b> ({@link #match}) returns a {@link MatchResult}. Every add or remove bumps {@link #generation()}.
 * A result is cached per address bytes together with the generation it was computed under; a lookup for an
 * address already computed under the current generation is a hash and a byte compare, with no trie walk and no
 * allocation (invariant 6). A stale entry is recomputed in place, reusing its arrays. The cache is bounded by
 * entry count and by bytes; when either bound would be exceeded it is cleared as a whole (entries go to a free
 * list and are reused, so a hostile stream of distinct addresses costs CPU, not garbage or memory).
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

    public static final int DEFAULT_MAX_CACHE_ENTRIES = 65_536;
    public static final long DEFAULT_CACHE_BUDGET_BYTES = 32L * 1024 * 1024;

    private static final long NO_HANDLE = -1;

    // Subscriptions, struct-of-arrays by handle.
    private int[] handleSession = new int[16];
    private long[] handleId = new long[16];
    private int[] handleTypeMask = new int[16];
    private Pattern[] handlePattern = new Pattern[16];
    private TrieNode[] handleNode = new TrieNode[16];
    private int[] handleSlot = new int[16];
    private int[] handleSeen = new int[16];
    private int handleLimit;
    private final IntArrayList freeHandles = new IntArrayList();
    private int size;

    private final Int2ObjectHashMap<Long2LongHashMap> bySession = new Int2ObjectHashMap<>();

    // Trie.
    private final TrieNode root;
    private int nextNodeId;
    private final IntArrayList freeNodeIds = new IntArrayList();
    private final long seed = ThreadLocalRandom.current().nextLong();
    private long generation;

    // Walk scratch.
    private int[] segStarts = new int[64];
    private int[] segEnds = new int[64];
    private int[] segHashes = new int[64];
    private int segmentCount;
    private DirectBuffer walkAddress;
    private final LongHashSet visited = new LongHashSet();
    private int[] walkHandles = new int[64];
    private int walkCount;
    private int walkStamp;

    // Grouping scratch, by session index and by session position.
    private int[] sessionSeen = new int[16];
    private int[] sessionPosition = new int[16];
    private int sessionStamp;
    private int[] groupSessions = new int[16];
    private int[] groupMasks = new int[16];
    private int[] groupCounts = new int[16];
    private int groupCount;

    // Result cache.
    private final int maxCacheEntries;
    private final long cacheBudgetBytes;
    private final MatchResult[] cache;
    private final int cacheMask;
    private int cacheSize;
    private long cacheRetainedBytes;
    private MatchResult freeEntries;
    private final MatchResult scratch = new MatchResult();
    private long cacheHits;
    private long cacheMisses;

    public SubscriptionIndex()
    {
        this(DEFAULT_MAX_CACHE_ENTRIES, DEFAULT_CACHE_BUDGET_BYTES);
    }

    /**
     * @param maxCacheEntries  most addresses with a cached result (0 disables the cache: every match walks).
     * @param cacheBudgetBytes most bytes the cache keeps alive (keys + result arrays, including reusable free
     *                         entries); a single result bigger than this is returned uncached.
     */
    public SubscriptionIndex(final int maxCacheEntries, final long cacheBudgetBytes)
    {
        if (maxCacheEntries < 0 || maxCacheEntries > (1 << 29) || cacheBudgetBytes < 0)
        {
            throw new IllegalArgumentException("maxCacheEntries=" + maxCacheEntries + " budget=" + cacheBudgetBytes);
        }
        this.maxCacheEntries = maxCacheEntries;
        this.cacheBudgetBytes = cacheBudgetBytes;
        // Load factor at most 1/2 keeps linear probe runs short.
        final int capacity = maxCacheEntries == 0 ? 1 : Integer.highestOneBit(maxCacheEntries * 2 - 1) << 1;
        this.cache = new MatchResult[capacity];
        this.cacheMask = capacity - 1;
        this.root = new TrieNode(nextNodeId++, null, Segments.LITERAL, null, 0);
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

        Long2LongHashMap ids = bySession.get(sessionIndex);
        if (ids == null)
        {
            ids = new Long2LongHashMap(NO_HANDLE);
            bySession.put(sessionIndex, ids);
        }
        else
        {
            final long old = ids.get(subscriptionId);
            if (old != NO_HANDLE)
            {
                removeFromTrie((int)old);
            }
        }

        final int handle = allocateHandle();
        handleSession[handle] = sessionIndex;
        handleId[handle] = subscriptionId;
        handleTypeMask[handle] = normaliseTypeMask(typeMask);
        handlePattern[handle] = pattern;
        handleSeen[handle] = 0;
        ids.put(subscriptionId, handle);
        ensureSessionCapacity(sessionIndex);

        final TrieNode node = insertPath(pattern);
        handleNode[handle] = node;
        handleSlot[handle] = node.addSubscription(handle);
        size++;
        generation++;
        return handle;
    }

    /** Remove one subscription; unknown keys are ignored. */
    public boolean remove(final int sessionIndex, final long subscriptionId)
    {
        final Long2LongHashMap ids = bySession.get(sessionIndex);
        if (ids == null)
        {
            return false;
        }
        final long handle = ids.remove(subscriptionId);
        if (handle == NO_HANDLE)
        {
            return false;
        }
        // An emptied id map is kept: unsubscribe/resubscribe churn then allocates nothing. removeSession drops it,
        // so the maps kept are bounded by the live sessions.
        removeFromTrie((int)handle);
        return true;
    }

    /** Remove all of a session's subscriptions (disconnect, second HELLO); returns how many there were. */
    public int removeSession(final int sessionIndex)
    {
        final Long2LongHashMap ids = bySession.remove(sessionIndex);
        if (ids == null)
        {
            return 0;
        }
        final int removed = ids.size();
        final Long2LongHashMap.ValueIterator it = ids.values().iterator();
        while (it.hasNext())
        {
            removeFromTrie((int)it.nextValue());
        }
        return removed;
    }

    private void removeFromTrie(final int handle)
    {
        TrieNode node = handleNode[handle];
        final int moved = node.removeSubscription(handleSlot[handle]);
        if (moved >= 0)
        {
            handleSlot[moved] = handleSlot[handle];
        }

        // Prune: a node with no subscriptions and no children serves no pattern.
        while (node != root && node.isEmpty())
        {
            final TrieNode parent = node.parent;
            switch (node.kind)
            {
                case Segments.LITERAL:
                    parent.literals.remove(node);
                    break;
                case Segments.ONE:
                    parent.one = null;
                    break;
                case Segments.ANY:
                    parent.any = null;
                    break;
                default:
                    parent.removeGlob(node);
                    break;
            }
            freeNodeIds.pushInt(node.id);
            node = parent;
        }

        handleNode[handle] = null;
        handlePattern[handle] = null;
        freeHandles.pushInt(handle);
        size--;
        generation++;
    }

    private TrieNode insertPath(final Pattern pattern)
    {
        final DirectBuffer bytes = pattern.bytes();
        TrieNode node = root;
        for (int s = 0, n = pattern.segmentCount(); s < n; s++)
        {
            final byte kind = pattern.kind(s);
            final int start = pattern.start(s);
            final int length = pattern.end(s) - start;
            switch (kind)
            {
                case Segments.LITERAL:
                {
                    final int hash = Segments.hash(bytes, start, length, seed);
                    if (node.literals == null)
                    {
                        node.literals = new LiteralChildren();
                    }
                    TrieNode child = node.literals.get(bytes, start, length, hash);
                    if (child == null)
                    {
                        child = new TrieNode(nodeId(), node, kind, copy(bytes, start, length), hash);
                        node.literals.put(child);
                    }
                    node = child;
                    break;
                }
                case Segments.ONE:
                    if (node.one == null)
                    {
                        node.one = new TrieNode(nodeId(), node, kind, null, 0);
                    }
                    node = node.one;
                    break;
                case Segments.ANY:
                    if (node.any == null)
                    {
                        node.any = new TrieNode(nodeId(), node, kind, null, 0);
                    }
                    node = node.any;
                    break;
                default:
                {
                    TrieNode child = node.findGlob(bytes, start, length);
                    if (child == null)
                    {
                        child = new TrieNode(nodeId(), node, kind, copy(bytes, start, length), 0);
                        node.addGlob(child);
                    }
                    node = child;
                    break;
                }
            }
        }
        return node;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queries about subscriptions
    // ---------------------------------------------------------------------------------------------------------

    /** Number of live subscriptions. */
    public int size()
    {
        return size;
    }

    public int subscriptionCount(final int sessionIndex)
    {
        final Long2LongHashMap ids = bySession.get(sessionIndex);
        return ids == null ? 0 : ids.size();
    }

    /** Handle of {@code (sessionIndex, subscriptionId)}, or -1. */
    public int handle(final int sessionIndex, final long subscriptionId)
    {
        final Long2LongHashMap ids = bySession.get(sessionIndex);
        return ids == null ? -1 : (int)ids.get(subscriptionId);
    }

    public int sessionOf(final int handle)
    {
        return handleSession[handle];
    }

    public long subscriptionIdOf(final int handle)
    {
        return handleId[handle];
    }

    public int typeMaskOf(final int handle)
    {
        return handleTypeMask[handle];
    }

    public Pattern patternOf(final int handle)
    {
        return handlePattern[handle];
    }

    /** Live trie nodes including the root (tests check that removal prunes). */
    int nodeCount()
    {
        return nextNodeId - freeNodeIds.size();
    }

    /** Bumped by every add and remove; cached results from an older generation are recomputed. */
    public long generation()
    {
        return generation;
    }

    /** Addresses currently holding a cached result (current or stale generation). */
    public int cachedAddresses()
    {
        return cacheSize;
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
     * The subscriptions matching the address in {@code buffer[offset, offset + length)} (UTF-8). The result is
     * owned by the index and valid until the next call on it. Allocation-free when the address is cached under
     * the current generation, and after warm-up also when it is not.
     */
    public MatchResult match(final DirectBuffer buffer, final int offset, final int length)
    {
        if (maxCacheEntries == 0 || length > AddressRules.MAX_ADDRESS_LENGTH)
        {
            cacheMisses++;
            walk(buffer, offset, length);
            fill(scratch);
            return scratch;
        }

        final int hash = Segments.hash(buffer, offset, length, seed);
        final MatchResult[] cache = this.cache;
        int i = hash & cacheMask;
        MatchResult entry;
        while ((entry = cache[i]) != null)
        {
            if (entry.hash == hash &&
                entry.keyLength == length &&
                Segments.equal(buffer, offset, entry.key, length))
            {
                if (entry.generation == generation)
                {
                    cacheHits++;
                    return entry;
                }
                cacheMisses++;
                return refresh(entry, buffer, offset, length);
            }
            i = (i + 1) & cacheMask;
        }

        cacheMisses++;
        return insert(buffer, offset, length, hash);
    }

    /** {@link #match(DirectBuffer, int, int)} for a String (allocates; tests and tools). */
    public MatchResult match(final CharSequence address)
    {
        final byte[] utf8 = address.toString().getBytes(StandardCharsets.UTF_8);
        return match(new UnsafeBuffer(utf8), 0, utf8.length);
    }

    private MatchResult refresh(final MatchResult entry, final DirectBuffer buffer, final int offset, final int length)
    {
        walk(buffer, offset, length);
        group();
        if (MatchResult.footprint(length, walkCount, groupCount) > cacheBudgetBytes)
        {
            fill(scratch);
            return scratch;
        }

        cacheRetainedBytes += entry.ensureCapacity(length, walkCount, groupCount);
        if (cacheRetainedBytes > cacheBudgetBytes)
        {
            // Start over with only this entry (the walk results are still in the scratch arrays). clearCache()
            // put it on the free list and dropFreeEntries() uncounted it: count it again and put it back.
            clearCache();
            dropFreeEntries();
            cacheRetainedBytes += entry.footprint();
            putInTable(entry, entry.hash);
        }
        copyGroupsInto(entry);
        entry.generation = generation;
        return entry;
    }

    private MatchResult insert(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        walk(buffer, offset, length);
        group();
        if (MatchResult.footprint(length, walkCount, groupCount) > cacheBudgetBytes)
        {
            fill(scratch);
            return scratch;
        }

        if (cacheSize >= maxCacheEntries)
        {
            clearCache();
        }

        MatchResult entry = freeEntries;
        if (entry != null)
        {
            freeEntries = entry.nextFree;
            entry.nextFree = null;
        }
        else
        {
            entry = new MatchResult();
            cacheRetainedBytes += entry.footprint();
        }

        cacheRetainedBytes += entry.ensureCapacity(length, walkCount, groupCount);
        if (cacheRetainedBytes > cacheBudgetBytes)
        {
            clearCache();
            dropFreeEntries();
        }

        buffer.getBytes(offset, entry.key, 0, length);
        entry.keyLength = length;
        entry.hash = hash;
        copyGroupsInto(entry);
        entry.generation = generation;
        putInTable(entry, hash);
        return entry;
    }

    private void putInTable(final MatchResult entry, final int hash)
    {
        int i = hash & cacheMask;
        while (cache[i] != null)
        {
            i = (i + 1) & cacheMask;
        }
        cache[i] = entry;
        cacheSize++;
    }

    /** Empties the table; entries go to the free list (still counted in the budget) to be reused. */
    private void clearCache()
    {
        final MatchResult[] cache = this.cache;
        for (int i = 0; i < cache.length; i++)
        {
            final MatchResult entry = cache[i];
            if (entry != null)
            {
                entry.generation = -1;
                entry.nextFree = freeEntries;
                freeEntries = entry;
                cache[i] = null;
            }
        }
        cacheSize = 0;
    }

    /** Forget the free list (to the GC) so the budget can hold new entries. */
    private void dropFreeEntries()
    {
        for (MatchResult e = freeEntries; e != null; )
        {
            cacheRetainedBytes -= e.footprint();
            final MatchResult next = e.nextFree;
            e.nextFree = null;
            e = next;
        }
        freeEntries = null;
    }

    private void fill(final MatchResult result)
    {
        group();
        result.ensureCapacity(0, walkCount, groupCount);
        copyGroupsInto(result);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Trie walk
    // ---------------------------------------------------------------------------------------------------------

    /** Collect the handles of all subscriptions matching the address into walkHandles[0, walkCount), each once. */
    private void walk(final DirectBuffer buffer, final int offset, final int length)
    {
        walkCount = 0;
        if (++walkStamp == 0)
        {
            Arrays.fill(handleSeen, 0);
            walkStamp = 1;
        }
        if (length <= 0 || buffer.getByte(offset) != AddressRules.SLASH)
        {
            return;
        }

        // Split once: "/" is one empty segment, "/a/" is [a, ""], exactly as Pattern.matches reads it.
        final int end = offset + length;
        int n = 0;
        for (int start = offset + 1; start <= end; )
        {
            final int segEnd = Segments.segmentEnd(buffer, start, end);
            if (n == segStarts.length)
            {
                segStarts = Arrays.copyOf(segStarts, n * 2);
                segEnds = Arrays.copyOf(segEnds, n * 2);
                segHashes = Arrays.copyOf(segHashes, n * 2);
            }
            segStarts[n] = start;
            segEnds[n] = segEnd;
            segHashes[n] = Segments.hash(buffer, start, segEnd - start, seed);
            n++;
            start = segEnd + 1;
        }
        segmentCount = n;
        walkAddress = buffer;

        if (!visited.isEmpty())
        {
            visited.clear();
        }
        visit(root, 0);
        walkAddress = null;
    }

    /**
     * Visit {@code node} having consumed address segments [0, i). Nodes under a {@code **} can be reached at the
     * same position along several paths (e.g. {@code /**&#47;a/**} on {@code /a/a/a}); the visited set keeps the
     * walk polynomial (nodes × segments) whatever the patterns.
     */
    private void visit(final TrieNode node, final int i)
    {
        if (node.underAny && !visited.add(((long)node.id << 32) | i))
        {
            return;
        }

        final int n = segmentCount;
        if (i == n)
        {
            collect(node);
        }
        else
        {
            final DirectBuffer address = walkAddress;
            final int start = segStarts[i];
            final int end = segEnds[i];
            if (node.literals != null)
            {
                final TrieNode child = node.literals.get(address, start, end - start, segHashes[i]);
                if (child != null)
                {
                    visit(child, i + 1);
                }
            }
            if (node.one != null && end > start)
            {
                visit(node.one, i + 1);
            }
            for (int g = 0; g < node.globCount; g++)
            {
                final TrieNode glob = node.globs[g];
                if (Segments.globMatches(glob.label, 0, glob.label.capacity(), address, start, end))
                {
                    visit(glob, i + 1);
                }
            }
        }

        // ** swallows segments [i, k) for every k, including none.
        final TrieNode any = node.any;
        if (any != null)
        {
            for (int k = i; k <= n; k++)
            {
                visit(any, k);
            }
        }
    }

    private void collect(final TrieNode node)
    {
        final int[] subscriptions = node.subscriptions;
        for (int s = 0, count = node.subscriptionCount; s < count; s++)
        {
            final int handle = subscriptions[s];
            if (handleSeen[handle] != walkStamp)
            {
                handleSeen[handle] = walkStamp;
                if (walkCount == walkHandles.length)
                {
                    walkHandles = Arrays.copyOf(walkHandles, walkCount * 2);
                }
                walkHandles[walkCount++] = handle;
            }
        }
    }

    /** Group the walked handles by session: groupSessions/groupMasks/groupCounts[0, groupCount). */
    private void group()
    {
        if (++sessionStamp == 0)
        {
            Arrays.fill(sessionSeen, 0);
            sessionStamp = 1;
        }
        if (groupSessions.length < walkCount)
        {
            final int capacity = Math.max(walkCount, groupSessions.length * 2);
            groupSessions = new int[capacity];
            groupMasks = new int[capacity];
            groupCounts = new int[capacity];
        }

        int groups = 0;
        for (int w = 0; w < walkCount; w++)
        {
            final int handle = walkHandles[w];
            final int session = handleSession[handle];
            final int position;
            if (sessionSeen[session] != sessionStamp)
            {
                sessionSeen[session] = sessionStamp;
                position = groups++;
                sessionPosition[session] = position;
                groupSessions[position] = session;
                groupMasks[position] = 0;
                groupCounts[position] = 0;
            }
            else
            {
                position = sessionPosition[session];
            }
            groupMasks[position] |= handleTypeMask[handle];
            groupCounts[position]++;
        }
        groupCount = groups;
    }

    /** Lay the grouped walk out into a result (capacity already ensured). */
    private void copyGroupsInto(final MatchResult result)
    {
        final int groups = groupCount;
        final int[] starts = result.sessionStarts;
        int next = 0;
        for (int p = 0; p < groups; p++)
        {
            result.sessions[p] = groupSessions[p];
            result.sessionTypeMasks[p] = groupMasks[p];
            starts[p] = next;
            next += groupCounts[p];
        }
        starts[groups] = next;

        // groupCounts becomes each group's write cursor.
        for (int p = 0; p < groups; p++)
        {
            groupCounts[p] = starts[p];
        }
        for (int w = 0; w < walkCount; w++)
        {
            final int handle = walkHandles[w];
            final int session = handleSession[handle];
            final int j = groupCounts[sessionPosition[session]]++;
            result.subscriptions[j] = handle;
            result.subscriptionTypeMasks[j] = handleTypeMask[handle];
            result.subscriptionSessions[j] = session;
        }
        result.subscriptionCount = walkCount;
        result.sessionCount = groups;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Housekeeping
    // ---------------------------------------------------------------------------------------------------------

    private static int normaliseTypeMask(final int typeMask)
    {
        final int mask = typeMask & 0xFF;
        return mask == 0 ? TYPE_ALL : mask;
    }

    private int allocateHandle()
    {
        if (!freeHandles.isEmpty())
        {
            return freeHandles.popInt();
        }
        final int handle = handleLimit++;
        if (handle == handleSession.length)
        {
            final int capacity = handle * 2;
            handleSession = Arrays.copyOf(handleSession, capacity);
            handleId = Arrays.copyOf(handleId, capacity);
            handleTypeMask = Arrays.copyOf(handleTypeMask, capacity);
            handlePattern = Arrays.copyOf(handlePattern, capacity);
            handleNode = Arrays.copyOf(handleNode, capacity);
            handleSlot = Arrays.copyOf(handleSlot, capacity);
            handleSeen = Arrays.copyOf(handleSeen, capacity);
        }
        return handle;
    }

    private void ensureSessionCapacity(final int sessionIndex)
    {
        if (sessionIndex >= sessionSeen.length)
        {
            final int capacity = Math.max(sessionIndex + 1, sessionSeen.length * 2);
            sessionSeen = Arrays.copyOf(sessionSeen, capacity);
            sessionPosition = Arrays.copyOf(sessionPosition, capacity);
        }
    }

    private int nodeId()
    {
        return freeNodeIds.isEmpty() ? nextNodeId++ : freeNodeIds.popInt();
    }

    private static UnsafeBuffer copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new UnsafeBuffer(bytes);
    }
}
