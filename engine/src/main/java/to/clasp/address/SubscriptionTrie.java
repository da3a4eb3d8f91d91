package to.clasp.address;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * The compiled patterns (NATS {@code sublist.go} idea): one {@link TrieNode} per pattern prefix, with literal children
 * in a hash table keyed by segment bytes, one {@code *} child, one {@code **} child and a short list of glob
 * children. A subscription is listed at the node where its pattern ends; removing the last one of a node prunes the
 * nodes left empty up to the root. Core thread only.
 * <p>
 * Pruned nodes are kept as spares (at most {@link #MAX_SPARE_NODES}) and reused by the next insert that needs a node:
 * a client that subscribes to an address nobody else names and drops it again, thousands of times a second, then
 * allocates no trie node, label or subscription array per SUBSCRIBE (it did: the largest share of SUBSCRIBE's garbage
 * under subscribe churn, and so of the young collections that stalled fan-out while subscriptions churned).
 */
final class SubscriptionTrie
{
    private final TrieNode root;
    private int nextNodeId;
    private final IntArrayList freeNodeIds = new IntArrayList();
    /** Pruned nodes kept for reuse; linked through {@link TrieNode#nextSpare}. */
    static final int MAX_SPARE_NODES = 1024;
    private TrieNode spares;
    private int spareCount;

    SubscriptionTrie()
    {
        root = new TrieNode(nextNodeId++);
    }

    TrieNode root()
    {
        return root;
    }

    /** Live nodes including the root (tests check that removal prunes). */
    int nodeCount()
    {
        return nextNodeId - freeNodeIds.size();
    }

    /** Node ids are dense: the walk's visited set is keyed by (node id, position). */
    int nodeIdLimit()
    {
        return nextNodeId;
    }

    /** @return the node where {@code pattern} ends, created with its path when missing. */
    TrieNode insert(final Pattern pattern)
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
                    final int hash = AddressHash.hash32(bytes, start, length);
                    if (null == node.literals)
                    {
                        node.literals = new LiteralChildren();
                    }
                    TrieNode child = node.literals.get(bytes, start, length, hash);
                    if (null == child)
                    {
                        child = newNode(node, kind, bytes, start, length, hash);
                        node.literals.put(child);
                    }
                    node = child;
                    break;
                }
                case Segments.ONE:
                    if (null == node.one)
                    {
                        node.one = newNode(node, kind, null, 0, 0, 0);
                    }
                    node = node.one;
                    break;
                case Segments.ANY:
                    if (null == node.any)
                    {
                        node.any = newNode(node, kind, null, 0, 0, 0);
                    }
                    node = node.any;
                    break;
                default:
                {
                    TrieNode child = node.findGlob(bytes, start, length);
                    if (null == child)
                    {
                        child = newNode(node, kind, bytes, start, length, 0);
                        node.addGlob(child);
                    }
                    node = child;
                    break;
                }
            }
        }
        return node;
    }

    /**
     * Take the subscription in {@code slot} off {@code node} and prune the nodes left empty.
     *
     * @return the handle swapped into {@code slot} (its slot changed), or -1.
     */
    int remove(final TrieNode from, final int slot)
    {
        TrieNode node = from;
        final int moved = node.removeSubscription(slot);

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
            keepSpare(node);
            node = parent;
        }
        return moved;
    }

    /** Spare nodes held for reuse (tests). */
    int spareCount()
    {
        return spareCount;
    }

    /** A node for one segment under {@code parent}: a spare when there is one, else a new one. */
    private TrieNode newNode(final TrieNode parent, final byte kind, final DirectBuffer label, final int offset,
        final int length, final int labelHash)
    {
        final int id = freeNodeIds.isEmpty() ? nextNodeId++ : freeNodeIds.popInt();
        final TrieNode spare = spares;
        if (null == spare)
        {
            return new TrieNode(id, parent, kind, label, offset, length, labelHash);
        }
        spares = spare.nextSpare;
        spare.nextSpare = null;
        spareCount--;
        spare.reuse(id, parent, kind, label, offset, length, labelHash);
        return spare;
    }

    private void keepSpare(final TrieNode node)
    {
        if (spareCount < MAX_SPARE_NODES)
        {
            node.clearForSpare();
            node.nextSpare = spares;
            spares = node;
            spareCount++;
        }
    }
}
