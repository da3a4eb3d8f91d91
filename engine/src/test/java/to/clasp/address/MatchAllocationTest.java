package to.clasp.address;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Architecture invariant 3: matching an address the index has seen allocates nothing. Measured with the
 * thread's allocated-bytes counter around many matches after warm-up; a few bytes of slack cover the
 * counter's own noise, not a per-match allocation (1 byte per match would be 100 000 bytes).
 */
class MatchAllocationTest
{
    private static final int MATCHES = 100_000;
    private static final long SLACK_BYTES = 2_048;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final UnsafeBuffer[] addresses = new UnsafeBuffer[64];
    private final int[] lengths = new int[64];

    MatchAllocationTest()
    {
        for (int i = 0; i < 1_000; i++)
        {
            final String pattern;
            switch (i % 4)
            {
                case 0: pattern = "/zone" + (i % 16) + "/sensor" + i + "/value"; break;
                case 1: pattern = "/zone" + (i % 16) + "/*/value"; break;
                case 2: pattern = "/zone" + (i % 16) + "/**"; break;
                default: pattern = "/zone" + (i % 16) + "/sensor" + (i % 50) + "*/value"; break;
            }
            index.add(i % 100, i, Pattern.compile(pattern), i % 3 == 0 ? 0 : 1 << (i % 5));
        }
        for (int i = 0; i < addresses.length; i++)
        {
            final byte[] utf8 = ("/zone" + (i % 16) + "/sensor" + i + "/value").getBytes(StandardCharsets.UTF_8);
            // Address at an offset inside a bigger buffer, as it sits in a received frame.
            final byte[] frame = new byte[utf8.length + 11];
            System.arraycopy(utf8, 0, frame, 11, utf8.length);
            addresses[i] = new UnsafeBuffer(frame);
            lengths[i] = utf8.length;
        }
    }

    private long matchAll()
    {
        long sum = 0;
        for (int k = 0; k < MATCHES; k++)
        {
            final int i = k & (addresses.length - 1);
            final MatchResult r = index.match(addresses[i], 11, lengths[i]);
            sum += r.sessionCount() + r.subscriptionCount();
        }
        return sum;
    }

    private static long allocatedBytes()
    {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void cachedMatchingAllocatesNothing()
    {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        final long expected = matchAll(); // warm-up: fills the cache, JIT
        matchAll();

        final long hitsBefore = index.cacheHits();
        final long missesBefore = index.cacheMisses();
        final long before = allocatedBytes();
        final long sum = matchAll();
        final long allocated = allocatedBytes() - before;

        assertEquals(expected, sum);
        assertEquals(MATCHES, index.cacheHits() - hitsBefore, "all hits");
        assertEquals(missesBefore, index.cacheMisses());
        assertTrue(sum > MATCHES, "matches found");
        assertTrue(allocated < SLACK_BYTES, "allocated " + allocated + " bytes for " + MATCHES + " cached matches");
    }

    @Test
    void resubscribeChurnPatchesCachedResultsAndAllocatesNothingOnceWarm()
    {
        // A second subscription on the same pattern keeps its trie nodes alive, so remove + add reuses them; each
        // remove and add patches the cached results of the addresses the pattern matches, in place.
        final Pattern churn = Pattern.compile("/zone1/*/value");
        index.add(500, 1, churn, 0);
        index.add(501, 1, churn, 0);
        for (int round = 0; round < 2_000; round++)
        {
            index.remove(501, 1);
            index.add(501, 1, churn, 0);
            index.match(addresses[round & 63], 11, lengths[round & 63]);
        }

        final long missesBefore = index.cacheMisses();
        final long before = allocatedBytes();
        long sessions = 0;
        for (int round = 0; round < 20_000; round++)
        {
            index.remove(501, 1);
            index.add(501, 1, churn, 0);
            sessions += index.match(addresses[round & 63], 11, lengths[round & 63]).sessionCount();
        }
        final long allocated = allocatedBytes() - before;

        assertEquals(missesBefore, index.cacheMisses(), "every match a hit: churn patches, it does not flush");
        assertTrue(sessions > 20_000, "matches found");
        assertTrue(allocated < SLACK_BYTES, "allocated " + allocated + " bytes for 20 000 resubscribes");
    }

    @Test
    void churnOnPatternsNobodyElseHoldsAllocatesNothingOnceWarm()
    {
        // The churn benchmark's shape: a client subscribes to an address no other subscription names (its trie nodes
        // are created) and drops it (they are pruned), over and over, while that address is cached with many other
        // subscribers. Pruned nodes are kept as spares, so the nodes, labels and arrays are reused.
        final Pattern[] churn = new Pattern[16];
        for (int i = 0; i < churn.length; i++)
        {
            churn[i] = Pattern.compile(i % 2 == 0 ? "/zone" + i + "/sensor" + i + "/value" : "/fresh" + i + "/*/x*");
        }
        for (int round = 0; round < 2_000; round++)
        {
            index.add(600, 1, churn[round & 15], 0x10);
            index.match(addresses[round & 63], 11, lengths[round & 63]);
            index.remove(600, 1);
        }
        final int nodes = index.nodeCount();

        final long before = allocatedBytes();
        long sessions = 0;
        for (int round = 0; round < 20_000; round++)
        {
            index.add(600, 1, churn[round & 15], 0x10);
            sessions += index.match(addresses[round & 63], 11, lengths[round & 63]).sessionCount();
            index.remove(600, 1);
        }
        final long allocated = allocatedBytes() - before;

        assertEquals(nodes, index.nodeCount(), "pruned back every time");
        assertTrue(sessions > 20_000, "matches found");
        assertTrue(allocated < SLACK_BYTES, "allocated " + allocated + " bytes for 20 000 subscribe + unsubscribe");
    }
}
