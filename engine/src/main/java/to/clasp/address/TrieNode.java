package to.clasp.address;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * One node of the subscription trie: the state "the pattern segments on the path from the root have been
 * matched". Children by segment kind: literal children in a hash table keyed by their bytes, one {@code *}
 * child, one {@code **} child, and a short list of in-segment glob children tested one by one. Subscriptions
 * whose pattern ends here are listed in {@link #subscriptions}.
 * <p>
 * A node the trie prunes may be kept as a spare and {@link #reuse reused} for another pattern prefix (see
 * {@link SubscriptionTrie}), so its identity fields are not final; they change only while it is off the trie.
 */
final class TrieNode
{
    private static final int[] NO_SUBSCRIPTIONS = new int[0];
    private static final TrieNode[] NO_GLOBS = new TrieNode[0];

    /** Largest subscription array a spare keeps (a node that once held many does not pin that memory). */
    private static final int SPARE_MAX_SUBSCRIPTION_SLOTS = 64;
    /** Largest (empty) literal-children table a spare keeps. */
    private static final int SPARE_MAX_LITERAL_SLOTS = 16;

    int id;
    TrieNode parent;
    byte kind;
    /** Segment bytes for LITERAL and GLOB nodes (capacity = the segment's length); null for the root, ONE, ANY. */
    UnsafeBuffer label;
    /** The buffer {@link #label} uses, kept while this node is a spare or a ONE/ANY node (reuse does not allocate). */
    private UnsafeBuffer labelStore;
    int labelHash;
    /** True when a {@code **} is on the path: only such nodes can be reached at several address positions. */
    boolean underAny;
    /** The next spare while this node is on the trie's spare list. */
    TrieNode nextSpare;

    LiteralChildren literals;
    TrieNode one;
    TrieNode any;
    TrieNode[] globs = NO_GLOBS;
    int globCount;

    int[] subscriptions = NO_SUBSCRIPTIONS;
    int subscriptionCount;

    /** The root (no parent, no label). */
    TrieNode(final int id)
    {
        reuse(id, null, Segments.LITERAL, null, 0, 0, 0);
    }

    /** A new node for one segment; {@code labelSource} may be null (ONE, ANY). */
    TrieNode(final int id, final TrieNode parent, final byte kind, final DirectBuffer labelSource, final int offset,
        final int length, final int labelHash)
    {
        reuse(id, parent, kind, labelSource, offset, length, labelHash);
    }

    /**
     * Make this (new or spare) node the one for a segment: its label is copied into the node's own array, which is
     * reused when it is long enough, so a spare takes a new place in the trie without allocating.
     */
    void reuse(final int id, final TrieNode parent, final byte kind, final DirectBuffer labelSource,
        final int offset, final int length, final int labelHash)
    {
        this.id = id;
        this.parent = parent;
        this.kind = kind;
        this.labelHash = labelHash;
        this.underAny = kind == Segments.ANY || (parent != null && parent.underAny);
        if (null == labelSource)
        {
            label = null; // the buffer stays in labelStore for a later reuse with a label
            return;
        }
        if (null == labelStore)
        {
            labelStore = new UnsafeBuffer(new byte[length]);
        }
        else if (labelStore.byteArray().length < length)
        {
            labelStore.wrap(new byte[length]);
        }
        else
        {
            labelStore.wrap(labelStore.byteArray(), 0, length);
        }
        label = labelStore;
        labelSource.getBytes(offset, label, 0, length);
    }

    /**
     * This pruned node is about to become a spare: it holds nothing (it was empty), and what it keeps for reuse is
     * bounded — small arrays and a small empty child table only.
     */
    void clearForSpare()
    {
        parent = null;
        if (null != literals && literals.capacity() > SPARE_MAX_LITERAL_SLOTS)
        {
            literals = null;
        }
        one = null;
        any = null;
        if (globs.length > 2)
        {
            globs = NO_GLOBS;
        }
        globCount = 0;
        if (subscriptions.length > SPARE_MAX_SUBSCRIPTION_SLOTS)
        {
            subscriptions = NO_SUBSCRIPTIONS;
        }
        subscriptionCount = 0;
    }

    boolean isEmpty()
    {
        return subscriptionCount == 0 &&
            (literals == null || literals.size() == 0) &&
            one == null &&
            any == null &&
            globCount == 0;
    }

    /** Adds a subscription handle; returns its slot, which the index keeps for O(1) removal. */
    int addSubscription(final int handle)
    {
        if (subscriptionCount == subscriptions.length)
        {
            subscriptions = Arrays.copyOf(subscriptions, Math.max(4, subscriptionCount * 2));
        }
        subscriptions[subscriptionCount] = handle;
        return subscriptionCount++;
    }

    /** Swap-removes the handle in {@code slot}; returns the handle moved into that slot, or -1. */
    int removeSubscription(final int slot)
    {
        final int last = --subscriptionCount;
        if (slot != last)
        {
            final int moved = subscriptions[last];
            subscriptions[slot] = moved;
            return moved;
        }
        return -1;
    }

    TrieNode findGlob(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < globCount; i++)
        {
            final TrieNode g = globs[i];
            if (g.label.capacity() == length && Segments.equal(g.label, 0, buffer, offset, length))
            {
                return g;
            }
        }
        return null;
    }

    void addGlob(final TrieNode child)
    {
        if (globCount == globs.length)
        {
            globs = Arrays.copyOf(globs, Math.max(2, globCount * 2));
        }
        globs[globCount++] = child;
    }

    void removeGlob(final TrieNode child)
    {
        for (int i = 0; i < globCount; i++)
        {
            if (globs[i] == child)
            {
                globs[i] = globs[--globCount];
                globs[globCount] = null;
                return;
            }
        }
    }
}
