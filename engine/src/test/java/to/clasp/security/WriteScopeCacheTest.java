package to.clasp.security;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import to.clasp.address.AddressRules;
import to.clasp.address.AddressView;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteScopeCacheTest
{
    private static AddressView scanned(final String address)
    {
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        final AddressView view = new AddressView();
        assertEquals(AddressRules.VALID, view.wrap(new UnsafeBuffer(bytes), 0, bytes.length), address);
        return view;
    }

    /** A view of {@code address} claiming {@code hash}: forces two addresses into one slot with one hash. */
    private static AddressView withHash(final String address, final long hash)
    {
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        return new AddressView().wrapValid(new UnsafeBuffer(bytes), 0, bytes.length, hash);
    }

    @Test
    void answersAsThePatternsDoOnMissAndOnHit()
    {
        final ScopeSet scopes = ScopeSet.parse("write:/bench/*,read:/bench/**,write:/a/**/z");
        final WriteScopeCache cache = new WriteScopeCache();
        final String[] addresses = {"/bench/1", "/bench/1/2", "/a/z", "/a/b/c/z", "/a/b/c/y", "/b", "/bench/1",
            "/bench/" + "x".repeat(WriteScopeCache.MAX_CACHED_LENGTH), "/a/" + "q/".repeat(40) + "z"};
        for (int round = 0; round < 3; round++)
        {
            for (final String address : addresses)
            {
                assertEquals(scopes.allows(ScopeAction.WRITE, address), cache.canWrite(scopes, scanned(address)),
                    address + " round " + round);
            }
        }
    }

    @Test
    void aHashCollisionNeverLendsAVerdict()
    {
        final ScopeSet scopes = ScopeSet.parse("write:/allowed/*");
        final WriteScopeCache cache = new WriteScopeCache();
        assertTrue(cache.canWrite(scopes, withHash("/allowed/x", 42)));
        // Same hash (same slot), other bytes, same length and a different one.
        assertFalse(cache.canWrite(scopes, withHash("/secrets/x", 42)));
        assertFalse(cache.canWrite(scopes, withHash("/allowed/x/y", 42)));
        assertTrue(cache.canWrite(scopes, withHash("/allowed/x", 42)));
    }

    @Test
    void anotherScopeSetStartsFromNothing()
    {
        final ScopeSet before = ScopeSet.parse("write:/a/*");
        final ScopeSet after = ScopeSet.parse("write:/b/*");
        final WriteScopeCache cache = new WriteScopeCache();
        assertTrue(cache.canWrite(before, scanned("/a/1")));
        assertFalse(cache.canWrite(before, scanned("/b/1")));
        assertFalse(cache.canWrite(after, scanned("/a/1")));
        assertTrue(cache.canWrite(after, scanned("/b/1")));
        assertTrue(cache.canWrite(before, scanned("/a/1")));
    }

    @Test
    void everyAddressOfManyAgreesWithThePatterns()
    {
        // More addresses than slots, so entries are replaced while verdicts are served.
        final ScopeSet scopes = ScopeSet.parse("write:/s/*/in,write:/s/7/**,read:/**");
        final WriteScopeCache cache = new WriteScopeCache();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 4 * WriteScopeCache.SLOTS; i++)
            {
                for (final String address : new String[] {"/s/" + i + "/in", "/s/" + i + "/out", "/s/" + i})
                {
                    assertEquals(scopes.allows(ScopeAction.WRITE, address), cache.canWrite(scopes, scanned(address)),
                        address);
                }
            }
        }
    }
}
