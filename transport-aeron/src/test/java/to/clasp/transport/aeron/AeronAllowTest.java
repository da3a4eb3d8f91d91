package to.clasp.transport.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.client.ClientOptions;
import to.clasp.security.CidrAllowList;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --aeron-allow}: a Connect from a source outside the allowed networks gets no session (and no reply), one from
 * inside works as usual. Real media drivers, real UDP on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronAllowTest
{
    @Test
    void connectFromOutsideTheAllowedNetworksGetsNoSession() throws Exception
    {
        try (AeronRouterFixture fixture = AeronRouterFixture.start(r -> r,
            e -> e.allow(CidrAllowList.parse("10.0.0.0/8,fd00::/8"))))
        {
            final AeronClaspClient client = AeronClaspClient.create(
                new ClientOptions().name("stranger").reconnect(false).getTimeoutMs(1_000),
                new AeronClientTransport.Context().routerEndpoint(fixture.endpoint()).clientName("stranger")
                    .connectTimeoutMs(1_500));
            try
            {
                assertThrows(RuntimeException.class, client::connect);
            }
            finally
            {
                client.close();
            }
            assertTrue(fixture.edge().refusedBySource() >= 1, "refused " + fixture.edge().refusedBySource());
            assertEquals(0, fixture.edge().openConnections());
        }
    }

    @Test
    void connectFromAnAllowedNetworkWorks() throws Exception
    {
        try (AeronRouterFixture fixture = AeronRouterFixture.start(r -> r,
            e -> e.allow(CidrAllowList.parse("10.0.0.0/8,127.0.0.0/8"))))
        {
            try (AeronClaspClient client = fixture.client("friend"))
            {
                client.set("/allowed", 1L);
                assertEquals(1L, client.get("/allowed").get(5, TimeUnit.SECONDS));
            }
            assertEquals(0, fixture.edge().refusedBySource());
        }
    }
}
