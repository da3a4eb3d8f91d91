package to.clasp.benchmarks.load;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.core.Router;
import to.clasp.transport.ws.WebSocketEdge;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's WebSocket transport against a real router and edge in this JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClaspWsTransportTest
{
    /**
     * The end-of-run barrier must learn at once that the router closed a connection (a slow consumer it cut): a round
     * trip started after the close is seen fails, instead of waiting for a PONG that cannot come.
     */
    @Test
    void aRoundTripOnAConnectionTheRouterClosedFailsAtOnce() throws Exception
    {
        final Router router = Router.launch(new Router.Context().maxSessions(0));
        try (WebSocketEdge edge = WebSocketEdge.launch(
                new WebSocketEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
             ClaspWsTransport transport = new ClaspWsTransport(
                 "ws://127.0.0.1:" + edge.localAddress().getPort() + "/", new ClaspFrames(MessageKind.PUBLISH, 32, 1), 1))
        {
            final Endpoint endpoint = transport.connect(Receiver.NONE);
            endpoint.roundTrip().get(10, TimeUnit.SECONDS);

            router.close(); // every session is closed with 1001

            // Round trips until one fails: the close has then reached the client.
            boolean closed = false;
            for (int i = 0; i < 1_000 && !closed; i++)
            {
                try
                {
                    endpoint.roundTrip().get(10, TimeUnit.SECONDS);
                }
                catch (final ExecutionException ex)
                {
                    closed = true;
                }
            }
            assertTrue(closed, "the router's close reached the client");
            assertThrows(ExecutionException.class, () -> endpoint.roundTrip().get(10, TimeUnit.SECONDS),
                "a round trip after the close fails at once (a timeout here is the barrier waiting for nothing)");
        }
        finally
        {
            router.close();
        }
    }
}
