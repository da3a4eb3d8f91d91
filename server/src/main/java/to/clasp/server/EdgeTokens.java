package to.clasp.server;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import to.clasp.security.AuthResult;
import to.clasp.security.Grant;
import to.clasp.security.ScopeSet;
import to.clasp.security.TokenSource;

/**
 * Tokens of the router's own edges when auth is on: the MQTT bridge's session and the OSC edge's sessions are the
 * router's trusted side, not clients, so the server gives each a random token that never leaves the process
 * (256 bits, created at start, valid until exit) with exactly the scopes its job needs — the bridge read and write on
 * the MQTT namespace, the OSC edge write on the OSC namespace and read on its {@code --osc-send} patterns
 * (docs/security.md, "The router's own edges"). Judged first, by table lookup, like the tokens file.
 */
final class EdgeTokens implements TokenSource
{
    static final String SOURCE = "edge";
    private static final String PREFIX = "edge_";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    /**
     * @param subject what the token is for (logs, the inspector's session list).
     * @param scopes  comma-separated scopes, e.g. {@code read:/mqtt/**,write:/mqtt/**}.
     * @return a new token with these scopes.
     */
    String issue(final String subject, final String scopes)
    {
        final byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        final String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        grants.put(token, new Grant(ScopeSet.parse(scopes), Grant.NEVER, subject, SOURCE));
        return token;
    }

    public AuthResult authenticate(final String token, final long nowEpochMs)
    {
        final Grant grant = token == null || !token.startsWith(PREFIX) ? null : grants.get(token);
        return grant == null ? null : AuthResult.accepted(grant);
    }

    public boolean isCurrent(final Grant grant, final long nowEpochMs)
    {
        return grants.containsValue(grant);
    }

    public String name()
    {
        return SOURCE;
    }

    /** @return a pattern's scope form: {@code ""} (a namespace at the root) is {@code /**}. */
    static String everythingUnder(final String namespace)
    {
        return namespace.isEmpty() ? "/**" : namespace + "/**";
    }
}
