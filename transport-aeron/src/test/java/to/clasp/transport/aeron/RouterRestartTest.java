package to.clasp.transport.aeron;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.ClientOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron client keeps the WebSocket client's promise: when the router goes away it notices, and when a router
 * is back on the same endpoint it reconnects with backoff, gets a new session and re-subscribes on its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouterRestartTest
{
    @Test
    void clientReconnectsAndResubscribesAfterTheRouterRestarts() throws Exception
    {
        AeronRouterFixture first = AeronRouterFixture.start();
        final String endpoint = first.endpoint();
        final Recorder updates = new Recorder();
        try (AeronClaspClient client = AeronClaspClient.create(
            new ClientOptions().name("survivor").reconnectInitialDelayMs(100).reconnectMaxDelayMs(500),
            new AeronClientTransport.Context().routerEndpoint(endpoint).connectTimeoutMs(1_000)))
        {
            client.connect();
            final String firstSession = client.sessionId();
            client.subscribe("/restart/**", updates);
            client.set("/restart/a", 1L);
            updates.await(1, 5_000);

            first.close(); // Disconnect 1001 to the client
            first = null;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.isConnected() && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertFalse(client.isConnected(), "the client saw the router go");

            try (AeronRouterFixture second = AeronRouterFixture.start(r -> r, e -> e.endpoint(endpoint));
                 AeronClaspClient writer = second.client("writer"))
            {
                final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!client.isConnected() && System.nanoTime() < until)
                {
                    Thread.sleep(20);
                }
                assertTrue(client.isConnected(), "reconnected to the new router");
                assertNotEquals(firstSession, client.sessionId(), "a new session");

                // The re-subscription is sent right after the new WELCOME; a round trip through the writer's
                // connection cannot order it, so write until the subscriber sees it.
                final long seen = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                long value = 100;
                while (updates.size() < 2 && System.nanoTime() < seen)
                {
                    writer.set("/restart/b", value++);
                    Thread.sleep(50);
                }
                final Recorder.Delivery again = updates.await(2, 1_000).get(1);
                assertEquals("/restart/b", again.address(), "the subscription came back without being asked");
            }
        }
        finally
        {
            if (null != first)
            {
                first.close();
            }
        }
    }
}
