package to.clasp.address;

import org.agrona.DirectBuffer;

/**
 * Literal children of a trie node: open addressing with linear probing, keyed by the child's label bytes, so a
 * lookup straight from the address bytes in a {@link DirectBuffer} needs no String and no boxing. Removal uses
 * backward-shift deletion, so there are no tombstones and lookups never slow down after churn.
 */
final class LiteralChildren
{
    private TrieNode[] slots = new TrieNode[4];
    private int size;

    int size()
    {
        return size;
    }

    /** Slots in the table (a spare trie node keeps an empty table only when it is small). */
    int capacity()
    {
        return slots.length;
    }

    TrieNode get(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        final TrieNode[] slots = this.slots;
        final int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            final TrieNode node = slots[i];
            if (node == null)
            {
                return null;
            }
            if (node.labelHash == hash &&
                node.label.capacity() == length &&
                Segments.equal(node.label, 0, buffer, offset, length))
            {
                return node;
            }
        }
    }

    /** Adds a child known to be absent. */
    void put(final TrieNode node)
    {
        if ((size + 1) * 2 > slots.length)
        {
            resize(slots.length * 2);
        }
        insert(slots, node);
        size++;
    }

    void remove(final TrieNode node)
    {
        final TrieNode[] slots = this.slots;
        final int mask = slots.length - 1;
        int i = node.labelHash & mask;
        while (slots[i] != node)
        {
            if (slots[i] == null)
            {
                return;
            }
            i = (i + 1) & mask;
        }

        slots[i] = null;
        size--;

        // Backward shift: pull later members of the probe run into the hole when their home slot allows it.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask)
        {
            final int home = slots[j].labelHash & mask;
            final boolean homeInHoleToJ = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!homeInHoleToJ)
            {
                slots[i] = slots[j];
                slots[j] = null;
                i = j;
            }
        }
    }

    private void resize(final int capacity)
    {
        final TrieNode[] bigger = new TrieNode[capacity];
        for (final TrieNode node : slots)
        {
            if (node != null)
            {
                insert(bigger, node);
            }
        }
        slots = bigger;
    }

    private static void insert(final TrieNode[] slots, final TrieNode node)
    {
        final int mask = slots.length - 1;
        int i = node.labelHash & mask;
        while (slots[i] != null)
        {
            i = (i + 1) & mask;
        }
        slots[i] = node;
    }
}
