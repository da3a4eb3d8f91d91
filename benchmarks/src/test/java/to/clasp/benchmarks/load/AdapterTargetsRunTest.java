package to.clasp.benchmarks.load;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import to.clasp.core.Router;
import to.clasp.transport.mqtt.MqttEdge;
import to.clasp.transport.osc.OscEdge;
import to.clasp.transport.ws.WebSocketEdge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator's MQTT and OSC paths (the clasp-mqtt, clasp-mqtt-ws and clasp-osc-ws targets) for about a second each
 * against a real core with its WebSocket, MQTT and OSC edges in this JVM, wired as the server wires them (empty
 * namespaces): messages must flow both ways, nothing may fail. No timing assertions.
 */
class AdapterTargetsRunTest
{
    private static Router router;
    private static WebSocketEdge ws;
    private static MqttEdge mqtt;
    private static OscEdge osc;

    @BeforeAll
    static void start()
    {
        router = Router.launch(new Router.Context().maxSessions(0));
        ws = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
        mqtt = MqttEdge.launch(new MqttEdge.Context().host("127.0.0.1").port(0).namespace("")
            .eventLoopGroup(ws.eventLoopGroup(), ws.context().useEpoll()), router.inboundPort());
        osc = OscEdge.launch(new OscEdge.Context().host("127.0.0.1").port(0).namespace("")
            .eventLoopGroup(ws.eventLoopGroup(), ws.context().useEpoll()), router.inboundPort());
    }

    @AfterAll
    static void stop()
    {
        osc.close();
        mqtt.close();
        router.close();
        ws.close();
    }

    private static LoadSettings shortRun()
    {
        return new LoadSettings().warmupMs(300).durationMs(800).publishers(2).subscribers(2).topics(10).window(200)
            .latencyRate(1_000).progress(null);
    }

    private static ClaspWsTransport wsSubscribers(final LoadSettings s)
    {
        return new ClaspWsTransport("ws://127.0.0.1:" + ws.localAddress().getPort() + "/",
            new ClaspFrames(MessageKind.SET, s.payloadSize(), s.topics()), 1);
    }

    private static MqttTransport mqttClients(final LoadSettings s)
    {
        return new MqttTransport("tcp://127.0.0.1:" + mqtt.localAddress().getPort(), s.payloadSize(), s.topics());
    }

    @Test
    void mqttPublishersToMqttSubscriber() throws Exception
    {
        final LoadSettings s = shortRun();
        final MqttTransport t = mqttClients(s);
        try (Transport named = new MixedTransport("clasp-mqtt", t, t))
        {
            final ScenarioResult r = new ScenarioRunner(s, named, null, () -> -1, -1).run(Scenario.THROUGHPUT);
            assertNull(r.failure);
            assertEquals(0, r.errors);
            assertEquals("clasp-mqtt", r.target);
            assertTrue(r.delivered > 0, r.sent + " sent, " + r.delivered + " delivered");
            assertEquals(0, r.lost);
        }
    }

    @Test
    void mqttPublishersToWebSocketSubscriber() throws Exception
    {
        final LoadSettings s = shortRun();
        try (Transport t = new MixedTransport("clasp-mqtt-ws", mqttClients(s), wsSubscribers(s)))
        {
            final ScenarioResult r = new ScenarioRunner(s, t, null, () -> -1, -1).run(Scenario.LATENCY);
            assertNull(r.failure);
            assertEquals(0, r.errors);
            assertTrue(r.delivered > 0);
            assertEquals(0, r.lost);
        }
    }

    @Test
    void oscSendersToWebSocketSubscriber() throws Exception
    {
        final LoadSettings s = shortRun();
        try (Transport t = new MixedTransport("clasp-osc-ws",
            new OscTransport(new InetSocketAddress("127.0.0.1", osc.localAddress().getPort()), s.payloadSize(),
                s.topics()), wsSubscribers(s)))
        {
            final ScenarioResult r = new ScenarioRunner(s, t, null, () -> -1, -1).run(Scenario.LATENCY);
            assertNull(r.failure);
            assertEquals(0, r.errors);
            assertTrue(r.delivered > 0, r.sent + " sent, " + r.delivered + " delivered");
            assertEquals(0, r.lost, "1 000 datagrams/s over loopback: nothing lost (loss would be counted here)");
            assertEquals(0, osc.metrics().malformed(), "the generator's datagrams are valid OSC");
        }
    }
}
