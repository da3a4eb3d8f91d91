package to.clasp.benchmarks.load;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import to.clasp.core.Router;
import to.clasp.transport.ws.WebSocketEdge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each scenario for about a second against a real router core behind a real WebSocket edge in this JVM, through
 * the generator's own raw-frame transport: messages must flow, nothing may fail. No timing assertions.
 */
class RealRouterRunTest
{
    private static Router router;
    private static WebSocketEdge edge;

    @BeforeAll
    static void start()
    {
        router = Router.launch(new Router.Context().maxSessions(0));
        edge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
    }

    @AfterAll
    static void stop()
    {
        router.close();
        edge.close();
    }

    private static LoadSettings shortRun()
    {
        return new LoadSettings().warmupMs(200).durationMs(800).publishers(2).subscribers(5).connections(50)
            .topics(10).window(200).latencyRate(2_000).progress(null);
    }

    private static ScenarioResult run(final Scenario scenario, final MessageKind kind) throws Exception
    {
        final LoadSettings settings = shortRun();
        try (ClaspWsTransport transport = new ClaspWsTransport(
            "ws://127.0.0.1:" + edge.localAddress().getPort() + "/",
            new ClaspFrames(kind, settings.payloadSize(), settings.topics()), 1))
        {
            return new ScenarioRunner(settings, transport, kind.name().toLowerCase(), () -> -1, -1).run(scenario);
        }
    }

    @ParameterizedTest
    @EnumSource(MessageKind.class)
    void throughputDeliversWhatWasSent(final MessageKind kind) throws Exception
    {
        final ScenarioResult r = run(Scenario.THROUGHPUT, kind);
        assertNull(r.failure);
        assertEquals(0, r.errors);
        assertTrue(r.sent > 0 && r.delivered > 0, r.sent + " sent, " + r.delivered + " delivered");
        assertEquals(0, r.lost, "one subscriber keeps up with a 200-message window");
        assertTrue(r.latencyFromSent.count > 0);
        assertNull(r.pacingLag, "max-rate runs have no schedule to lag behind");
    }

    @ParameterizedTest
    @EnumSource(MessageKind.class)
    void latencyRecordsBothSeriesAndThePacingLag(final MessageKind kind) throws Exception
    {
        final ScenarioResult r = run(Scenario.LATENCY, kind);
        assertNull(r.failure);
        assertEquals(0, r.errors);
        assertTrue(r.delivered > 0);
        assertEquals(r.latencyFromIntended.count, r.latencyFromSent.count);
        assertTrue(r.latencyFromIntended.count > 0);
        assertNotNull(r.pacingLag);
        assertTrue(r.latencyFromIntended.p50 >= r.latencyFromSent.p50, "intended is never after sent");
    }

    @Test
    void fanoutDeliversEachMessageToEverySubscriber() throws Exception
    {
        final ScenarioResult r = run(Scenario.FANOUT, MessageKind.PUBLISH);
        assertNull(r.failure);
        assertEquals(0, r.errors);
        assertEquals(5, r.subscribers);
        assertTrue(r.delivered > 0);
        assertEquals(0, r.lost);
    }

    @Test
    void churnSubscribesAndUnsubscribesWhileTheFanoutDelivers() throws Exception
    {
        final LoadSettings settings = shortRun().fanoutRate(200);
        final SubscribeChurn.Options churn = new SubscribeChurn.Options();
        churn.clients = 10;
        churn.pairsPerSecond = 2_000;
        final String url = "ws://127.0.0.1:" + edge.localAddress().getPort() + "/";
        try (ClaspWsTransport transport = new ClaspWsTransport(url,
            new ClaspFrames(MessageKind.SET, settings.payloadSize(), settings.topics()), 1))
        {
            final ScenarioResult r = new SubscribeChurn(settings, churn, transport, url, "set", () -> -1, -1).run();
            assertNull(r.failure);
            assertEquals("churn", r.scenario);
            assertEquals(0, r.errors, "no ERROR for any SUBSCRIBE or UNSUBSCRIBE");
            assertTrue(r.delivered > 0);
            assertEquals(0, r.lost);
            assertNotNull(r.churnPairsPerSecond);
            assertTrue(r.churnPairsPerSecond > 0, "pairs/s " + r.churnPairsPerSecond);
        }
    }

    @Test
    void connectionsAllShakeHands() throws Exception
    {
        final ScenarioResult r = run(Scenario.CONNECTIONS, MessageKind.PUBLISH);
        assertNull(r.failure);
        assertEquals(0, r.errors);
        assertEquals(50, r.connectOk);
        assertEquals(0, r.connectFailed);
        assertNull(r.rssBytes, "no process to read in-JVM");
    }
}
