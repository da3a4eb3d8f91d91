package to.clasp.transport.aeron;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.ClientOptions;
import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.transport.ws.WebSocketClaspClient;
import to.clasp.transport.ws.WebSocketEdge;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With the core on the Aeron edge's agent, frames from another thread (the WebSocket event loop) must wake the agent.
 * The agent here sleeps a whole second when idle, so only a working wake-up lets each WebSocket round trip finish
 * within its 500 ms timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronHostedCoreWakeTest
{
    @Test
    void webSocketFramesWakeTheAgentThatRunsTheCore() throws Exception
    {
        // No core timer for an hour either: the agent's only reason to wake early is the producers' wake-up.
        final Router router = Router.launch(new Router.Context().coreThreading(CoreThreading.SHARED)
            .ttlCheckIntervalNs(TimeUnit.HOURS.toNanos(1)));
        final WebSocketEdge ws = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0),
            router.inboundPort());
        final AeronEdge aeron = AeronEdge.launch(new AeronEdge.Context().endpoint("127.0.0.1:0")
            .driver(new DriverOptions().idleStrategy("sleep:1000000")).sharedCore(router.sharedCore()),
            router.inboundPort());
        try (WebSocketClaspClient client = WebSocketClaspClient.create(
            "ws://127.0.0.1:" + ws.localAddress().getPort() + "/",
            new ClientOptions().name("ws").reconnect(false).getTimeoutMs(500)))
        {
            client.connect();
            for (int i = 0; i < 10; i++)
            {
                client.set("/wake/" + i, (long)i);
                assertEquals((long)i, client.get("/wake/" + i).get(500, TimeUnit.MILLISECONDS));
            }
        }
        finally
        {
            ws.stopAccepting();
            aeron.stopAccepting();
            router.close();
            ws.close();
            aeron.close();
        }
    }
}
