package to.clasp.transport.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.client.ClaspException;
import to.clasp.client.ClientOptions;
import to.clasp.security.Authenticator;
import to.clasp.security.Grant;
import to.clasp.security.IssuedTokens;
import to.clasp.security.ScopeSet;
import to.clasp.security.Secrets;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With token auth on, an Aeron HELLO needs a token exactly as a WebSocket one (the core judges it whatever the
 * edge): none or a wrong one is refused with ERROR 300 and no session, a valid one gets its scopes. Real media
 * drivers, real UDP on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronAuthTest
{
    private static AeronClaspClient client(final AeronRouterFixture fixture, final String name, final String token,
        final java.util.function.Consumer<ClaspException> errors)
    {
        return AeronClaspClient.create(
            new ClientOptions().name(name).token(token).reconnect(false).getTimeoutMs(3_000).errorListener(errors),
            new AeronClientTransport.Context().routerEndpoint(fixture.endpoint()).clientName(name)
                .connectTimeoutMs(3_000));
    }

    @Test
    void anAeronHelloNeedsAValidTokenAndGetsItsScopes() throws Exception
    {
        final IssuedTokens tokens = new IssuedTokens();
        tokens.put(Secrets.TokenDigest.of("aeron-writer"), new Grant(ScopeSet.parse("read:/udp/**,write:/udp/in/*"),
            Grant.NEVER, "udp", IssuedTokens.SOURCE));
        try (Authenticator authenticator = new Authenticator(List.of(tokens));
             AeronRouterFixture fixture = AeronRouterFixture.start(r -> r.authenticator(authenticator), e -> e))
        {
            for (final String wrong : new String[] {null, "nope"})
            {
                final AeronClaspClient refused = client(fixture, "refused", wrong, e -> { });
                try
                {
                    final ClaspException ex = assertThrows(ClaspException.class, refused::connect);
                    assertEquals(300, ex.code(), ex.toString());
                }
                finally
                {
                    refused.close();
                }
            }
            assertEquals(2, fixture.router().authMetrics().failures(300));
            final java.util.concurrent.LinkedBlockingQueue<ClaspException> errors =
                new java.util.concurrent.LinkedBlockingQueue<>();
            try (AeronClaspClient ok = client(fixture, "writer", "aeron-writer", errors::add))
            {
                ok.connect();
                ok.set("/udp/in/a", 1L);
                assertEquals(1L, ok.get("/udp/in/a").get(5, TimeUnit.SECONDS));
                ok.set("/udp/other", 2L);
                final ClaspException setRefused = errors.poll(5, TimeUnit.SECONDS);
                assertTrue(null != setRefused && setRefused.code() == 301 &&
                    setRefused.getMessage().contains("/udp/other"), String.valueOf(setRefused));
                final ExecutionException forbidden = assertThrows(ExecutionException.class,
                    () -> ok.get("/elsewhere").get(5, TimeUnit.SECONDS));
                assertTrue(forbidden.getCause() instanceof ClaspException &&
                    ((ClaspException)forbidden.getCause()).code() == 301, forbidden.toString());
            }
        }
    }
}
