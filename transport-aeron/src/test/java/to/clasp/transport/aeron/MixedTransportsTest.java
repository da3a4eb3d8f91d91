package to.clasp.transport.aeron;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.client.Signal;
import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.transport.ws.WebSocketClaspClient;
import to.clasp.transport.ws.WebSocketEdge;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One router, both edges: a WebSocket publisher reaches an Aeron subscriber and an Aeron publisher reaches a
 * WebSocket subscriber, every message in order, with the same values and revisions.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MixedTransportsTest
{
    private static final int COUNT = 3_000;

    /** The server's default: the core runs on the WebSocket edge's event loop, and the Aeron edge wakes it. */
    CoreThreading threading = CoreThreading.SHARED;
    /** With a shared core: host it on the Aeron edge's agent instead ({@code --core-thread aeron}). */
    boolean coreOnAeron;

    private Router router;
    private WebSocketEdge wsEdge;
    private AeronEdge aeronEdge;
    private WebSocketClaspClient wsClient;
    private AeronClaspClient aeronClient;

    @BeforeEach
    void start()
    {
        router = Router.launch(new Router.Context().coreThreading(threading));
        wsEdge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0)
            .sharedCore(coreOnAeron ? null : router.sharedCore()), router.inboundPort());
        aeronEdge = AeronEdge.launch(new AeronEdge.Context().endpoint("127.0.0.1:0")
            .sharedCore(coreOnAeron ? router.sharedCore() : null), router.inboundPort());
        wsClient = WebSocketClaspClient.create("ws://127.0.0.1:" + wsEdge.localAddress().getPort() + "/",
            new ClientOptions().name("ws").reconnect(false));
        wsClient.connect();
        aeronClient = AeronClaspClient.create(new ClientOptions().name("aeron").reconnect(false),
            new AeronClientTransport.Context().routerEndpoint(aeronEdge.localEndpoint()));
        aeronClient.connect();
    }

    @AfterEach
    void stop()
    {
        aeronClient.close();
        wsClient.close();
        wsEdge.stopAccepting();
        aeronEdge.stopAccepting();
        router.close();
        wsEdge.close();
        aeronEdge.close();
    }

    @Test
    void webSocketPublisherReachesAeronSubscriberInOrder() throws Exception
    {
        relay(wsClient, aeronClient, "/mixed/ws-to-aeron");
    }

    @Test
    void aeronPublisherReachesWebSocketSubscriberInOrder() throws Exception
    {
        relay(aeronClient, wsClient, "/mixed/aeron-to-ws");
    }

    @Test
    void eventsCrossTransportsBothWays() throws Exception
    {
        final Recorder atAeron = new Recorder();
        final Recorder atWs = new Recorder();
        aeronClient.subscribe("/cue/**", atAeron);
        wsClient.subscribe("/cue/**", atWs);
        roundTrip(aeronClient, "/sync/a");
        roundTrip(wsClient, "/sync/w");

        wsClient.emit("/cue/from-ws", "go");
        aeronClient.emit("/cue/from-aeron", 42L);
        final Recorder.Delivery toAeron = atAeron.await(1, 5_000).get(0);
        final Recorder.Delivery toWs = atWs.await(1, 5_000).get(0);
        assertEquals("/cue/from-ws", toAeron.address());
        assertEquals("go", toAeron.value());
        assertEquals(Signal.EVENT, toAeron.signal());
        assertEquals("/cue/from-aeron", toWs.address());
        assertEquals(42L, toWs.value());
    }

    private static void relay(final ClaspClient publisher, final ClaspClient subscriber, final String address)
        throws Exception
    {
        final Recorder recorder = new Recorder();
        subscriber.subscribe(address, recorder);
        roundTrip(subscriber, address + "/sync");
        for (long i = 0; i < COUNT; i++)
        {
            publisher.set(address, i);
        }
        final List<Recorder.Delivery> got = recorder.await(COUNT, 20_000);
        for (int i = 0; i < COUNT; i++)
        {
            assertEquals((long)i, got.get(i).value(), "message " + i + " in order");
            assertEquals(i + 1L, got.get(i).revision());
        }
        assertEquals((long)COUNT - 1, subscriber.get(address).get(5, TimeUnit.SECONDS));
    }

    private static void roundTrip(final ClaspClient client, final String address) throws Exception
    {
        client.set(address, 1L);
        client.get(address).get(5, TimeUnit.SECONDS);
    }
}
