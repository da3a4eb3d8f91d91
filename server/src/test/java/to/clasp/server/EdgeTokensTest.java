package to.clasp.server;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.security.AuthResult;
import to.clasp.security.Grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokens the server gives its own edges (MQTT bridge, OSC) when auth is on. */
final class EdgeTokensTest
{
    private static UnsafeBuffer address(final String a)
    {
        return new UnsafeBuffer(a.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anIssuedTokenCarriesExactlyItsScopesAndNothingElseIsAnEdgeToken()
    {
        final EdgeTokens tokens = new EdgeTokens();
        final String bridge = tokens.issue("mqtt bridge b:1883", "read:/mqtt/**,write:/mqtt/**");
        final String osc = tokens.issue("osc", "write:/osc/**,read:/lights/*");
        assertNotEquals(bridge, osc);
        assertTrue(bridge.length() >= 40, "256 random bits");

        final AuthResult r = tokens.authenticate(bridge, System.currentTimeMillis());
        assertTrue(r.isAccepted());
        final Grant g = r.grant();
        assertEquals(EdgeTokens.SOURCE, g.source());
        final UnsafeBuffer inside = address("/mqtt/site/door");
        final UnsafeBuffer outside = address("/private/key");
        assertTrue(g.scopes().canWrite(inside, 0, inside.capacity()));
        assertTrue(g.scopes().canRead(inside, 0, inside.capacity()));
        assertFalse(g.scopes().canWrite(outside, 0, outside.capacity()));
        assertFalse(g.scopes().canRead(outside, 0, outside.capacity()));
        assertTrue(tokens.isCurrent(g, System.currentTimeMillis()));

        final UnsafeBuffer light = address("/lights/1");
        final Grant og = tokens.authenticate(osc, 0).grant();
        assertTrue(og.scopes().canRead(light, 0, light.capacity()));
        assertFalse(og.scopes().canWrite(light, 0, light.capacity()), "OSC writes only under its namespace");

        assertNull(tokens.authenticate("edge_guessed", 0), "not one of ours: another source may judge it");
        assertNull(tokens.authenticate(bridge.substring(0, bridge.length() - 1), 0));
        assertNull(tokens.authenticate("s3cret", 0));
        assertEquals("/**", EdgeTokens.everythingUnder(""));
        assertEquals("/mqtt/**", EdgeTokens.everythingUnder("/mqtt"));
    }
}
