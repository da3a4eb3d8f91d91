package to.clasp.server;

import to.clasp.security.AuthResult;
import to.clasp.security.Authenticator;
import to.clasp.security.Grant;
import to.clasp.security.Scope;
import to.clasp.security.ScopeAction;
import to.clasp.security.Secrets;
import to.clasp.server.inspector.InspectorAccess;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The inspector's JSON data behind the router's tokens ({@link Authenticator}): a bearer token must be accepted as a
 * HELLO would be; the sessions table (other clients' names and addresses) needs {@code admin:/**}; a busiest-address
 * row needs read scope on the address. The page's own WebSocket session is checked by the core like any other.
 * <p>
 * The handler runs on a WebSocket event loop (with the default shared core, the core's own thread), and the page
 * polls every second: accepted grants are kept by token digest (at most {@link #CACHED} of them, re-checked with
 * {@link Authenticator#isCurrent} on each use), and a capability token not seen before is verified on the
 * authenticator's own thread ({@link Authenticator#authenticateAsync}), never on the loop.
 */
final class TokenInspectorAccess implements InspectorAccess
{
    /** Accepted tokens remembered at most (then the cache starts over). */
    static final int CACHED = 256;
    private static final Scope ADMIN_EVERYTHING = Scope.parse("admin:/**");

    private final Authenticator authenticator;
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<Secrets.TokenDigest, Grant> accepted = new ConcurrentHashMap<>();

    TokenInspectorAccess(final Authenticator authenticator, final LongSupplier clockMs)
    {
        this.authenticator = authenticator;
        this.clockMs = clockMs;
    }

    public boolean tokenRequired()
    {
        return authenticator.enabled();
    }

    public View check(final String token)
    {
        return checkAsync(token).toCompletableFuture().join();
    }

    public CompletionStage<View> checkAsync(final String token)
    {
        if (!authenticator.enabled())
        {
            return CompletableFuture.completedFuture(View.EVERYTHING);
        }
        if (token == null || token.isEmpty() || token.length() > Authenticator.MAX_TOKEN_LENGTH)
        {
            return CompletableFuture.completedFuture(null);
        }
        final long now = clockMs.getAsLong();
        final Secrets.TokenDigest digest = Secrets.TokenDigest.of(token);
        final Grant known = accepted.get(digest);
        if (known != null)
        {
            if (authenticator.isCurrent(known, now))
            {
                return CompletableFuture.completedFuture(view(known));
            }
            accepted.remove(digest, known);
        }
        if (!authenticator.isExpensive(token))
        {
            return CompletableFuture.completedFuture(remember(digest, authenticator.authenticate(token, now)));
        }
        final CompletableFuture<View> verdict = new CompletableFuture<>();
        if (!authenticator.authenticateAsync(token, now, result -> verdict.complete(remember(digest, result))))
        {
            verdict.complete(null); // the verification queue is full: refused for now
        }
        return verdict;
    }

    private View remember(final Secrets.TokenDigest digest, final AuthResult result)
    {
        if (!result.isAccepted())
        {
            return null;
        }
        if (accepted.size() >= CACHED)
        {
            accepted.clear();
        }
        accepted.put(digest, result.grant());
        return view(result.grant());
    }

    private static View view(final Grant grant)
    {
        // Scope.includes allocates nothing shared: safe on any thread (ScopeSet's own cover check is the core's).
        final boolean admin = grant.scopes().includes(ADMIN_EVERYTHING);
        return new View()
        {
            public boolean seesSessions()
            {
                return admin;
            }

            public boolean canRead(final String address)
            {
                return grant.scopes().allows(ScopeAction.READ, address);
            }

            public java.util.List<String> readPatterns()
            {
                // Every scope reads (admin includes write includes read).
                return grant.scopes().scopes().stream().map(scope -> scope.pattern().text()).distinct().toList();
            }
        };
    }
}
