package to.clasp.benchmarks.load;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.core.Router;
import to.clasp.journal.DurableState;
import to.clasp.state.ParamStore;
import to.clasp.transport.ws.WebSocketEdge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scenarios about durable state ({@code ack}, {@code replay}) for about a second against a real router core with a
 * data directory (real journal on an embedded archive) behind a real WebSocket edge in this JVM: messages and ACKs
 * must flow, replays must complete, nothing may fail; without a data directory the replay scenario says why it cannot
 * run. No timing assertions.
 */
class DurableRouterRunTest
{
    @TempDir
    static Path dir;

    private static DurableState durable;
    private static Router router;
    private static WebSocketEdge edge;

    @BeforeAll
    static void start()
    {
        final Router.Context ctx = new Router.Context().maxSessions(0);
        final ParamStore store = ctx.newParamStore();
        final DurableState.Context durableCtx = new DurableState.Context().directory(dir.toFile())
            .snapshotIntervalNs(0);
        durableCtx.journal().termLength(1 << 20).segmentLength(1 << 22);
        durable = DurableState.open(durableCtx, store);
        router = Router.launch(ctx.initialState(store).durableState(durable));
        edge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
    }

    @AfterAll
    static void stop()
    {
        edge.close();
        router.close(); // the core first (it uses the journal), then the journal
        durable.close();
    }

    private static LoadSettings shortRun()
    {
        return new LoadSettings().warmupMs(200).durationMs(800).topics(10).window(200).latencyRate(2_000)
            .progress(null);
    }

    private static ClaspWsTransport transport(final WebSocketEdge edge, final MessageKind kind,
        final LoadSettings settings)
    {
        return new ClaspWsTransport(url(edge), new ClaspFrames(kind, settings.payloadSize(), settings.topics()), 1);
    }

    private static String url(final WebSocketEdge edge)
    {
        return "ws://127.0.0.1:" + edge.localAddress().getPort() + "/";
    }

    private static ReplayLoad.Options replayOptions()
    {
        final ReplayLoad.Options options = new ReplayLoad.Options();
        options.entries = 5_000;
        options.limit = 2_000;
        return options;
    }

    @Test
    void ackTimesEveryQos1SetToItsHeldAck() throws Exception
    {
        final LoadSettings settings = shortRun();
        try (ClaspWsTransport transport = transport(edge, MessageKind.SET_CONFIRMED, settings))
        {
            final ScenarioResult r = new ScenarioRunner(settings, transport, "set_confirmed", () -> -1, -1)
                .run(Scenario.ACK);
            assertNull(r.failure);
            assertEquals(0, r.errors);
            assertTrue(r.delivered > 0, "ACKs are the deliveries");
            assertEquals(0, r.lost, "every SET is ACKed");
        }
    }

    @Test
    void replayRunsTheLatencyScenarioWhileReplaysWalkTheJournal() throws Exception
    {
        final LoadSettings settings = shortRun();
        try (ClaspWsTransport transport = transport(edge, MessageKind.SET, settings))
        {
            final ScenarioResult r = new ReplayLoad(settings, replayOptions(), transport, url(edge), "set",
                () -> -1, -1).run();
            assertNull(r.failure);
            assertEquals("replay", r.scenario);
            assertEquals(0, r.errors);
            assertTrue(r.delivered > 0);
            assertEquals(0, r.lost);
            assertTrue(r.replays > 0 && r.replayedPerSecond > 0, r.replays + " replays");
        }
    }

    @Test
    void withoutADataDirectoryTheReplayScenarioSaysWhyItCannotRun() throws Exception
    {
        final Router memory = Router.launch(new Router.Context().maxSessions(0));
        final WebSocketEdge memoryEdge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0),
            memory.inboundPort());
        final LoadSettings settings = shortRun();
        try (ClaspWsTransport transport = transport(memoryEdge, MessageKind.SET, settings))
        {
            final ScenarioResult r = new ReplayLoad(settings, replayOptions(), transport, url(memoryEdge), "set",
                () -> -1, -1).run();
            assertTrue(null != r.failure && r.failure.contains("501") && r.failure.contains("--data-dir-per-run"),
                String.valueOf(r.failure));
            assertEquals(0, r.replays);
        }
        finally
        {
            memoryEdge.close();
            memory.close();
        }
    }
}
