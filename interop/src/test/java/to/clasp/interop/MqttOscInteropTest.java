package to.clasp.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT and OSC clients from Debian packages (mosquitto-clients, python3-paho-mqtt, liblo-tools) against the built
 * server jar, with the real JavaScript client ({@code @clasp-to/core}) on the other side of the same core.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class MqttOscInteropTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;
    private static int mqttPort;
    private static int oscPort;
    private static int dumpPort;
    private static ToolProcess oscdump;

    @BeforeAll
    static void start() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        ToolProcess.require("/usr/bin/mosquitto_pub", "mosquitto-clients");
        ToolProcess.require("/usr/bin/oscsend", "liblo-tools");
        mqttPort = ServerProcess.freePort();
        oscPort = freeUdpPort();
        dumpPort = freeUdpPort();
        oscdump = ToolProcess.start(ToolProcess.require("/usr/bin/oscdump", "liblo-tools"), "-L",
            Integer.toString(dumpPort));
        server = ServerProcess.start("--mqtt-port", Integer.toString(mqttPort), "--osc-port", Integer.toString(oscPort),
            "--osc-send", "127.0.0.1:" + dumpPort + "=/osc/out/**");
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (oscdump != null)
        {
            oscdump.close();
        }
        if (server != null)
        {
            assertEquals(0, server.stop(), "server exit code after SIGTERM; log:\n" + server.log());
        }
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    private static String[] pub(final String... args)
    {
        final String[] command = new String[args.length + 5];
        command[0] = "/usr/bin/mosquitto_pub";
        command[1] = "-h";
        command[2] = "127.0.0.1";
        command[3] = "-p";
        command[4] = Integer.toString(mqttPort);
        System.arraycopy(args, 0, command, 5, args.length);
        return command;
    }

    @Test
    void mosquittoPubReachesTheJsClient() throws Exception
    {
        try (NodeScenario js = NodeScenario.start("subscriber", server.url(), "/mqtt/pub/*", "3"))
        {
            js.await("subscribed", 10_000);
            ToolProcess.run(pub("-t", "pub/temp", "-m", "21.5", "-r", "-q", "1"));
            ToolProcess.run(pub("-V", "mqttv5", "-t", "pub/event", "-m", "{\"scene\":3}", "-q", "2"));
            ToolProcess.run(pub("-t", "pub/text", "-m", "online"));
            final JsonNode temp = js.await(e -> e.path("address").asText().equals("/mqtt/pub/temp"), "temp", 10_000);
            assertEquals(21.5, temp.path("value").asDouble());
            final JsonNode event = js.await(e -> e.path("address").asText().equals("/mqtt/pub/event"), "event", 10_000);
            assertEquals(3, event.path("value").path("scene").asInt());
            final JsonNode text = js.await(e -> e.path("address").asText().equals("/mqtt/pub/text"), "text", 10_000);
            assertEquals("[111,110,108,105,110,101]", text.path("value").path("bytes").toString(), "plain text: bytes");
        }
    }

    @Test
    void jsWritesReachMosquittoSubAsRetainedThenLive() throws Exception
    {
        try (NodeScenario js = NodeScenario.start("publisher", server.url(), "/mqtt/js/level", "1", "10", "0.5", "0"))
        {
            js.await("done", 10_000);
        }
        // A late joiner gets the stored value as a retained message, then a live update.
        try (ToolProcess sub = ToolProcess.start("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p",
            Integer.toString(mqttPort), "-V", "mqttv5", "-t", "js/#", "-v", "-C", "2", "-F", "%r %t %p"))
        {
            assertEquals("1 js/level 0.5", sub.await(l -> l.contains("js/level"), "the retained value", 10_000));
            try (NodeScenario js = NodeScenario.start("publisher", server.url(), "/mqtt/js/level", "1", "10", "0.75",
                "0"))
            {
                js.await("done", 10_000);
            }
            assertEquals("0 js/level 0.75", sub.await(l -> l.contains("0.75"), "the live update", 10_000));
            assertEquals(0, sub.waitFor());
        }
    }

    @Test
    void pythonPahoQos1And2BothWaysAndItsWillOnAbruptExit() throws Exception
    {
        try (NodeScenario watcher = NodeScenario.start("subscriber", server.url(), "/mqtt/status/*", "1"))
        {
            watcher.await("subscribed", 10_000);
            try (ToolProcess py = ToolProcess.start("/usr/bin/python3",
                NodeScenario.interopDir().resolve("scenarios/mqtt_client.py").toString(), "127.0.0.1",
                Integer.toString(mqttPort), "py-device", "2"))
            {
                final JsonNode connack = JSON.readTree(py.await(l -> l.contains("connack"), "CONNACK", 15_000));
                assertEquals(0, connack.path("reason").asInt());
                final JsonNode suback = JSON.readTree(py.await(l -> l.contains("suback"), "SUBACK", 10_000));
                assertEquals("[2]", suback.path("codes").toString(), "granted QoS 2");
                py.await(l -> l.contains("\"acked\""), "the QoS 1 PUBACK", 10_000);
                py.await(l -> l.contains("\"acked\""), "the QoS 2 PUBCOMP", 10_000);
                try (NodeScenario js = NodeScenario.start("publisher", server.url(), "/mqtt/qos/js", "1", "10", "7",
                    "0"))
                {
                    js.await("done", 10_000);
                }
                final JsonNode fromJs = JSON.readTree(py.await(l -> l.contains("qos/js"), "the JS write", 10_000));
                assertEquals(2, fromJs.path("qos").asInt(), "delivered at the subscription's QoS 2");
                assertEquals("7.0", fromJs.path("payload").asText());
                py.await(l -> l.contains("\"done\""), "done", 10_000);
                assertEquals(0, py.waitFor());
            }
            final JsonNode will = watcher.await(e -> "value".equals(e.path("event").asText()), "the will", 15_000);
            assertEquals("/mqtt/status/py-device", will.path("address").asText());
            assertEquals("offline", will.path("value").asText());
        }
    }

    @Test
    void oscsendReachesTheJsClientAndJsWritesReachOscdump() throws Exception
    {
        try (NodeScenario js = NodeScenario.start("subscriber", server.url(), "/osc/mixer/*", "1"))
        {
            js.await("subscribed", 10_000);
            ToolProcess.run("/usr/bin/oscsend", "127.0.0.1", Integer.toString(oscPort), "/mixer/fader", "f", "0.25");
            final JsonNode fader = js.await(e -> "value".equals(e.path("event").asText()), "the fader", 10_000);
            assertEquals("/osc/mixer/fader", fader.path("address").asText());
            assertEquals(0.25, fader.path("value").asDouble());
        }
        try (NodeScenario js = NodeScenario.start("publisher", server.url(), "/osc/out/light", "1", "10", "0.5", "0"))
        {
            js.await("done", 10_000);
        }
        final String line = oscdump.await(l -> l.contains("/out/light"), "the OSC message", 10_000);
        assertTrue(line.endsWith("/out/light f 0.500000"), line);
    }
}
