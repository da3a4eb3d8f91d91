package to.clasp.address;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static to.clasp.address.SubscriptionIndex.TYPE_ALL;
import static to.clasp.address.SubscriptionIndex.TYPE_EVENT;
import static to.clasp.address.SubscriptionIndex.TYPE_PARAM;
import static to.clasp.address.SubscriptionIndex.TYPE_STREAM;

class SubscriptionIndexTest
{
    private final SubscriptionIndex index = new SubscriptionIndex();

    private static Pattern p(final String s)
    {
        return Pattern.compile(s);
    }

    /** "session:id" of every matching subscription, via the handles. */
    private Set<String> matches(final String address)
    {
        final MatchResult r = index.match(address);
        final Set<String> out = new HashSet<>();
        for (int j = 0; j < r.subscriptionCount(); j++)
        {
            final int h = r.subscription(j);
            assertEquals(index.sessionOf(h), r.subscriptionSession(j));
            assertTrue(out.add(index.sessionOf(h) + ":" + index.subscriptionIdOf(h)), "duplicate handle " + h);
        }
        return out;
    }

    @Test
    void addMatchAndKeys()
    {
        final int h = index.add(3, 42L, p("/a/*"), TYPE_PARAM);
        assertEquals(1, index.size());
        assertEquals(1, index.subscriptionCount(3));
        assertEquals(0, index.subscriptionCount(4));
        assertEquals(h, index.handle(3, 42L));
        assertEquals(-1, index.handle(3, 43L));
        assertEquals(-1, index.handle(9, 42L));
        assertEquals(3, index.sessionOf(h));
        assertEquals(42L, index.subscriptionIdOf(h));
        assertEquals(TYPE_PARAM, index.typeMaskOf(h));
        assertEquals(p("/a/*"), index.patternOf(h));
        assertEquals(Set.of("3:42"), matches("/a/b"));
        assertEquals(Set.of(), matches("/a/b/c"));
    }

    @Test
    void reusingAnIdReplacesTheSubscriptionCompletely()
    {
        index.add(1, 5, p("/a/*"), TYPE_PARAM);
        assertEquals(Set.of("1:5"), matches("/a/x"));

        final int h = index.add(1, 5, p("/b/*"), TYPE_EVENT);
        assertEquals(1, index.size());
        assertEquals(1, index.subscriptionCount(1));
        assertEquals(Set.of(), matches("/a/x"), "old pattern must be gone");
        assertEquals(Set.of("1:5"), matches("/b/x"));
        assertEquals(TYPE_EVENT, index.typeMaskOf(h));
        assertEquals(TYPE_EVENT, index.match("/b/x").sessionTypeMask(0));
    }

    @Test
    void removeIsExactAndIgnoresUnknownIds()
    {
        index.add(1, 1, p("/a/**"), 0);
        index.add(1, 2, p("/a/b"), 0);
        index.add(2, 1, p("/a/b"), 0);
        assertEquals(Set.of("1:1", "1:2", "2:1"), matches("/a/b"));

        assertFalse(index.remove(1, 99));
        assertFalse(index.remove(7, 1));
        assertTrue(index.remove(1, 2));
        assertFalse(index.remove(1, 2));
        assertEquals(2, index.size());
        assertEquals(1, index.subscriptionCount(1));
        assertEquals(Set.of("1:1", "2:1"), matches("/a/b"));
    }

    @Test
    void removeSessionRemovesOnlyThatSession()
    {
        index.add(1, 1, p("/a/**"), 0);
        index.add(1, 2, p("/a/b"), 0);
        index.add(1, 3, p("/c"), 0);
        index.add(2, 1, p("/a/b"), 0);
        assertEquals(Set.of("1:1", "1:2", "2:1"), matches("/a/b"));

        assertEquals(3, index.removeSession(1));
        assertEquals(0, index.removeSession(1));
        assertEquals(0, index.subscriptionCount(1));
        assertEquals(1, index.size());
        assertEquals(Set.of("2:1"), matches("/a/b"));
        assertEquals(Set.of(), matches("/c"));
        assertEquals(-1, index.handle(1, 1));
    }

    @Test
    void resultGroupsBySessionWithUnionOfTypeMasks()
    {
        index.add(1, 1, p("/a/*"), TYPE_PARAM);
        index.add(2, 1, p("/a/b"), 0);
        index.add(1, 2, p("/a/**"), TYPE_EVENT);
        index.add(3, 1, p("/x"), TYPE_PARAM);
        index.add(1, 3, p("/a/b"), TYPE_EVENT | TYPE_STREAM);

        final MatchResult r = index.match("/a/b");
        assertEquals(4, r.subscriptionCount());
        assertEquals(2, r.sessionCount());

        final Set<Integer> sessionsSeen = new HashSet<>();
        int covered = 0;
        for (int i = 0; i < r.sessionCount(); i++)
        {
            final int session = r.session(i);
            assertTrue(sessionsSeen.add(session), "session listed twice");
            final int first = r.sessionFirstSubscription(i);
            final int count = r.sessionSubscriptionCount(i);
            assertEquals(covered, first, "groups are contiguous and in order");
            covered += count;
            int union = 0;
            for (int j = first; j < first + count; j++)
            {
                assertEquals(session, r.subscriptionSession(j));
                assertEquals(index.typeMaskOf(r.subscription(j)), r.subscriptionTypeMask(j));
                union |= r.subscriptionTypeMask(j);
            }
            assertEquals(union, r.sessionTypeMask(i));

            if (session == 1)
            {
                assertEquals(3, count);
                assertEquals(TYPE_PARAM | TYPE_EVENT | TYPE_STREAM, r.sessionTypeMask(i));
                assertTrue(r.sessionAccepts(i, TYPE_STREAM));
                assertFalse(r.sessionAccepts(i, SubscriptionIndex.TYPE_GESTURE));
            }
            else
            {
                assertEquals(2, session);
                assertEquals(1, count);
                assertEquals(TYPE_ALL, r.sessionTypeMask(i));
            }
        }
        assertEquals(r.subscriptionCount(), covered);
    }

    @Test
    void typeMaskIsNormalised()
    {
        assertEquals(TYPE_ALL, index.typeMaskOf(index.add(1, 1, p("/a"), 0)));
        assertEquals(TYPE_ALL, index.typeMaskOf(index.add(1, 2, p("/a"), 0xFF)));
        assertEquals(TYPE_PARAM, index.typeMaskOf(index.add(1, 3, p("/a"), 0x101)));
        assertEquals(TYPE_ALL, index.typeMaskOf(index.add(1, 4, p("/a"), 0x100)));
    }

    @Test
    void aSubscriptionReachedBySeveralPathsIsListedOnce()
    {
        index.add(1, 1, p("/**/a/**"), 0);
        index.add(1, 2, p("/**/**/a"), 0);
        final MatchResult r = index.match("/a/a/a");
        assertEquals(2, r.subscriptionCount());
        assertEquals(1, r.sessionCount());
    }

    @Test
    void removalPrunesEmptyNodesButKeepsSharedOnes()
    {
        assertEquals(1, index.nodeCount());
        index.add(1, 1, p("/a/b/c"), 0);
        index.add(1, 2, p("/a/b/d*"), 0);
        index.add(1, 3, p("/a/*/**"), 0);
        final int full = index.nodeCount();
        assertEquals(1 + 3 + 1 + 2, full); // root, a, b, c, d*, *, **

        index.remove(1, 1);
        assertEquals(full - 1, index.nodeCount());
        assertEquals(Set.of("1:2", "1:3"), matches("/a/b/dx"));

        index.remove(1, 3);
        assertEquals(full - 3, index.nodeCount());
        assertEquals(Set.of("1:2"), matches("/a/b/d"));

        index.remove(1, 2);
        assertEquals(1, index.nodeCount());
        assertEquals(Set.of(), matches("/a/b/d"));

        // Subscribing again after pruning works.
        index.add(2, 1, p("/a/b/c"), 0);
        assertEquals(Set.of("2:1"), matches("/a/b/c"));
    }

    @Test
    void prunedNodesAreReusedForOtherSegmentsAndStayBounded()
    {
        index.add(1, 1, p("/x/a-long-literal-segment"), 0);
        index.remove(1, 1);
        assertEquals(1, index.nodeCount());
        assertEquals(2, index.spareNodeCount());

        // The two spares (literals) become a glob node with a longer label and a `*` node (no label).
        index.add(1, 2, p("/y*/*"), 0);
        assertEquals(0, index.spareNodeCount());
        assertEquals(3, index.nodeCount());
        assertEquals(Set.of("1:2"), matches("/yes/z"));
        assertEquals(Set.of(), matches("/x/a-long-literal-segment"));
        assertEquals(Set.of(), matches("/y/a-long-literal-segment/more"));

        // Spares become literals of other lengths and a `**` node (whose subtree is reachable at several positions).
        index.remove(1, 2);
        index.add(2, 1, p("/another-much-longer-literal-segment/**"), 0);
        index.add(2, 2, p("/y"), 0);
        assertEquals(Set.of("2:1"), matches("/another-much-longer-literal-segment/p/q"));
        assertEquals(Set.of("2:2"), matches("/y"));
        assertEquals(Set.of(), matches("/yes/z"));

        // Subscribe + unsubscribe of an address nobody else names takes its node from the spares every time.
        index.removeSession(2);
        final int spares = index.spareNodeCount();
        assertTrue(spares >= 2);
        for (int i = 0; i < 1000; i++)
        {
            index.add(3, 1, p("/churn/" + (i % 10)), 0x10);
            assertEquals(spares - 2, index.spareNodeCount());
            assertEquals(Set.of("3:1"), matches("/churn/" + (i % 10)));
            index.remove(3, 1);
            assertEquals(spares, index.spareNodeCount());
        }

        // Pruning a very wide trie keeps at most the bound; the rest goes to the GC.
        for (int i = 0; i < SubscriptionTrie.MAX_SPARE_NODES + 500; i++)
        {
            index.add(4, i, p("/wide/n" + i), 0);
        }
        index.removeSession(4);
        assertEquals(1, index.nodeCount());
        assertEquals(SubscriptionTrie.MAX_SPARE_NODES, index.spareNodeCount());
    }

    @Test
    void manyLiteralSiblingsSurviveChurn()
    {
        // Exercises the literal child table's growth and backward-shift deletion.
        for (int i = 0; i < 500; i++)
        {
            index.add(1, i, p("/root/n" + i), 0);
        }
        for (int i = 0; i < 500; i += 2)
        {
            assertTrue(index.remove(1, i));
        }
        for (int i = 0; i < 500; i++)
        {
            assertEquals(i % 2 == 1 ? Set.of("1:" + i) : Set.of(), matches("/root/n" + i), "n" + i);
        }
        for (int i = 1; i < 500; i += 2)
        {
            assertTrue(index.remove(1, i));
        }
        assertEquals(1, index.nodeCount());
    }

    @Test
    void handlesAreReusedAfterRemoval()
    {
        final int a = index.add(1, 1, p("/a"), 0);
        final int b = index.add(1, 2, p("/b"), 0);
        index.remove(1, 1);
        final int c = index.add(2, 1, p("/c"), 0);
        assertEquals(a, c);
        assertTrue(b != c);
    }

    @Test
    void cachedResultIsPatchedInPlaceWhenSubscriptionsChange()
    {
        index.add(1, 1, p("/a/*"), 0);
        final MatchResult first = index.match("/a/b");
        final long missesAfterFirst = index.cacheMisses();
        assertSame(first, index.match("/a/b"));
        assertEquals(missesAfterFirst, index.cacheMisses());
        assertEquals(1, index.cacheHits());
        assertEquals(1, index.cachedAddresses());

        // Subscribing patches the cached entry: same object, still a hit, now with both.
        index.add(2, 1, p("/a/b"), 0);
        assertSame(first, index.match("/a/b"));
        assertEquals(Set.of("1:1", "2:1"), matches("/a/b"));
        assertEquals(missesAfterFirst, index.cacheMisses(), "no walk after a subscribe");
        assertEquals(1, index.cachedAddresses(), "entry patched in place");

        index.removeSession(1);
        assertEquals(Set.of("2:1"), matches("/a/b"));
        index.remove(2, 1);
        assertEquals(Set.of(), matches("/a/b"));
        assertEquals(missesAfterFirst, index.cacheMisses(), "no walk after unsubscribes");
    }

    @Test
    void aSubscriptionPatchesOnlyTheAddressesItMatches()
    {
        index.add(1, 1, p("/a/**"), 0);
        final MatchResult ab = index.match("/a/b");
        final MatchResult cd = index.match("/c/d");
        final long misses = index.cacheMisses();

        index.add(2, 1, p("/c/*"), TYPE_EVENT);
        assertSame(cd, index.match("/c/d"));
        assertEquals(Set.of("2:1"), matches("/c/d"));
        assertEquals(TYPE_EVENT, cd.sessionTypeMask(0));
        assertSame(ab, index.match("/a/b"));
        assertEquals(Set.of("1:1"), matches("/a/b"));
        assertEquals(misses, index.cacheMisses());

        // "/a/**" matches "/a" itself, which lies outside the "/a" directory: the patch finds it too.
        final MatchResult a = index.match("/a");
        assertEquals(Set.of("1:1"), matches("/a"));
        index.add(3, 1, p("/a/**"), 0);
        assertSame(a, index.match("/a"));
        assertEquals(Set.of("1:1", "3:1"), matches("/a"));
        index.remove(1, 1);
        assertEquals(Set.of("3:1"), matches("/a"));
        assertEquals(Set.of("3:1"), matches("/a/b"));
        assertEquals(Set.of("2:1"), matches("/c/d"));
    }

    @Test
    void cacheIsBoundedByEntries()
    {
        final SubscriptionIndex small = new SubscriptionIndex(8, 1 << 20);
        small.add(1, 1, p("/x/*"), 0);
        small.add(2, 1, p("/x/**"), 0);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                final MatchResult r = small.match("/x/" + i);
                assertEquals(2, r.subscriptionCount());
                assertEquals(2, r.sessionCount());
                assertTrue(small.cachedAddresses() <= 8);
            }
        }
    }

    @Test
    void resultsBiggerThanTheBudgetAreServedUncached()
    {
        final SubscriptionIndex tight = new SubscriptionIndex(16, 600);
        for (int i = 0; i < 100; i++)
        {
            tight.add(i, 1, p("/**"), 0);
        }
        final MatchResult r = tight.match("/a");
        assertEquals(100, r.subscriptionCount());
        assertEquals(100, r.sessionCount());
        assertEquals(0, tight.cachedAddresses());

        // Small results still get cached under the same budget.
        final SubscriptionIndex tight2 = new SubscriptionIndex(16, 600);
        tight2.add(1, 1, p("/a"), 0);
        tight2.match("/a");
        assertEquals(1, tight2.cachedAddresses());
        for (int i = 0; i < 50; i++)
        {
            assertEquals(i == 0 ? 1 : 0, tight2.match(i == 0 ? "/a" : "/b" + i).subscriptionCount());
        }
        assertTrue(tight2.cachedAddresses() >= 1);
    }

    @Test
    void resultObjectsAreNotSharedBetweenAddresses()
    {
        index.add(1, 1, p("/a"), 0);
        final MatchResult a = index.match("/a");
        final MatchResult b = index.match("/b");
        assertNotSame(a, b);
        assertEquals(1, index.match("/a").subscriptionCount());
        assertEquals(0, index.match("/b").subscriptionCount());
    }

    @Test
    void rejectsNegativeSessionIndex()
    {
        assertThrows(IllegalArgumentException.class, () -> index.add(-1, 1, p("/a"), 0));
        assertThrows(IllegalArgumentException.class, () -> new SubscriptionIndex(-1, 10));
    }
}
