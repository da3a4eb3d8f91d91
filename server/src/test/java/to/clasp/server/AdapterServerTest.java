package to.clasp.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import to.clasp.transport.mqtt.MqttEdge;
import to.clasp.transport.osc.OscEdge;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.TestWsClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT and OSC flags wired into the server: an MQTT client and an OSC sender reach a WebSocket client through one
 * core (the adapters run on the WebSocket edge's loop, next to the shared core), and their metrics are exported.
 */
@Timeout(60)
final class AdapterServerTest
{
    @Test
    void flagsReachTheAdapterSettings()
    {
        final ClaspServer.Context off = ServerCommandTest.parse().context();
        assertNull(off.mqtt(), "MQTT is off by default");
        assertNull(off.osc(), "OSC is off by default");
        assertTrue(off.mqttBridges().isEmpty());
        final ClaspServer.Context on = ServerCommandTest.parse("--mqtt-port", "1884", "--mqtt-namespace", "/iot",
            "--mqtt-bridge", "mqtt://user:pw@broker.local:1885,site/#,plant/+/temp", "--osc-port", "9000",
            "--osc-namespace", "/stage", "--osc-send", "10.0.0.7:9001=/stage/**", "--osc-send", "desk:53000=/mqtt/**")
            .context();
        final MqttEdge.Context mqtt = on.mqtt();
        assertEquals(1884, mqtt.port());
        assertEquals("/iot", mqtt.namespace());
        assertEquals(150_000, mqtt.offlineKeepAliveMs(), "half the idle timeout");
        assertEquals("broker.local", on.mqttBridges().get(0).host());
        assertEquals(1885, on.mqttBridges().get(0).port());
        assertEquals("user", on.mqttBridges().get(0).username());
        assertEquals(java.util.List.of("site/#", "plant/+/temp"), on.mqttBridges().get(0).filters());
        assertEquals("/iot", on.mqttBridges().get(0).namespace());
        final OscEdge.Context osc = on.osc();
        assertEquals(9000, osc.port());
        assertEquals("/stage", osc.namespace());
        assertEquals("10.0.0.7:9001=/stage/**", osc.targets().get(0).toString());
        assertEquals("desk", osc.targets().get(1).host());
        // Several bridges and targets in one value each (how a configuration file's array arrives).
        final ClaspServer.Context joined = ServerCommandTest.parse("--mqtt-bridge",
            "mqtt://a:1,x/#,mqtt://b:2", "--osc-send", "h:1=/a,h:2=/b").context();
        assertEquals(2, joined.mqttBridges().size());
        assertEquals(java.util.List.of("x/#"), joined.mqttBridges().get(0).filters());
        assertEquals("b", joined.mqttBridges().get(1).host());
        assertEquals(2, joined.osc().targets().size());
    }

    @Test
    void aConfigurationFileSetsTheAdapters(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final java.nio.file.Path file = dir.resolve("clasp.toml");
        java.nio.file.Files.writeString(file, "mqtt-port = 1885\nmqtt-bridge = [\"mqtt://broker:1883\", \"site/#\"]\n" +
            "osc-send = [\"desk:9000=/osc/**\", \"wall:9001=/mqtt/**\"]\n");
        final StringWriter out = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "server",
            "--config", file.toString(), "--print-config"), out.toString());
        final String printed = out.toString();
        assertTrue(printed.contains("mqtt-port = 1885"), printed);
        assertTrue(printed.contains("mqtt-bridge = \"mqtt://broker:1883,site/#\""), printed);
        assertTrue(printed.contains("osc-send = \"desk:9000=/osc/**,wall:9001=/mqtt/**\""), printed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--mqtt-port=70000", "--mqtt-namespace=mqtt", "--mqtt-namespace=/a/*", "--osc-port=x",
        "--osc-namespace=/osc/", "--osc-send=host:9000", "--osc-send=host:0=/a", "--osc-send=host:1=a//b",
        "--mqtt-bridge=http://x:1", "--mqtt-bridge=mqtt://h:1,a/#/b"})
    void badAdapterValuesPrintOneLineAndExit2(final String arg)
    {
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "server", arg);
        assertEquals(2, code, arg + " → " + err);
        assertEquals(1, err.toString().lines().count(), "exactly one line: " + err);
        assertTrue(err.toString().startsWith("clasp: "), err.toString());
    }

    @Test
    void mqttAndOscReachAWebSocketClientThroughOneCore() throws Exception
    {
        try (ClaspServer server = ClaspServerTest.start("--mqtt-port", "0", "--osc-port", "0", "--metrics-port", "0"))
        {
            try (TestWsClient ws = TestWsClient.connect(server.wsPort()))
            {
                ws.helloAsPython();
                ws.send("53 01 00 10 10 00 00 00 01 00 07 2f 6d 71 74 74 2f 2a ff 00"); // SUBSCRIBE 1 /mqtt/*
                ws.send("53 01 00 0f 10 00 00 00 02 00 06 2f 6f 73 63 2f 2a ff 00");    // SUBSCRIBE 2 /osc/*
                final MqttClient paho = new MqttClient("tcp://127.0.0.1:" + server.mqttEdge().localAddress().getPort(),
                    "server-test", new MemoryPersistence());
                paho.connect();
                paho.publish("temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, true);
                final byte[] set = ws.receive(5_000);
                assertEquals(0x21, set[4], Hex.of(set));
                assertTrue(Hex.of(set).contains("2f 6d 71 74 74 2f 74 65 6d 70"), "/mqtt/temp: " + Hex.of(set));
                paho.disconnect();
                paho.close();

                // An OSC message "/level ,i 7" to the OSC port.
                final byte[] osc = {'/', 'l', 'e', 'v', 'e', 'l', 0, 0, ',', 'i', 0, 0, 0, 0, 0, 7};
                try (DatagramSocket socket = new DatagramSocket())
                {
                    socket.send(new DatagramPacket(osc, osc.length,
                        new InetSocketAddress("127.0.0.1", server.oscEdge().localAddress().getPort())));
                }
                final byte[] oscSet = ws.receive(5_000);
                assertEquals(0x21, oscSet[4], Hex.of(oscSet));
                assertTrue(Hex.of(oscSet).contains("2f 6f 73 63 2f 6c 65 76 65 6c"), "/osc/level: " + Hex.of(oscSet));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String metrics = "";
            while (System.nanoTime() < deadline)
            {
                metrics = ClaspServerTest.get(server.metricsPort(), "/metrics").body();
                if (metrics.contains("clasp_mqtt_disconnects_total{reason=\"client\"} 1.0") &&
                    metrics.contains("clasp_osc_messages_in_total 1.0"))
                {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(metrics.contains("clasp_mqtt_publishes_in_total{qos=\"1\"} 1.0"), metrics);
            assertTrue(metrics.contains("clasp_mqtt_disconnects_total{reason=\"client\"} 1.0"), metrics);
            assertTrue(metrics.contains("clasp_osc_messages_in_total 1.0"), metrics);
            assertTrue(metrics.contains("clasp_osc_kernel_drops"), metrics);
        }
    }
}
