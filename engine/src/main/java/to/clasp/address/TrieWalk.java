package to.clasp.address;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;

/**
 * The match walk of the {@link SubscriptionIndex}, run on a cache miss: split the address once (segment bounds and
 * {@link AddressHash}es), visit the trie's literal, {@code *} and glob children per segment and a {@code **} child
 * at every later position, collect each matching subscription once, then group them by session into a
 * {@link MatchResult}. Scratch arrays are reused, so a warm walk allocates nothing. Core thread only.
 */
final class TrieWalk
{
    private final SubscriptionTrie trie;
    private final SubscriptionTable table;

    // Split address.
    private int[] segStarts = new int[64];
    private int[] segEnds = new int[64];
    private int[] segHashes = new int[64];
    private int segmentCount;
    private DirectBuffer address;
    private final LongHashSet visited = new LongHashSet();

    // Collected handles, each once (per-walk stamp by handle).
    private int[] handles = new int[64];
    private int count;
    private int[] seen = new int[16];
    private int stamp;

    // Grouping scratch, by session index and by session position.
    private int[] sessionSeen = new int[16];
    private int[] sessionPosition = new int[16];
    private int sessionStamp;
    private int[] groupSessions = new int[16];
    private int[] groupMasks = new int[16];
    private int[] groupCounts = new int[16];
    private int groupCount;

    TrieWalk(final SubscriptionTrie trie, final SubscriptionTable table)
    {
        this.trie = trie;
        this.table = table;
    }

    /** Walk the trie for {@code buffer[offset, offset + length)}; then {@link #footprint} and {@link #copyInto}. */
    void walk(final DirectBuffer buffer, final int offset, final int length)
    {
        count = 0;
        if (seen.length < table.handleLimit())
        {
            seen = Arrays.copyOf(seen, Math.max(table.handleLimit(), seen.length * 2));
        }
        if (++stamp == 0)
        {
            Arrays.fill(seen, 0);
            stamp = 1;
        }
        if (length > 0 && buffer.getByte(offset) == AddressRules.SLASH)
        {
            split(buffer, offset, length);
            if (!visited.isEmpty())
            {
                visited.clear();
            }
            visit(trie.root(), 0);
            address = null;
        }
        group();
    }

    /** Subscriptions the last walk matched. */
    int subscriptionCount()
    {
        return count;
    }

    /** Sessions the last walk matched. */
    int sessionCount()
    {
        return groupCount;
    }

    /** Bytes a cached copy of the last walk's result would keep alive. */
    long footprint(final int keyLength)
    {
        return MatchResult.footprint(keyLength, count, groupCount);
    }

    /** Lay the last walk's result out in {@code result} (growing its arrays when needed). */
    void copyInto(final MatchResult result)
    {
        result.ensureCapacity(0, count, groupCount);
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

        // groupCounts becomes each group's write cursor (the walk is copied once, so it may be consumed).
        for (int p = 0; p < groups; p++)
        {
            groupCounts[p] = starts[p];
        }
        for (int w = 0; w < count; w++)
        {
            final int handle = handles[w];
            final int session = table.session(handle);
            final int j = groupCounts[sessionPosition[session]]++;
            result.subscriptions[j] = handle;
            result.subscriptionTypeMasks[j] = table.typeMask(handle);
            result.subscriptionSessions[j] = session;
        }
        result.subscriptionCount = count;
        result.sessionCount = groups;
    }

    /** Split once: "/" is one empty segment, "/a/" is [a, ""], exactly as Pattern.matches reads it. */
    private void split(final DirectBuffer buffer, final int offset, final int length)
    {
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
            segHashes[n] = AddressHash.hash32(buffer, start, segEnd - start);
            n++;
            start = segEnd + 1;
        }
        segmentCount = n;
        address = buffer;
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
            final DirectBuffer address = this.address;
            final int start = segStarts[i];
            final int end = segEnds[i];
            if (null != node.literals)
            {
                final TrieNode child = node.literals.get(address, start, end - start, segHashes[i]);
                if (null != child)
                {
                    visit(child, i + 1);
                }
            }
            if (null != node.one && end > start)
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
        if (null != any)
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
        for (int s = 0, n = node.subscriptionCount; s < n; s++)
        {
            final int handle = subscriptions[s];
            if (seen[handle] != stamp)
            {
                seen[handle] = stamp;
                if (count == handles.length)
                {
                    handles = Arrays.copyOf(handles, count * 2);
                }
                handles[count++] = handle;
            }
        }
    }

    /** Group the collected handles by session: groupSessions/groupMasks/groupCounts[0, groupCount). */
    private void group()
    {
        final int sessions = table.sessionLimit();
        if (sessionSeen.length < sessions)
        {
            final int capacity = Math.max(sessions, sessionSeen.length * 2);
            sessionSeen = Arrays.copyOf(sessionSeen, capacity);
            sessionPosition = Arrays.copyOf(sessionPosition, capacity);
        }
        if (++sessionStamp == 0)
        {
            Arrays.fill(sessionSeen, 0);
            sessionStamp = 1;
        }
        if (groupSessions.length < count)
        {
            final int capacity = Math.max(count, groupSessions.length * 2);
            groupSessions = new int[capacity];
            groupMasks = new int[capacity];
            groupCounts = new int[capacity];
        }

        int groups = 0;
        for (int w = 0; w < count; w++)
        {
            final int handle = handles[w];
            final int session = table.session(handle);
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
            groupMasks[position] |= table.typeMask(handle);
            groupCounts[position]++;
        }
        groupCount = groups;
    }
}
