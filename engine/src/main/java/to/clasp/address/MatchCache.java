package to.clasp.address;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * The {@link SubscriptionIndex}'s result cache: one {@link MatchResult} per address seen, kept current as
 * subscriptions come and go by patching the entries a changed subscription matches — as nats-server's
 * {@code addToCache} / {@code removeFromCache} do — so a subscribe or unsubscribe never flushes the addresses it does
 * not match, and matching a seen address stays a hash and a byte compare (architecture invariant 6).
 * <ul>
 *   <li><b>Lookup</b>: open addressing (linear probing, load ≤ 1/2) on the address's {@link AddressHash}, equality
 *   on the bytes. A hit allocates nothing.</li>
 *   <li><b>Patching</b>: the cached addresses are also indexed by directory ({@link AddressDirectory}), so the
 *   candidates for a pattern are one lookup for an exact pattern, else the cached addresses under its literal prefix
 *   (all of them only for patterns that start with a wildcard); each candidate is checked with
 *   {@link Pattern#matches} — the rule the trie walk follows — and patched in place.</li>
 *   <li><b>Bounds</b> (from {@link SubscriptionIndex.Context}): at most {@code maxEntries} addresses and
 *   {@code budgetBytes} (keys, result arrays, reusable entries and the directory). When a new address would pass
 *   either, the whole cache is cleared (entries go to a free list and are reused; the free list is dropped when the
 *   byte budget needs the room). A result bigger than the budget is not cached; an entry a patch grows past the
 *   budget is dropped alone.</li>
 * </ul>
 * Core thread only.
 */
final class MatchCache
{
    private final int maxEntries;
    private final long budgetBytes;
    private final MatchResult[] table;
    private final int mask;
    private int size;
    private long retainedBytes;
    private MatchResult freeEntries;
    private final AddressDirectory directory = new AddressDirectory();
    private MatchResult[] byId = new MatchResult[16];
    private int idLimit;
    private final IntArrayList freeIds = new IntArrayList();
    private final IntArrayList candidates = new IntArrayList();

    MatchCache(final int maxEntries, final long budgetBytes)
    {
        this.maxEntries = maxEntries;
        this.budgetBytes = budgetBytes;
        // Load factor at most 1/2 keeps linear probe runs short.
        final int capacity = 0 == maxEntries ? 1 : Integer.highestOneBit(maxEntries * 2 - 1) << 1;
        table = new MatchResult[capacity];
        mask = capacity - 1;
    }

    boolean isEnabled()
    {
        return maxEntries > 0;
    }

    /** @return the cached result for the address, or null. */
    MatchResult find(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        final MatchResult[] table = this.table;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            final MatchResult entry = table[i];
            if (null == entry || entry.isFor(buffer, offset, length, hash))
            {
                return entry;
            }
        }
    }

    /**
     * Cache the result of the walk just made for this (absent) address.
     *
     * @return the new entry, or null when the result alone is bigger than the budget (serve it uncached).
     */
    MatchResult store(final DirectBuffer buffer, final int offset, final int length, final int hash,
        final TrieWalk walk)
    {
        final long directoryCost = AddressDirectory.costUpperBound(buffer, offset, length);
        if (walk.footprint(length) + directoryCost > budgetBytes)
        {
            return null;
        }
        if (size >= maxEntries)
        {
            clear();
        }

        MatchResult entry = freeEntries;
        if (null != entry)
        {
            freeEntries = entry.nextFree;
            entry.nextFree = null;
        }
        else
        {
            entry = newEntry();
        }
        retainedBytes += entry.ensureCapacity(length, walk.subscriptionCount(), walk.sessionCount());
        if (retainedBytes + directory.footprint() + directoryCost > budgetBytes)
        {
            // Start over with only this entry (it is on neither the table nor the free list, so it stays counted).
            clear();
            dropFreeEntries();
        }

        buffer.getBytes(offset, entry.key, 0, length);
        entry.keyLength = length;
        entry.hash = hash;
        walk.copyInto(entry);
        putInTable(entry);
        directory.add(entry.cacheId, entry.keyBuffer, 0, length);
        return entry;
    }

    /**
     * A subscription was added: patch it into every cached address its pattern matches.
     *
     * @param sessionIsNew the session has no other subscription, so no cached result holds it yet.
     */
    void added(final Pattern pattern, final int handle, final int session, final int typeMask,
        final boolean sessionIsNew)
    {
        collectCandidates(pattern);
        for (int c = 0, n = candidates.size(); c < n; c++)
        {
            final MatchResult entry = byId[candidates.getInt(c)];
            if (null != entry && pattern.matches(entry.keyBuffer, 0, entry.keyLength))
            {
                retainedBytes += entry.add(handle, session, typeMask, sessionIsNew);
                if (overBudget())
                {
                    evict(entry); // the one that grew goes; the others stay current
                }
            }
        }
        candidates.clear();
    }

    /** A subscription was removed: patch it out of every cached address its pattern matches. */
    void removed(final Pattern pattern, final int handle, final int session)
    {
        collectCandidates(pattern);
        for (int c = 0, n = candidates.size(); c < n; c++)
        {
            final MatchResult entry = byId[candidates.getInt(c)];
            if (null != entry && pattern.matches(entry.keyBuffer, 0, entry.keyLength))
            {
                entry.remove(handle, session);
            }
        }
        candidates.clear();
    }

    /** Addresses holding a cached result. */
    int size()
    {
        return size;
    }

    /** Bytes the cache keeps alive, as counted against the budget. */
    long retainedBytes()
    {
        return retainedBytes + directory.footprint();
    }

    /** Visit every cached entry (tests compare each with a fresh walk). */
    void forEach(final java.util.function.Consumer<MatchResult> consumer)
    {
        for (final MatchResult entry : table)
        {
            if (null != entry)
            {
                consumer.accept(entry);
            }
        }
    }

    /** The cached entries a pattern can match: one lookup when exact, else its literal prefix and subtree. */
    private void collectCandidates(final Pattern pattern)
    {
        candidates.clear();
        if (0 == size)
        {
            return;
        }
        final DirectBuffer bytes = pattern.bytes();
        final int length = bytes.capacity();
        if (pattern.isExact())
        {
            addCandidate(bytes, length);
            return;
        }
        final int prefixLength = AddressDirectory.literalDirectoryPrefix(bytes, length);
        if (prefixLength > 0)
        {
            addCandidate(bytes, prefixLength); // "/a/**" matches "/a" itself
        }
        directory.collect(bytes, prefixLength, candidates);
    }

    private void addCandidate(final DirectBuffer bytes, final int length)
    {
        final MatchResult entry = find(bytes, 0, length, AddressHash.hash32(bytes, 0, length));
        if (null != entry)
        {
            candidates.addInt(entry.cacheId);
        }
    }

    private boolean overBudget()
    {
        return retainedBytes + directory.footprint() > budgetBytes;
    }

    private MatchResult newEntry()
    {
        final MatchResult entry = new MatchResult();
        final int id = freeIds.isEmpty() ? idLimit++ : freeIds.popInt();
        if (id == byId.length)
        {
            byId = Arrays.copyOf(byId, id * 2);
        }
        byId[id] = entry;
        entry.cacheId = id;
        retainedBytes += entry.footprint();
        return entry;
    }

    private void putInTable(final MatchResult entry)
    {
        int i = entry.hash & mask;
        while (null != table[i])
        {
            i = (i + 1) & mask;
        }
        table[i] = entry;
        size++;
    }

    /** Drop one entry for good (to the GC): out of the table (backward shift, no tombstones) and the directory. */
    private void evict(final MatchResult entry)
    {
        final MatchResult[] table = this.table;
        int gap = entry.hash & mask;
        while (table[gap] != entry)
        {
            gap = (gap + 1) & mask;
        }
        for (int slot = (gap + 1) & mask; null != table[slot]; slot = (slot + 1) & mask)
        {
            final int home = table[slot].hash & mask;
            final boolean homeInRange = gap <= slot ? (gap < home && home <= slot) : (gap < home || home <= slot);
            if (!homeInRange)
            {
                table[gap] = table[slot];
                gap = slot;
            }
        }
        table[gap] = null;
        size--;
        directory.remove(entry.cacheId);
        release(entry);
    }

    /** Empty the table; entries go to the free list (still counted in the budget) to be reused. */
    private void clear()
    {
        final MatchResult[] table = this.table;
        for (int i = 0; i < table.length; i++)
        {
            final MatchResult entry = table[i];
            if (null != entry)
            {
                entry.nextFree = freeEntries;
                freeEntries = entry;
                table[i] = null;
            }
        }
        size = 0;
        directory.clear();
    }

    /** Forget the free list (to the GC) so the budget can hold new entries. */
    private void dropFreeEntries()
    {
        for (MatchResult e = freeEntries; null != e; )
        {
            final MatchResult next = e.nextFree;
            release(e);
            e = next;
        }
        freeEntries = null;
    }

    private void release(final MatchResult entry)
    {
        retainedBytes -= entry.footprint();
        entry.nextFree = null;
        byId[entry.cacheId] = null;
        freeIds.pushInt(entry.cacheId);
        entry.cacheId = -1;
    }
}
