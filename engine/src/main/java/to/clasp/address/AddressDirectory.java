package to.clasp.address;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Ids of addresses indexed by directory (an address up to its last {@code '/'}), so the addresses a pattern can
 * match are found without looking at every one: the param store's snapshot index and the subscription result cache
 * (which patches the cached addresses a new subscription matches) both use it.
 * <p>
 * A pattern's leading literal segments (those before the first segment containing {@code '*'}, not counting its last
 * segment) fix a directory D that every matching address is in or below — or is D itself, when the rest of the
 * pattern is {@code **} ({@link #literalDirectoryPrefix}). {@link #collect} lists the ids of D's subtree; the caller
 * adds the address equal to D (and, for an exact pattern, looks the one address up instead) and checks each candidate
 * with {@link Pattern#matches}.
 * <p>
 * Structure: a tree of directory nodes (found by {@link AddressHash} of the directory's bytes, chained on collision),
 * each holding an intrusive doubly linked list of its ids in int arrays indexed by id. Adding or removing an id is
 * O(depth) at worst, O(1) when its directory exists; a directory node exists only while it or a descendant holds an
 * id. Allocation happens only when a new directory appears or the id arrays grow. Single-threaded.
 */
public final class AddressDirectory
{
    private static final int NONE = -1;
    /** Rough heap bytes of one directory node beside its path bytes, for memory budgets. */
    private static final int NODE_BYTES = 96;

    private static final class Dir
    {
        final byte[] path;
        final long hash;
        final Dir parent;
        Dir nextInChain;
        Dir firstChild;
        Dir prevSibling;
        Dir nextSibling;
        int firstId = NONE;
        int idCount;
        int subtreeIds;  // ids in this directory and all below it

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

    private final Long2ObjectHashMap<Dir> byHash = new Long2ObjectHashMap<>();
    private Dir root = new Dir(new byte[0], 0, null);
    private int[] next = new int[0];
    private int[] prev = new int[0];
    private Dir[] dirOf = new Dir[0];
    private int directoryCount;
    private long pathBytes;

    /**
     * @return length of the pattern's leading run of whole literal segments that are each followed by another
     * segment (the directory every match lies in or below, or is), 0 for the root.
     */
    public static int literalDirectoryPrefix(final DirectBuffer bytes, final int length)
    {
        int prefix = 0;
        for (int i = 1; i < length; i++)
        {
            final byte b = bytes.getByte(i);
            if (AddressRules.STAR == b)
            {
                return prefix;
            }
            if (AddressRules.SLASH == b)
            {
                prefix = i;
            }
        }
        return prefix;
    }

    /**
     * @return the most {@link #footprint()} can grow by when an address is added: every directory on its path new.
     */
    public static long costUpperBound(final DirectBuffer address, final int offset, final int length)
    {
        long cost = 0;
        for (int i = 1; i < length; i++)
        {
            if (AddressRules.SLASH == address.getByte(offset + i))
            {
                cost += NODE_BYTES + i;
            }
        }
        return cost;
    }

    /** @return whether {@code id} is indexed. */
    public boolean contains(final int id)
    {
        return id >= 0 && id < dirOf.length && null != dirOf[id];
    }

    /** Index {@code id} under the directory of the address. The id must not be indexed already. */
    public void add(final int id, final DirectBuffer address, final int offset, final int length)
    {
        ensureCapacity(id);
        final Dir d = findOrCreate(address, offset, directoryLength(address, offset, length));
        dirOf[id] = d;
        prev[id] = NONE;
        next[id] = d.firstId;
        if (NONE != d.firstId)
        {
            prev[d.firstId] = id;
        }
        d.firstId = id;
        d.idCount++;
        for (Dir x = d; null != x; x = x.parent)
        {
            x.subtreeIds++;
        }
    }

    /** Forget {@code id}; unknown ids are ignored. Directories left empty are dropped. */
    public void remove(final int id)
    {
        if (!contains(id))
        {
            return;
        }
        Dir d = dirOf[id];
        dirOf[id] = null;
        final int p = prev[id];
        final int n = next[id];
        if (NONE == p)
        {
            d.firstId = n;
        }
        else
        {
            next[p] = n;
        }
        if (NONE != n)
        {
            prev[n] = p;
        }
        d.idCount--;
        for (Dir x = d; null != x; x = x.parent)
        {
            x.subtreeIds--;
        }

        while (d != root && 0 == d.idCount && null == d.firstChild)
        {
            unlinkChild(d);
            unmap(d);
            d = d.parent;
        }
    }

    /** Forget everything (the id arrays are kept for reuse). */
    public void clear()
    {
        byHash.clear();
        root = new Dir(new byte[0], 0, null);
        Arrays.fill(dirOf, null);
        directoryCount = 0;
        pathBytes = 0;
    }

    /**
     * @return how many ids lie in or below the directory {@code bytes[0, prefixLength)} (the whole index for 0).
     */
    public int subtreeSize(final DirectBuffer bytes, final int prefixLength)
    {
        final Dir start = find(bytes, 0, prefixLength);
        return null == start ? 0 : start.subtreeIds;
    }

    /** @return ids indexed. */
    public int size()
    {
        return root.subtreeIds;
    }

    /**
     * Add to {@code out} every id in or below the directory {@code bytes[0, prefixLength)} (see
     * {@link #literalDirectoryPrefix}): a superset of what a pattern with that prefix matches, except the address
     * equal to the directory itself, which the caller looks up.
     */
    public void collect(final DirectBuffer bytes, final int prefixLength, final IntArrayList out)
    {
        final Dir start = find(bytes, 0, prefixLength);
        if (null == start)
        {
            return;
        }
        Dir d = start;
        while (true)
        {
            for (int id = d.firstId; NONE != id; id = next[id])
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
                return;
            }
            d = d.nextSibling;
        }
    }

    /** @return directory nodes in use (diagnostics and tests). */
    public int directoryCount()
    {
        return directoryCount;
    }

    /**
     * @return approximate heap bytes of the directory nodes and their paths (the per-id arrays, 16 bytes per id,
     * are sized by the highest id and not counted here).
     */
    public long footprint()
    {
        return (long)directoryCount * NODE_BYTES + pathBytes;
    }

    private Dir find(final DirectBuffer path, final int offset, final int length)
    {
        if (0 == length)
        {
            return root;
        }
        Dir d = byHash.get(AddressHash.hash(path, offset, length));
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
        final Dir parent = findOrCreate(path, offset, directoryLength(path, offset, length));
        final byte[] bytes = new byte[length];
        path.getBytes(offset, bytes);
        final long hash = AddressHash.hash(path, offset, length);
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
        pathBytes += length;
        return d;
    }

    /** @return length of the directory of {@code path}: up to its last {@code '/'} after the first byte, else 0. */
    private static int directoryLength(final DirectBuffer path, final int offset, final int length)
    {
        for (int i = length - 1; i > 0; i--)
        {
            if (AddressRules.SLASH == path.getByte(offset + i))
            {
                return i;
            }
        }
        return 0;
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
        pathBytes -= d.path.length;
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
