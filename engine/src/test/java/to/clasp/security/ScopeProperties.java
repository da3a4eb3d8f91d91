package to.clasp.security;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import to.clasp.address.AddressRules;
import to.clasp.address.Pattern;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compiled scope checks against brute force: every address of a small universe (all paths of up to four
 * segments over a few segment names) is matched pattern by pattern, scope by scope, and the answers compared.
 */
class ScopeProperties
{
    private static final String[] PATTERN_SEGMENTS = { "a", "b", "ab", "*", "**", "a*", "*b", "..", "%2F" };
    private static final String[] ADDRESS_SEGMENTS = { "a", "b", "ab", "ba", "..", "%2F" };
    private static final List<String> UNIVERSE = universe(4);

    private static List<String> universe(final int depth)
    {
        final List<String> all = new ArrayList<>();
        List<String> level = List.of("");
        for (int d = 1; d <= depth; d++)
        {
            final List<String> next = new ArrayList<>();
            for (final String prefix : level)
            {
                for (final String segment : ADDRESS_SEGMENTS)
                {
                    next.add(prefix + "/" + segment);
                }
            }
            all.addAll(next);
            level = next;
        }
        return all;
    }

    @Provide
    Arbitrary<String> patterns()
    {
        return Arbitraries.of(PATTERN_SEGMENTS).list().ofMinSize(1).ofMaxSize(4)
            .map(segments -> "/" + String.join("/", segments));
    }

    @Provide
    Arbitrary<String> scopeLists()
    {
        final Arbitrary<String> scope = Arbitraries.of("read", "write", "admin")
            .flatMap(action -> patterns().map(pattern -> action + ":" + pattern));
        return scope.list().ofMinSize(0).ofMaxSize(4).map(list -> String.join(",", list));
    }

    private static boolean bruteForce(final List<Scope> scopes, final ScopeAction action, final String address)
    {
        for (final Scope scope : scopes)
        {
            if (scope.action().allows(action) && scope.pattern().matches(address))
            {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 400)
    void addressChecksEqualScopeByScopeMatching(@ForAll("scopeLists") final String list)
    {
        final List<Scope> scopes = Scope.parseList(list);
        final ScopeSet compiled = ScopeSet.of(scopes);
        for (final String address : UNIVERSE)
        {
            for (final ScopeAction action : ScopeAction.values())
            {
                assertEquals(bruteForce(scopes, action, address), compiled.allows(action, address),
                    list + " " + action + " " + address);
            }
        }
    }

    @Property(tries = 1500)
    void subscribeAllowedOnlyWhenEveryAddressItMatchesIsReadable(
        @ForAll("scopeLists") final String list, @ForAll("patterns") final String requested)
    {
        final ScopeSet compiled = ScopeSet.parse(list);
        final Pattern pattern = Pattern.compile(requested);
        final boolean allowed = compiled.canSubscribe(pattern);
        Statistics.label("allowed").collect(allowed);
        Statistics.label("allowed").coverage(c -> c.check(true).percentage(p -> p > 5.0));
        if (allowed)
        {
            for (final String address : UNIVERSE)
            {
                if (pattern.matches(address))
                {
                    assertTrue(compiled.allows(ScopeAction.READ, address),
                        list + " let " + requested + " subscribe but cannot read " + address);
                }
            }
        }
        else
        {
            // Denied: no single read scope holds every address of the universe the pattern matches, or the
            // pattern reaches beyond the universe (deeper paths, other names) where one scope would miss it.
            boolean someScopeHoldsAllOfIt = false;
            for (final Scope scope : compiled.scopes())
            {
                boolean holds = true;
                for (final String address : UNIVERSE)
                {
                    if (pattern.matches(address) && !scope.pattern().matches(address))
                    {
                        holds = false;
                        break;
                    }
                }
                someScopeHoldsAllOfIt |= holds;
            }
            Statistics.label("denied, yet one scope holds it within the universe").collect(someScopeHoldsAllOfIt);
        }
    }

    @Property(tries = 1500)
    void exactSubscribeEqualsRead(@ForAll("scopeLists") final String list, @ForAll("patterns") final String address)
    {
        if (!AddressRules.isValidAddress(address))
        {
            return;
        }
        final ScopeSet compiled = ScopeSet.parse(list);
        assertEquals(compiled.allows(ScopeAction.READ, address), compiled.canSubscribe(Pattern.compile(address)),
            list + " " + address);
    }
}
