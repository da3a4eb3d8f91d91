package to.clasp.address;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trie index and {@link Pattern} against a reference matcher written here from the spec, independent of the
 * implementation (strings, recursion, java.util.regex for in-segment globs). Segments come from a small alphabet
 * so that matches, overlaps and shared trie prefixes are common.
 */
class MatcherProperties
{
    private static final String[] PATTERN_SEGMENTS =
        { "a", "b", "ab", "é", "*", "**", "a*", "*b", "a*b", "b*", "***", "?" };
    private static final String[] ADDRESS_SEGMENTS = { "a", "b", "ab", "aab", "é", "bé", "x", "?" };

    // ---------------------------------------------------------------------------------------------------------
    // Reference matcher
    // ---------------------------------------------------------------------------------------------------------

    static List<String> segments(final String s)
    {
        return Arrays.asList(s.substring(1).split("/", -1));
    }

    static boolean reference(final String pattern, final String address)
    {
        if (address.isEmpty() || address.charAt(0) != '/')
        {
            return false;
        }
        return reference(segments(pattern), 0, segments(address), 0);
    }

    private static boolean reference(final List<String> p, final int i, final List<String> a, final int j)
    {
        if (i == p.size())
        {
            return j == a.size();
        }
        final String seg = p.get(i);
        if (seg.equals("**"))
        {
            return reference(p, i + 1, a, j) || (j < a.size() && reference(p, i, a, j + 1));
        }
        if (j == a.size())
        {
            return false;
        }
        final String s = a.get(j);
        final boolean ok;
        if (seg.equals("*"))
        {
            ok = !s.isEmpty();
        }
        else if (seg.contains("*"))
        {
            ok = java.util.regex.Pattern.compile(globToRegex(seg), java.util.regex.Pattern.DOTALL).matcher(s).matches();
        }
        else
        {
            ok = seg.equals(s);
        }
        return ok && reference(p, i + 1, a, j + 1);
    }

    private static String globToRegex(final String glob)
    {
        final StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', from))
        {
            regex.append(java.util.regex.Pattern.quote(glob.substring(from, star))).append(".*");
            from = star + 1;
        }
        return regex.append(java.util.regex.Pattern.quote(glob.substring(from))).toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generators
    // ---------------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> patterns()
    {
        final Arbitrary<String> normal = Combinators.combine(
            Arbitraries.of(PATTERN_SEGMENTS).list().ofMinSize(1).ofMaxSize(4),
            Arbitraries.integers().between(0, 9))
            .as((segs, roll) -> "/" + String.join("/", segs) + (roll == 0 ? "/" : ""));
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(30, normal),
            net.jqwik.api.Tuple.of(1, Arbitraries.just("/")));
    }

    @Provide
    Arbitrary<String> addresses()
    {
        final Arbitrary<String> segment = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, Arbitraries.of(ADDRESS_SEGMENTS)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
        return segment.list().ofMinSize(1).ofMaxSize(5).map(segs -> "/" + String.join("/", segs));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pattern.matches vs reference
    // ---------------------------------------------------------------------------------------------------------

    @Property(tries = 3000)
    void patternMatchesAgreesWithReference(@ForAll("patterns") final String pattern, @ForAll("addresses") final String address)
    {
        final boolean expected = reference(pattern, address);
        Statistics.label("matches").collect(expected);
        Statistics.label("matches").coverage(c -> c.check(true).percentage(pct -> pct > 2.0));
        assertEquals(expected, Pattern.compile(pattern).matches(address), pattern + " vs " + address);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Index vs brute force over the live subscriptions, across random subscribe / unsubscribe / removeSession
    // ---------------------------------------------------------------------------------------------------------

    interface Op
    {
    }

    record Add(int session, long id, String pattern, int mask) implements Op
    {
    }

    record Remove(int session, long id) implements Op
    {
    }

    record RemoveSession(int session) implements Op
    {
    }

    record Match(String address) implements Op
    {
    }

    record Key(int session, long id)
    {
    }

    @Provide
    Arbitrary<List<Op>> operations()
    {
        final Arbitrary<Integer> session = Arbitraries.integers().between(0, 4);
        final Arbitrary<Long> id = Arbitraries.longs().between(1, 4);
        final Arbitrary<Integer> mask = Arbitraries.of(0, 0xFF, 0x01, 0x02, 0x04, 0x03, 0x10);
        final Arbitrary<Op> add = Combinators.combine(session, id, patterns(), mask).as(Add::new);
        final Arbitrary<Op> remove = Combinators.combine(session, id).as(Remove::new);
        final Arbitrary<Op> removeSession = session.map(RemoveSession::new);
        // A small fixed pool of addresses, so the same address is matched again before and after subscriptions change.
        final Arbitrary<Op> match = Arbitraries.of(
            "/a", "/b", "/a/b", "/a/ab", "/ab/b/a", "/é", "/a/é/b", "/a/a/a", "/x/y", "/a/", "/", "/?/a", "/b/aab")
            .map(Match::new);
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, add),
            net.jqwik.api.Tuple.of(3, remove),
            net.jqwik.api.Tuple.of(1, removeSession),
            net.jqwik.api.Tuple.of(8, match))
            .list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 400)
    void indexAgreesWithBruteForce(@ForAll("operations") final List<Op> ops)
    {
        final SubscriptionIndex[] indexes = {
            new SubscriptionIndex(),          // default cache
            new SubscriptionIndex(4, 1 << 20), // tiny cache: cleared often
            new SubscriptionIndex(0, 0),       // no cache: every match walks
            new SubscriptionIndex(64, 400),    // tight byte budget: big results uncached, clears
        };
        final Map<Key, Add> live = new LinkedHashMap<>();

        for (final Op op : ops)
        {
            if (op instanceof Add)
            {
                final Add add = (Add)op;
                live.put(new Key(add.session(), add.id()), add);
                final Pattern compiled = Pattern.compile(add.pattern());
                for (final SubscriptionIndex index : indexes)
                {
                    index.add(add.session(), add.id(), compiled, add.mask());
                }
            }
            else if (op instanceof Remove)
            {
                final Remove remove = (Remove)op;
                final boolean existed = live.remove(new Key(remove.session(), remove.id())) != null;
                for (final SubscriptionIndex index : indexes)
                {
                    assertEquals(existed, index.remove(remove.session(), remove.id()));
                }
            }
            else if (op instanceof RemoveSession)
            {
                final int session = ((RemoveSession)op).session();
                final int before = live.size();
                live.keySet().removeIf(k -> k.session() == session);
                for (final SubscriptionIndex index : indexes)
                {
                    assertEquals(before - live.size(), index.removeSession(session));
                }
            }
            else
            {
                final String address = ((Match)op).address();
                final Map<Key, Integer> expected = new LinkedHashMap<>();
                for (final Add add : live.values())
                {
                    if (reference(add.pattern(), address))
                    {
                        expected.put(new Key(add.session(), add.id()), add.mask() == 0 ? 0xFF : add.mask());
                    }
                }
                Statistics.label("match has results").collect(!expected.isEmpty());
                for (final SubscriptionIndex index : indexes)
                {
                    assertResult(index, address, expected);
                }
            }

            for (final SubscriptionIndex index : indexes)
            {
                assertEquals(live.size(), index.size());
                for (int s = 0; s <= 4; s++)
                {
                    final int session = s;
                    assertEquals(live.keySet().stream().filter(k -> k.session() == session).count(),
                        index.subscriptionCount(s));
                }
            }
        }

        Statistics.label("match has results").coverage(c -> c.check(true).percentage(pct -> pct > 10.0));

        // Removing everything prunes the trie back to the root.
        for (final SubscriptionIndex index : indexes)
        {
            for (int s = 0; s <= 4; s++)
            {
                index.removeSession(s);
            }
            assertEquals(0, index.size());
            assertEquals(1, index.nodeCount());
        }
    }

    /**
     * The cache is patched, never flushed, on subscribe and unsubscribe: after any churn, every cached result must be
     * what a fresh trie walk for its address answers (same subscriptions with the same masks, same sessions with the
     * same unions, groups contiguous). Matches come first so most addresses are cached before the churn.
     */
    @Property(tries = 400)
    void patchedCacheEqualsAFreshWalkAfterChurn(@ForAll("operations") final List<Op> ops)
    {
        final SubscriptionIndex[] indexes = {
            new SubscriptionIndex(),           // default cache
            new SubscriptionIndex(8, 1 << 20), // small cache: cleared by new addresses between patches
            new SubscriptionIndex(64, 700),    // tight byte budget: patches that grow an entry drop it
        };
        final String[] pool = {
            "/a", "/b", "/a/b", "/a/ab", "/ab/b/a", "/é", "/a/é/b", "/a/a/a", "/x/y", "/a/", "/", "/?/a", "/b/aab"};
        for (final SubscriptionIndex index : indexes)
        {
            for (final String address : pool)
            {
                index.match(address);
            }
        }
        final MatchResult fresh = new MatchResult();
        for (final Op op : ops)
        {
            for (final SubscriptionIndex index : indexes)
            {
                if (op instanceof Add add)
                {
                    index.add(add.session(), add.id(), Pattern.compile(add.pattern()), add.mask());
                }
                else if (op instanceof Remove remove)
                {
                    index.remove(remove.session(), remove.id());
                }
                else if (op instanceof RemoveSession removeSession)
                {
                    index.removeSession(removeSession.session());
                }
                else
                {
                    index.match(((Match)op).address());
                }

                final int[] checked = {0};
                index.forEachCached(entry ->
                {
                    index.walk(entry.keyBuffer, 0, entry.keyLength, fresh);
                    final String address = entry.keyBuffer.getStringWithoutLengthUtf8(0, entry.keyLength);
                    assertEquals(contents(index, fresh), contents(index, entry), address + " after " + op);
                    assertEquals(groups(fresh), groups(entry), address + " after " + op);
                    checked[0]++;
                });
                assertEquals(index.cachedAddresses(), checked[0]);
            }
        }
    }

    /** Each matching subscription's key and mask. */
    private static Map<Key, Integer> contents(final SubscriptionIndex index, final MatchResult r)
    {
        final Map<Key, Integer> out = new LinkedHashMap<>();
        for (int j = 0; j < r.subscriptionCount(); j++)
        {
            final int h = r.subscription(j);
            assertEquals(index.sessionOf(h), r.subscriptionSession(j));
            assertEquals(null, out.put(new Key(index.sessionOf(h), index.subscriptionIdOf(h)),
                r.subscriptionTypeMask(j)), "listed twice");
        }
        return out;
    }

    /** Session → (its subscriptions' handles, its mask), checking the groups are contiguous and complete. */
    private static Map<Integer, List<Object>> groups(final MatchResult r)
    {
        final Map<Integer, List<Object>> out = new LinkedHashMap<>();
        int next = 0;
        for (int i = 0; i < r.sessionCount(); i++)
        {
            assertEquals(next, r.sessionFirstSubscription(i));
            final Set<Integer> handles = new HashSet<>();
            int union = 0;
            for (int j = next; j < next + r.sessionSubscriptionCount(i); j++)
            {
                assertEquals(r.session(i), r.subscriptionSession(j));
                handles.add(r.subscription(j));
                union |= r.subscriptionTypeMask(j);
            }
            assertEquals(union, r.sessionTypeMask(i));
            assertEquals(null, out.put(r.session(i), List.of(handles, union)), "session listed twice");
            next += r.sessionSubscriptionCount(i);
        }
        assertEquals(r.subscriptionCount(), next);
        return new java.util.TreeMap<>(out);
    }

    private static void assertResult(final SubscriptionIndex index, final String address, final Map<Key, Integer> expected)
    {
        final MatchResult r = index.match(address);
        final Map<Key, Integer> actual = new LinkedHashMap<>();
        for (int j = 0; j < r.subscriptionCount(); j++)
        {
            final int h = r.subscription(j);
            final Key key = new Key(index.sessionOf(h), index.subscriptionIdOf(h));
            assertEquals(null, actual.put(key, r.subscriptionTypeMask(j)), "duplicate " + key);
            assertEquals(key.session(), r.subscriptionSession(j));
        }
        assertEquals(expected, actual, address);

        // Each session once, its subscriptions contiguous, its mask the union of theirs.
        final Set<Integer> sessions = new HashSet<>();
        int next = 0;
        for (int i = 0; i < r.sessionCount(); i++)
        {
            assertTrue(sessions.add(r.session(i)));
            assertEquals(next, r.sessionFirstSubscription(i));
            int union = 0;
            for (int j = next; j < next + r.sessionSubscriptionCount(i); j++)
            {
                assertEquals(r.session(i), r.subscriptionSession(j));
                union |= r.subscriptionTypeMask(j);
            }
            assertEquals(union, r.sessionTypeMask(i));
            next += r.sessionSubscriptionCount(i);
        }
        assertEquals(r.subscriptionCount(), next);
        final Set<Integer> expectedSessions = new HashSet<>();
        expected.keySet().forEach(k -> expectedSessions.add(k.session()));
        assertEquals(expectedSessions, sessions);
    }

    // ---------------------------------------------------------------------------------------------------------
    // covers
    // ---------------------------------------------------------------------------------------------------------

    private static final String[] FILL = { "", "a", "b", "é", "ab", "x" };

    /** A random address matched by {@code pattern} (the empty segment included where the rules allow it). */
    static String instantiate(final String pattern, final Random random)
    {
        final List<String> out = new ArrayList<>();
        for (final String seg : segments(pattern))
        {
            if (seg.equals("**"))
            {
                for (int n = random.nextInt(3); n > 0; n--)
                {
                    out.add(FILL[random.nextInt(FILL.length)]);
                }
            }
            else if (seg.equals("*"))
            {
                out.add(FILL[1 + random.nextInt(FILL.length - 1)]);
            }
            else if (seg.contains("*"))
            {
                final StringBuilder b = new StringBuilder();
                for (final char c : seg.toCharArray())
                {
                    b.append(c == '*' ? FILL[random.nextInt(FILL.length)] : String.valueOf(c));
                }
                out.add(b.toString());
            }
            else
            {
                out.add(seg);
            }
        }
        return "/" + String.join("/", out);
    }

    @Property(tries = 3000)
    void coversIsSound(@ForAll("patterns") final String granted, @ForAll("patterns") final String requested, @ForAll final Random random)
    {
        final Pattern g = Pattern.compile(granted);
        final Pattern r = Pattern.compile(requested);
        final boolean covers = Pattern.covers(g, r);
        Statistics.label("covers").collect(covers);
        Statistics.label("covers").coverage(c -> c.check(true).percentage(pct -> pct > 2.0));
        if (covers)
        {
            for (int k = 0; k < 30; k++)
            {
                final String address = instantiate(requested, random);
                assertTrue(reference(requested, address), "generator broken: " + requested + " " + address);
                assertTrue(g.matches(address), granted + " claimed to cover " + requested + " but misses " + address);
            }
        }
    }

    @Property(tries = 1000)
    void coversEveryValidAddressItMatches(@ForAll("patterns") final String granted, @ForAll final Random random)
    {
        // An instance of the granted pattern is a single address it matches; as an exact requested pattern it
        // must be covered (covers is complete for exact requests).
        final String requested = instantiate(granted, random);
        assertTrue(reference(granted, requested), "generator broken: " + granted + " " + requested);
        Statistics.label("instance is a valid pattern").collect(AddressRules.isValidPattern(requested));
        if (AddressRules.isValidPattern(requested))
        {
            assertTrue(Pattern.covers(Pattern.compile(granted), Pattern.compile(requested)), granted + " / " + requested);
        }
    }

    @Property(tries = 2000)
    void coversIsReflexive(@ForAll("patterns") final String pattern)
    {
        final Pattern p = Pattern.compile(pattern);
        assertTrue(Pattern.covers(p, p), pattern);
    }

    @Property(tries = 3000)
    void coversAnExactPatternIffItMatches(@ForAll("patterns") final String granted, @ForAll("addresses") final String address)
    {
        if (!AddressRules.isValidPattern(address))
        {
            return;
        }
        final Pattern g = Pattern.compile(granted);
        assertEquals(g.matches(address), Pattern.covers(g, Pattern.compile(address)), granted + " / " + address);
    }

    @Provide
    Arbitrary<String> prefixShapedPatterns()
    {
        // Literal segments, then nothing, "*" or "**" (collapsed runs too): the shapes Pattern matches by a prefix.
        return Combinators.combine(
            Arbitraries.of(ADDRESS_SEGMENTS).list().ofMinSize(0).ofMaxSize(3),
            Arbitraries.of("", "/*", "/**", "/**/**"))
            .as((segs, tail) -> segs.isEmpty() && tail.isEmpty() ? "/a"
                : (segs.isEmpty() ? "" : "/" + String.join("/", segs)) + tail);
    }

    @Property(tries = 3000)
    void prefixShapesAgreeWithTheSegmentWalk(@ForAll("prefixShapedPatterns") final String pattern,
        @ForAll("addresses") final String address, @ForAll final boolean extend)
    {
        // Half the addresses start with the pattern's literal part, so the prefix comparison is exercised both ways.
        final int wildcard = pattern.indexOf('*');
        final String candidate = extend ? (wildcard < 0 ? pattern : pattern.substring(0, wildcard)) +
            address.substring(1) : address;
        final Pattern p = Pattern.compile(pattern);
        final byte[] utf8 = candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(utf8);
        final boolean expected = reference(pattern, candidate);
        Statistics.label("matches").collect(expected);
        assertEquals(expected, p.matches(buffer, 0, utf8.length), pattern + " / " + candidate);
        assertEquals(expected, p.matchesSegments(buffer, 0, utf8.length), pattern + " / " + candidate);
    }
}
