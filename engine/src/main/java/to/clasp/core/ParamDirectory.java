package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

import to.clasp.address.AddressDirectory;
import to.clasp.address.Pattern;
import to.clasp.state.ParamStore;

/**
 * The stored params indexed by directory ({@link AddressDirectory}), so a SUBSCRIBE snapshot looks only at params
 * that can match instead of every param in the store.
 * <p>
 * Candidates for a pattern are the params of its literal directory prefix's subtree plus the param at that prefix
 * (for {@code /a/**}, which matches {@code /a}), each then checked with {@link Pattern#matches}; an exact pattern (no
 * {@code '*'}) is one {@link ParamStore#find} lookup. When the subtree holds more than half of all params (always for
 * patterns without a literal prefix, {@code /*}/x, {@code /**}) the caller scans the whole store instead. Core thread
 * only.
 */
final class ParamDirectory
{
    private final ParamStore store;
    private final AddressDirectory directory = new AddressDirectory();

    ParamDirectory(final ParamStore store)
    {
        this.store = store;
    }

    /**
     * A write was accepted for param {@code id}; indexes it if this write created it.
     */
    void onWrite(final int id, final boolean created)
    {
        if (created || !directory.contains(id))
        {
            directory.remove(id); // a stale entry for a reused id (nothing when there is none)
            directory.add(id, store.addressBuffer(), store.addressOffset(id), store.addressLength(id));
        }
    }

    /**
     * Param {@code id} is about to be removed from the store (expiry): forget it. Unknown ids are ignored.
     */
    void remove(final int id)
    {
        directory.remove(id);
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
        if (directory.subtreeSize(bytes, prefixLength) > store.size() / 2)
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
        directory.collect(bytes, prefixLength, out);
        return true;
    }

    /** @see AddressDirectory#literalDirectoryPrefix */
    static int literalDirectoryPrefix(final DirectBuffer bytes, final int length)
    {
        return AddressDirectory.literalDirectoryPrefix(bytes, length);
    }

    /** @return directory nodes in use (diagnostics and tests). */
    int directoryCount()
    {
        return directory.directoryCount();
    }
}
