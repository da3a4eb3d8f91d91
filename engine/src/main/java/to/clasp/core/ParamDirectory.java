package to.clasp.core;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;

import to.clasp.address.Pattern;
import to.clasp.state.ParamStore;

/**
 * A secondary index of the stored params by directory (an address up to its last {@code '/'}), so a SUBSCRIBE
 * snapshot looks only at params that can match instead of every param in the store.
 * <p>
 * A pattern's leading literal segments (those before the first segment containing {@code '*'}, not counting its
 * last segment) fix a directory D that every matching address is in or below — or is D itself, when the rest of the
 * pattern is {@code **}. So the candidates are the params of D's subtree plus the param at D, each then checked
 * with {@link Pattern#matches}; an exact pattern (no {@code '*'}) is one {@link ParamStore#find} lookup. When the
 * subtree holds more than half of all params (always for patterns without a literal prefix, {@code /*}/x,
 * {@code /**}) the caller scans the whole store instead, as before.
 * <p>
 * Structure: a tree of directory nodes (found by a 64-bit hash of the directory's bytes, chained on collision),
 * each holding an intrusive doubly linked list of its params' ids in two int arrays indexed by id. Adding or
 * removing a param is O(depth) at worst, O(1) when its directory exists; a directory node exists only while it or
 * a descendant holds a param. Allocation happens only when a new directory appears or the id arrays grow, never on
 * a write to an existing param (the steady state). Core thread only.
 */
final class ParamDirectory
{
    private static final int NONE = -1;

    static final class Dir
    {
        final byte[] path;
        final long hash;
        final Dir parent;
        Dir nextInChain;
        Dir firstChild;
        Dir prevSibling;
        Dir nextSibling;
        int firstParam = NONE;
        int paramCount;
        int subtreeParams;  // params in this directory and all below it

        Dir(final byte[] path, final long hash, final Dir parent)
        {
            this.path = path;
            this.hash = hash;
            this.parent = parent;
        }

        boolean samePath(final DirectBuffer buffer, final int offset, final int length)
        {
            if (path.length != length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (path[i] != buffer.getByte(offset + i))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private final ParamStore store;
    private final Long2ObjectHashMap<Dir> byHash = new Long2ObjectHashMap<>();
    private final Dir root = new Dir(new byte[0], 0, null);
    private int[] next = new int[0];
    private int[] prev = new int[0];
    private Dir[] dirOf = new Dir[0];
    private int directoryCount;

    ParamDirectory(final ParamStore store)
    {
        this.store = store;
    }

    /**
     * A write was accepted for param {@code id}. Indexes it if it was created by this write (revision 1).
     */
    void onWrite(final int id)
    {
        if (1 == store.revision(id) || id >= dirOf.length || null == dirOf[id])
        {
            remove(id); // a stale entry for a reused id (nothing when there is none)
            add(id, store.addressBuffer(), store.addressOffset(id), store.addressLength(id));
        }
    }

    /**
     * Param {@code id} is about to be removed from the store (expiry): forget it. Unknown ids are ignored.
     */
    void remove(final int id)
    {
        if (id < 0 || id >= dirOf.length || null == dirOf[id])
        {
            return;
        }
        Dir d = dirOf[id];
        dirOf[id] = null;
        final int p = prev[id];
        final int n = next[id];
        if (NONE == p)
        {
            d.firstParam = n;
        }
        else
        {
            next[p] = n;
        }
        if (NONE != n)
        {
            prev[n] = p;
        }
        d.paramCount--;
        for (Dir x = d; null != x; x = x.parent)
        {
            x.subtreeParams--;
        }

        // Drop directories left empty, up to the root.
        while (d != root && 0 == d.paramCount && null == d.firstChild)
        {
            unlinkChild(d);
            unmap(d);
            d = d.parent;
        }
    }

    /**
     * Add to {@code out} every live param id that can match {@code pattern} (a superset of the matches; the caller
     * checks each with {@link Pattern#matches} when it reads the param) — unless that would be most of the store.
     *
     * @return {@code false}, with nothing added, when the candidates would be more than half of all params (no
     * literal prefix, or a prefix most params share): scanning the store in id order is then as cheap and needs no
     * list of ids.
     */
    boolean candidates(final Pattern pattern, final IntArrayList out)
    {
        final DirectBuffer bytes = pattern.bytes();
        final int length = bytes.capacity();
        if (pattern.isExact())
        {
            final int id = store.find(bytes, 0, length);
            if (ParamStore.NULL_ID != id)
            {
                out.addInt(id);
            }
            return true;
        }

        final int prefixLength = literalDirectoryPrefix(bytes, length);
        final Dir start = prefixLength == 0 ? root : find(bytes, 0, prefixLength);
        if (null != start && start.subtreeParams > store.size() / 2)
        {
            return false;
        }
        if (prefixLength > 0)
        {
            final int id = store.find(bytes, 0, prefixLength); // "/a/**" matches "/a" itself
            if (ParamStore.NULL_ID != id)
            {
                out.addInt(id);
            }
        }
        if (null == start)
        {
            return true;
        }
        Dir d = start;
        while (true)
        {
            for (int id = d.firstParam; NONE != id; id = next[id])
            {
                out.addInt(id);
            }
            if (null != d.firstChild)
            {
                d = d.firstChild;
                continue;
            }
            while (d != start && null == d.nextSibling)
            {
                d = d.parent;
            }
            if (d == start)
            {
                return true;
            }
            d = d.nextSibling;
        }
    }

    /**
     * @return length of the pattern's leading run of whole literal segments that are each followed by another
     * segment (the directory every match lies in or below, or is), 0 for the root.
     */
    static int literalDirectoryPrefix(final DirectBuffer bytes, final int length)
    {
        int prefix = 0;
        for (int i = 1; i < length; i++)
        {
            final byte b = bytes.getByte(i);
            if ('*' == b)
            {
                return prefix;
            }
            if ('/' == b)
            {
                prefix = i;
            }
        }
        return prefix;
    }

    /** @return directory nodes in use (diagnostics and tests). */
    int directoryCount()
    {
        return directoryCount;
    }

    private void add(final int id, final DirectBuffer address, final int offset, final int length)
    {
        ensureCapacity(id);
        int lastSlash = 0;
        for (int i = length - 1; i > 0; i--)
        {
            if ('/' == address.getByte(offset + i))
            {
                lastSlash = i;
                break;
            }
        }
        final Dir d = findOrCreate(address, offset, lastSlash);
        dirOf[id] = d;
        prev[id] = NONE;
        next[id] = d.firstParam;
        if (NONE != d.firstParam)
        {
            prev[d.firstParam] = id;
        }
        d.firstParam = id;
        d.paramCount++;
        for (Dir x = d; null != x; x = x.parent)
        {
            x.subtreeParams++;
        }
    }

    private Dir find(final DirectBuffer path, final int offset, final int length)
    {
        if (0 == length)
        {
            return root;
        }
        Dir d = byHash.get(AddressKey.hash(path, offset, length));
        while (null != d && !d.samePath(path, offset, length))
        {
            d = d.nextInChain;
        }
        return d;
    }

    private Dir findOrCreate(final DirectBuffer path, final int offset, final int length)
    {
        final Dir existing = find(path, offset, length);
        if (null != existing)
        {
            return existing;
        }
        int parentLength = 0;
        for (int i = length - 1; i > 0; i--)
        {
            if ('/' == path.getByte(offset + i))
            {
                parentLength = i;
                break;
            }
        }
        final Dir parent = findOrCreate(path, offset, parentLength);
        final byte[] bytes = new byte[length];
        path.getBytes(offset, bytes);
        final long hash = AddressKey.hash(path, offset, length);
        final Dir d = new Dir(bytes, hash, parent);
        d.nextInChain = byHash.get(hash);
        byHash.put(hash, d);
        d.nextSibling = parent.firstChild;
        if (null != parent.firstChild)
        {
            parent.firstChild.prevSibling = d;
        }
        parent.firstChild = d;
        directoryCount++;
        return d;
    }

    private static void unlinkChild(final Dir d)
    {
        if (null == d.prevSibling)
        {
            d.parent.firstChild = d.nextSibling;
        }
        else
        {
            d.prevSibling.nextSibling = d.nextSibling;
        }
        if (null != d.nextSibling)
        {
            d.nextSibling.prevSibling = d.prevSibling;
        }
    }

    private void unmap(final Dir d)
    {
        Dir head = byHash.get(d.hash);
        if (head == d)
        {
            if (null == d.nextInChain)
            {
                byHash.remove(d.hash);
            }
            else
            {
                byHash.put(d.hash, d.nextInChain);
            }
        }
        else
        {
            while (head.nextInChain != d)
            {
                head = head.nextInChain;
            }
            head.nextInChain = d.nextInChain;
        }
        directoryCount--;
    }

    private void ensureCapacity(final int id)
    {
        if (id >= dirOf.length)
        {
            final int length = Math.max(id + 1, Math.max(1024, dirOf.length * 2));
            next = Arrays.copyOf(next, length);
            prev = Arrays.copyOf(prev, length);
            dirOf = Arrays.copyOf(dirOf, length);
        }
    }
}
