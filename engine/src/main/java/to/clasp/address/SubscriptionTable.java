package to.clasp.address;

import java.util.Arrays;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;

/**
 * The handle table of the {@link SubscriptionIndex}: every live subscription by its dense int handle (reused after
 * removal) — its key (session index, subscription id), normalised type mask, pattern, and where the trie lists it
 * (node and slot, for O(1) removal) — and the handles of each session by subscription id. Struct-of-arrays by handle,
 * so the match walk reads a handle's session and mask from two int arrays. Core thread only.
 */
final class SubscriptionTable
{
    static final int NONE = -1;

    private int[] session = new int[16];
    private long[] id = new long[16];
    private int[] typeMask = new int[16];
    private Pattern[] pattern = new Pattern[16];
    private TrieNode[] node = new TrieNode[16];
    private int[] slot = new int[16];
    private int limit;
    private final IntArrayList freeHandles = new IntArrayList();
    private int size;
    private int sessionLimit;

    private final Int2ObjectHashMap<Long2LongHashMap> bySession = new Int2ObjectHashMap<>();

    /** @return the handle of {@code (sessionIndex, subscriptionId)}, or {@link #NONE}. */
    int find(final int sessionIndex, final long subscriptionId)
    {
        final Long2LongHashMap ids = bySession.get(sessionIndex);
        return null == ids ? NONE : (int)ids.get(subscriptionId);
    }

    /** Register a key that is not present; returns its new handle. */
    int add(final int sessionIndex, final long subscriptionId, final Pattern compiled, final int mask)
    {
        Long2LongHashMap ids = bySession.get(sessionIndex);
        if (null == ids)
        {
            ids = new Long2LongHashMap(NONE);
            bySession.put(sessionIndex, ids);
        }
        final int handle = allocate();
        session[handle] = sessionIndex;
        id[handle] = subscriptionId;
        typeMask[handle] = mask;
        pattern[handle] = compiled;
        ids.put(subscriptionId, handle);
        sessionLimit = Math.max(sessionLimit, sessionIndex + 1);
        size++;
        return handle;
    }

    /**
     * Forget a handle's key; the handle is free for reuse. An emptied per-session map is kept: unsubscribe/resubscribe
     * churn then allocates nothing ({@link #dropSession} drops it, so the maps kept are bounded by live sessions).
     */
    void remove(final int handle)
    {
        final Long2LongHashMap ids = bySession.get(session[handle]);
        if (null != ids)
        {
            ids.remove(id[handle]);
        }
        release(handle);
    }

    /**
     * Forget a session's keys at once and list its handles into {@code out} (still allocated: the caller takes them out
     * of the trie, then {@link #release}s each).
     */
    void dropSession(final int sessionIndex, final IntArrayList out)
    {
        final Long2LongHashMap ids = bySession.remove(sessionIndex);
        if (null != ids)
        {
            final Long2LongHashMap.ValueIterator it = ids.values().iterator();
            while (it.hasNext())
            {
                out.addInt((int)it.nextValue());
            }
        }
    }

    void release(final int handle)
    {
        node[handle] = null;
        pattern[handle] = null;
        freeHandles.pushInt(handle);
        size--;
    }

    void place(final int handle, final TrieNode where, final int at)
    {
        node[handle] = where;
        slot[handle] = at;
    }

    void slot(final int handle, final int at)
    {
        slot[handle] = at;
    }

    int size()
    {
        return size;
    }

    int count(final int sessionIndex)
    {
        final Long2LongHashMap ids = bySession.get(sessionIndex);
        return null == ids ? 0 : ids.size();
    }

    /** One more than the highest session index ever added (per-session scratch arrays are sized by it). */
    int sessionLimit()
    {
        return sessionLimit;
    }

    int session(final int handle)
    {
        return session[handle];
    }

    long id(final int handle)
    {
        return id[handle];
    }

    int typeMask(final int handle)
    {
        return typeMask[handle];
    }

    Pattern pattern(final int handle)
    {
        return pattern[handle];
    }

    TrieNode node(final int handle)
    {
        return node[handle];
    }

    int slot(final int handle)
    {
        return slot[handle];
    }

    /** One more than the highest handle ever allocated (per-handle scratch arrays are sized by it). */
    int handleLimit()
    {
        return limit;
    }

    private int allocate()
    {
        if (!freeHandles.isEmpty())
        {
            return freeHandles.popInt();
        }
        final int handle = limit++;
        if (handle == session.length)
        {
            final int capacity = handle * 2;
            session = Arrays.copyOf(session, capacity);
            id = Arrays.copyOf(id, capacity);
            typeMask = Arrays.copyOf(typeMask, capacity);
            pattern = Arrays.copyOf(pattern, capacity);
            node = Arrays.copyOf(node, capacity);
            slot = Arrays.copyOf(slot, capacity);
        }
        return handle;
    }
}
