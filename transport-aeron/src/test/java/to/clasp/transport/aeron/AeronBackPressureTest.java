package to.clasp.transport.aeron;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import to.clasp.client.ClientOptions;
import to.clasp.core.CoreThreading;
import to.clasp.core.Router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Aeron client writing as fast as its link takes it into a router whose inbound ring is small: above the ring's
 * high-water mark the edge leaves its subscription unread (Aeron's flow control holds the client back) instead of
 * pushing into a full ring. Every write arrives, in order, and the session survives, whether the core runs on a
 * thread of its own or on the Aeron edge's agent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronBackPressureTest
{
    private static final int WRITES = 50_000;

    private Router router;
    private AeronEdge edge;
    private AeronClaspClient client;

    @AfterEach
    void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (edge != null)
        {
            edge.close();
        }
        if (router != null)
        {
            router.close();
        }
    }

    @ParameterizedTest(name = "core on the edge's agent: {0}")
    @ValueSource(booleans = {false, true})
    void aFloodingClientIsHeldBackByFlowControlAndLosesNothing(final boolean coreOnAgent) throws Exception
    {
        router = Router.launch(new Router.Context().inboundRingSize(1024)
            .coreThreading(coreOnAgent ? CoreThreading.SHARED : CoreThreading.DEDICATED));
        edge = AeronEdge.launch(new AeronEdge.Context().endpoint("127.0.0.1:0")
            .sharedCore(coreOnAgent ? router.sharedCore() : null), router.inboundPort());
        client = AeronClaspClient.create(new ClientOptions().name("flood").reconnect(false),
            new AeronClientTransport.Context().routerEndpoint(edge.localEndpoint()));
        client.connect();
        for (long i = 1; i <= WRITES; i++)
        {
            client.set("/flood/x", i);
        }
        // GET is answered after every earlier frame of this session: FIFO through the edge and the ring.
        assertEquals(WRITES, ((Number)client.get("/flood/x").get(30, TimeUnit.SECONDS)).longValue(),
            "the last write is the value: none lost, none reordered");
        assertEquals(0, router.backPressure().producerTimeouts(), "no frame refused for want of ring room");
        assertTrue(client.isConnected(), "the session survived");
    }
}
