package to.clasp.interop;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The MQTT edge of the server jar with {@code --auth-tokens}: the CONNECT password is the token. Real clients
 * (mosquitto_pub/mosquitto_sub 3.1.1 and 5.0, the Paho Java client): no token, a wrong token and an expired one are
 * refused "not authorized"; a token's write scopes apply to each PUBLISH (MQTT 5 PUBACK 0x87; 3.1.1 acknowledged and
 * dropped), its read scopes to each SUBSCRIBE (SUBACK 0x87 / 0x80) and to the retained messages a SUBSCRIBE brings
 * (nothing outside them is ever delivered). The router's own sessions present {@code --edge-token}: the MQTT bridge
 * (against a real Mosquitto) and the OSC edge ({@code oscsend}) still work with auth on.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class MqttAuthInteropTest
{
    @TempDir
    Path dir;

    private final String all = token("all");
    private final String sensor = token("sensor");
    private final String reader = token("reader");
    private final String expired = token("expired");
    private final String edge = token("edge");
    private ServerProcess server;
    private Process broker;
    private int mqttPort;
    private int brokerPort;
    private int oscPort;

    private static String token(final String who)
    {
        final byte[] random = new byte[12];
        new java.security.SecureRandom().nextBytes(random);
        return who + "-" + HexFormat.of().formatHex(random);
    }

    @BeforeEach
    void start() throws Exception
    {
        ToolProcess.require("/usr/bin/mosquitto_pub", "mosquitto-clients");
        ToolProcess.require("/usr/bin/oscsend", "liblo-tools");
        // A real Mosquitto for the bridge (no auth of its own: the router's side is what is tested).
        brokerPort = ServerProcess.freePort();
        broker = new ProcessBuilder(ToolProcess.require("/usr/sbin/mosquitto", "mosquitto"), "-p",
            Integer.toString(brokerPort)).redirectErrorStream(true)
            .redirectOutput(ServerProcess.logDir().resolve("mosquitto-auth-" + brokerPort + ".log").toFile()).start();
        MqttClients.awaitPort(brokerPort, () -> "mosquitto");

        final Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# mqtt interop\n" +
            all + " read:/mqtt/**,write:/mqtt/**\n" +
            sensor + " read:/mqtt/sensors/**,write:/mqtt/sensors/**\n" +
            reader + " read:/mqtt/public/**\n" +
            expired + " read:/** expires=2020-01-01\n" +
            // The router's own sessions (the bridge, the OSC edge under /mqtt/osc): --edge-token.
            edge + " read:/mqtt/**,write:/mqtt/**\n");
        final Path edgeToken = dir.resolve("edge-token");
        Files.writeString(edgeToken, edge + "\n");
        mqttPort = ServerProcess.freePort();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            oscPort = s.getLocalPort();
        }
        server = ServerProcess.start("--auth-tokens", tokens.toString(), "--edge-token", edgeToken.toString(),
            "--mqtt-port", Integer.toString(mqttPort),
            "--mqtt-bridge", "mqtt://127.0.0.1:" + brokerPort + ",site/#",
            "--osc-port", Integer.toString(oscPort), "--osc-namespace", "/mqtt/osc");
        MqttClients.awaitPort(mqttPort, () -> "the router's MQTT port; log:\n" + server.log());
    }

    @AfterEach
    void stop() throws Exception
    {
        try
        {
            if (server != null)
            {
                assertEquals(0, server.stop(), "server exit code; log:\n" + server.log());
                final String log = server.log();
                for (final String t : List.of(all, sensor, reader, expired, edge))
                {
                    assertTrue(!log.contains(t), "a token in the router's log");
                }
            }
        }
        finally
        {
            if (broker != null)
            {
                broker.destroy();
                broker.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aMissingWrongOrExpiredTokenIsRefusedNotAuthorized() throws Exception
    {
        for (final String[] creds : new String[][] {{}, {"-u", "x", "-P", "wrong"}, {"-u", "x", "-P", expired}})
        {
            for (final String version : List.of("mqttv311", "mqttv5"))
            {
                final String out = runExpectingFailure(command("/usr/bin/mosquitto_pub", concat(creds, "-V", version,
                    "-t", "sensors/a", "-m", "1")));
                assertTrue(out.toLowerCase(java.util.Locale.ROOT).contains("not authori"),
                    version + " " + List.of(creds) + ": " + out);
            }
        }
        final MqttClient paho = new MqttClient(url(), "no-token", new MemoryPersistence());
        try
        {
            paho.connect(options("wrong"));
            fail("connected with a wrong token");
        }
        catch (final MqttException ex)
        {
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, ex.getReasonCode(), "CONNACK return code 5");
        }
        paho.close();
    }

    @Test
    void writeScopesApplyToEveryPublishAndReadScopesToEverySubscribe() throws Exception
    {
        final BlockingQueue<Object[]> everything = new LinkedBlockingQueue<>();
        final MqttClient watcher = connect("watcher", all, everything);
        watcher.subscribe("#", 1);

        // A sensor token writes under sensors/ only. MQTT 5: PUBACK 0x87 (135) for the rest.
        final String v5 = ToolProcess.run(command("/usr/bin/mosquitto_pub", "-V", "mqttv5", "-u", "s", "-P", sensor,
            "-q", "1", "-d", "-t", "other/x", "-m", "1"));
        assertTrue(v5.contains("rc:135") || v5.contains("RC:135") || v5.contains("reason code: 135"),
            "PUBACK not authorized: " + v5);
        // MQTT 3.1.1 (Paho): acknowledged and dropped; the allowed PUBLISH after it arrives, the refused one never.
        final MqttClient device = connect("device", sensor, new LinkedBlockingQueue<>());
        device.publish("other/y", "2".getBytes(StandardCharsets.UTF_8), 1, false);
        device.publish("sensors/t", "3".getBytes(StandardCharsets.UTF_8), 1, false);
        assertEquals("sensors/t", next(everything, "the allowed publish")[0], "no refused message before it");

        // SUBSCRIBE outside the read scopes: 3.1.1 SUBACK 0x80 (Paho), 5.0 0x87.
        final int[] granted = device.subscribeWithResponse(new String[] {"sensors/#", "other/#"}, new int[] {1, 1})
            .getGrantedQos();
        assertArrayEquals(new int[] {1, 0x80}, granted);
        final String sub = ToolProcess.run(command("/usr/bin/mosquitto_sub", "-V", "mqttv5", "-u", "r", "-P", reader,
            "-t", "sensors/#", "-E", "-d"));
        assertTrue(sub.contains("135"), "SUBACK not authorized: " + sub);
        device.disconnect();
        device.close();
        watcher.disconnect();
        watcher.close();
    }

    @Test
    void retainedMessagesOutsideTheReadScopeAreNeverDelivered() throws Exception
    {
        ToolProcess.run(command("/usr/bin/mosquitto_pub", "-u", "a", "-P", all, "-q", "1", "-r", "-t", "secret/key",
            "-m", "42"));
        ToolProcess.run(command("/usr/bin/mosquitto_pub", "-u", "a", "-P", all, "-q", "1", "-r", "-t", "public/a",
            "-m", "1"));
        final BlockingQueue<Object[]> got = new LinkedBlockingQueue<>();
        final MqttClient r = connect("reader", reader, got);
        assertArrayEquals(new int[] {0x80}, r.subscribeWithResponse(new String[] {"#"}, new int[] {1}).getGrantedQos(),
            "# is wider than read:/mqtt/public/**");
        assertArrayEquals(new int[] {0x80}, r.subscribeWithResponse(new String[] {"secret/#"}, new int[] {1})
            .getGrantedQos());
        r.subscribe("public/#", 1);
        final Object[] first = next(got, "the readable retained message");
        assertEquals("public/a", first[0]);
        assertTrue(((MqttMessage)first[1]).isRetained());
        // Barrier: a live write after everything above; nothing outside the scope came before it.
        ToolProcess.run(command("/usr/bin/mosquitto_pub", "-u", "a", "-P", all, "-q", "1", "-t", "secret/key2",
            "-m", "43"));
        ToolProcess.run(command("/usr/bin/mosquitto_pub", "-u", "a", "-P", all, "-q", "1", "-t", "public/b",
            "-m", "2"));
        assertEquals("public/b", next(got, "the live barrier")[0]);
        assertEquals(0, got.size(), "nothing else: " + got);
        r.disconnect();
        r.close();
    }

    @Test
    void theBridgeAndTheOscEdgeWorkWithTheEdgeToken() throws Exception
    {
        final BlockingQueue<Object[]> got = new LinkedBlockingQueue<>();
        final MqttClient watcher = connect("bridge-watcher", all, got);
        watcher.subscribe("site/#", 1);
        watcher.subscribe("osc/#", 1);
        // Through the real Mosquitto and the bridge, into the router's state.
        final long deadline = System.currentTimeMillis() + 15_000;
        Object[] m = null;
        while (m == null && System.currentTimeMillis() < deadline)
        {
            // The bridge may still be connecting: a retained message reaches it whenever it subscribes.
            ToolProcess.run("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(brokerPort), "-r",
                "-t", "site/door", "-m", "7");
            m = got.poll(1, TimeUnit.SECONDS);
        }
        assertNotNull(m, "the bridged message; log:\n" + server.log());
        assertEquals("site/door", m[0]);
        assertEquals("7", new String(((MqttMessage)m[1]).getPayload(), StandardCharsets.UTF_8));
        got.clear();
        ToolProcess.run("/usr/bin/oscsend", "127.0.0.1", Integer.toString(oscPort), "/desk/fader", "i", "5");
        final Object[] osc = next(got, "the OSC message");
        assertEquals("osc/desk/fader", osc[0]);
        assertEquals("5", new String(((MqttMessage)osc[1]).getPayload(), StandardCharsets.UTF_8));
        watcher.disconnect();
        watcher.close();
    }

    private String url()
    {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    private static MqttConnectOptions options(final String token)
    {
        final MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        o.setUserName("ignored");
        o.setPassword(token.toCharArray());
        return o;
    }

    private MqttClient connect(final String id, final String token, final BlockingQueue<Object[]> into)
        throws MqttException
    {
        final MqttClient c = new MqttClient(url(), id, new MemoryPersistence());
        c.setCallback(MqttClients.collector(into));
        c.connect(options(token));
        return c;
    }

    private static Object[] next(final BlockingQueue<Object[]> q, final String what) throws InterruptedException
    {
        final Object[] m = q.poll(15, TimeUnit.SECONDS);
        assertNotNull(m, "no " + what + " within 15 s");
        return m;
    }

    private String[] command(final String tool, final String... args)
    {
        return concat(new String[] {tool, "-h", "127.0.0.1", "-p", Integer.toString(mqttPort)}, args);
    }

    private static String[] concat(final String[] a, final String... b)
    {
        final String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String runExpectingFailure(final String... command) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "finished");
        assertNotEquals(0, p.exitValue(), "refused: " + out);
        return out;
    }
}
