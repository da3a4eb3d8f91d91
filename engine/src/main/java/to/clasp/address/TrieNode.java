package to.clasp.address;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * One node of the subscription trie: the state "the pattern segments on the path from the root have been
 * matched". Children by segment kind: literal children in a hash table keyed by their bytes, one {@code *}
 * child, one {@code **} child, and a short list of in-segment glob children tested one by one. Subscriptions
 * whose pattern ends here are listed in {@link #subscriptions}.
 */
final class TrieNode
{
    private static final int[] NO_SUBSCRIPTIONS = new int[0];
    private static final TrieNode[] NO_GLOBS = new TrieNode[0];

    final int id;
    final TrieNode parent;
    final byte kind;
    /** Segment bytes for LITERAL and GLOB nodes; null for the root, ONE and ANY. */
    final UnsafeBuffer label;
    final int labelHash;
    /** True when a {@code **} is on the path: only such nodes can be reached at several address positions. */
    final boolean underAny;

    LiteralChildren literals;
    TrieNode one;
    TrieNode any;
    TrieNode[] globs = NO_GLOBS;
    int globCount;

    int[] subscriptions = NO_SUBSCRIPTIONS;
    int subscriptionCount;

    TrieNode(final int id, final TrieNode parent, final byte kind, final UnsafeBuffer label, final int labelHash)
    {
        this.id = id;
        this.parent = parent;
        this.kind = kind;
        this.label = label;
        this.labelHash = labelHash;
        this.underAny = kind == Segments.ANY || (parent != null && parent.underAny);
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
