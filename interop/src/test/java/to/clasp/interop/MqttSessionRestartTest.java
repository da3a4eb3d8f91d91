package to.clasp.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * MQTT persistent sessions across real restarts of the built server jar with {@code --data-dir}: a Paho client
 * (clean session 0) and {@code mosquitto_sub -c} subscribe, the router is stopped (SIGTERM) or killed
 * ({@code kill -9}) and started again on the same directory, {@code mosquitto_pub} publishes while the clients are
 * away, and each client, connecting again, gets CONNACK Session Present and the messages on its old subscriptions
 * (the Paho client without subscribing again).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class MqttSessionRestartTest
{
    private static final String RESTORED = "persistent session(s) restored";

    @TempDir
    Path data;

    private int mqttPort;

    @Test
    void persistentSessionsSurviveSigtermAndKill9() throws Exception
    {
        ToolProcess.require("/usr/bin/mosquitto_pub", "mosquitto-clients");
        mqttPort = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start("--data-dir", data.toString(), "--mqtt-port",
            Integer.toString(mqttPort)))
        {
            awaitMqtt(server);
            final MqttClient paho = new MqttClient(url(), "restart-paho", new MemoryPersistence());
            assertEquals(false, paho.connectWithResult(persistent()).getSessionPresent(), "a new session");
            paho.subscribe("plant/#", 1);
            paho.disconnect();
            paho.close();
            // mosquitto_sub: a persistent session (-c) that subscribes at QoS 1 and leaves once the SUBACK came (-E).
            ToolProcess.run(sub("-c", "-i", "restart-mosq", "-q", "1", "-t", "dock/#", "-E"));

            // 1. SIGTERM, start again: both sessions come back; what is published while their clients are away
            //    is queued for them.
            server.note("SIGTERM");
            assertEquals(0, server.stop(), "exit code after SIGTERM; log:\n" + server.log());
            server.launch();
            awaitMqtt(server);
            awaitRestored(server, 1);
            ToolProcess.run(pub("-q", "1", "-t", "plant/pump", "-m", "1"));
            ToolProcess.run(pub("-q", "1", "-t", "dock/door", "-m", "\"open\""));

            final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
            MqttClient back = reconnect(received);
            expect(received, "plant/pump", "1");
            try (ToolProcess mosq = ToolProcess.start(sub("-c", "-i", "restart-mosq", "-q", "1", "-t", "dock/#",
                "-C", "1", "-W", "20", "-v")))
            {
                // An event published before it connected again: only its restored session can have kept it.
                assertEquals("dock/door \"open\"", mosq.await(l -> l.startsWith("dock/door"), "the queued message",
                    15_000));
            }

            // 2. kill -9 while the Paho client is connected: its session comes back all the same.
            server.note("kill -9");
            server.kill();
            server.launch();
            awaitMqtt(server);
            awaitRestored(server, 2);
            ToolProcess.run(pub("-q", "1", "-t", "plant/valve", "-m", "{\"open\":true}"));
            back.close(true);
            back = reconnect(received);
            expect(received, "plant/valve", "{\"open\":true}");
            back.disconnect();
            back.close();
        }
    }

    /**
     * With token auth, a restored session is opened with the token it was opened with: a token still in the tokens
     * file gets its session back (Session Present, its subscription), a token removed while the router was down does
     * not (the core refuses the restored session, its file is removed) and its client is refused "not authorized".
     */
    @Test
    void aRestoredSessionNeedsItsTokenToStillBeValid() throws Exception
    {
        ToolProcess.require("/usr/bin/mosquitto_pub", "mosquitto-clients");
        mqttPort = ServerProcess.freePort();
        final Path tokens = data.resolve("tokens");
        Files.writeString(tokens, "keep-token read:/mqtt/**,write:/mqtt/**\ndrop-token read:/mqtt/**\n");
        final Path dataDir = data.resolve("data");
        try (ServerProcess server = ServerProcess.start("--data-dir", dataDir.toString(), "--mqtt-port",
            Integer.toString(mqttPort), "--auth-tokens", tokens.toString()))
        {
            awaitMqtt(server);
            for (final String who : new String[] {"keep", "drop"})
            {
                final MqttClient c = new MqttClient(url(), who + "-client", new MemoryPersistence());
                c.connect(persistent(who + "-token"));
                c.subscribe("plant/#", 1);
                c.disconnect();
                c.close();
            }
            assertEquals(0, server.stop(), "exit code after SIGTERM; log:\n" + server.log());
            Files.writeString(tokens, "keep-token read:/mqtt/**,write:/mqtt/**\n");
            server.launch();
            awaitMqtt(server);
            final long deadline = System.currentTimeMillis() + 15_000;
            while (!server.log().contains("1 " + RESTORED))
            {
                if (System.currentTimeMillis() > deadline)
                {
                    fail("expected one session restored, one refused; log:\n" + server.log());
                }
                Thread.sleep(20);
            }
            assertTrue(server.log().contains("(1 of 2 stored ended"), server.log());
            ToolProcess.run(pub("-u", "x", "-P", "keep-token", "-q", "1", "-t", "plant/pump", "-m", "9"));

            final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
            final MqttClient keep = new MqttClient(url(), "keep-client", new MemoryPersistence());
            keep.setCallback(MqttClients.collector(received));
            assertTrue(keep.connectWithResult(persistent("keep-token")).getSessionPresent());
            expect(received, "plant/pump", "9");
            keep.disconnect();
            keep.close();

            final MqttClient drop = new MqttClient(url(), "drop-client", new MemoryPersistence());
            try
            {
                drop.connect(persistent("drop-token"));
                fail("a removed token connected");
            }
            catch (final MqttException ex)
            {
                assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, ex.getReasonCode());
            }
            drop.close();
        }
        try (var files = Files.list(dataDir.resolve("mqtt-sessions")))
        {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".session")).count(),
                "the refused session's file is gone, the other one stays");
        }
    }

    private static MqttConnectOptions persistent(final String token)
    {
        final MqttConnectOptions options = persistent();
        options.setUserName("x");
        options.setPassword(token.toCharArray());
        return options;
    }

    private String url()
    {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    private static MqttConnectOptions persistent()
    {
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        return options;
    }

    /** Connect the Paho client again, subscribing to nothing; CONNACK must say its session is there. */
    private MqttClient reconnect(final BlockingQueue<Object[]> received) throws Exception
    {
        final MqttClient client = new MqttClient(url(), "restart-paho", new MemoryPersistence());
        client.setCallback(MqttClients.collector(received));
        assertTrue(client.connectWithResult(persistent()).getSessionPresent(), "CONNACK session present");
        return client;
    }

    private static void expect(final BlockingQueue<Object[]> received, final String topic, final String payload)
        throws InterruptedException
    {
        final Object[] m = received.poll(15, TimeUnit.SECONDS);
        assertNotNull(m, "no message on " + topic + " within 15 s");
        assertEquals(topic, m[0]);
        assertEquals(payload, new String(((MqttMessage)m[1]).getPayload(), StandardCharsets.UTF_8));
        assertEquals(1, ((MqttMessage)m[1]).getQos(), "at the subscription's QoS");
    }

    /** Wait for the restored sessions' subscriptions to be in the core (the start-up log says so), the n-th time. */
    private static void awaitRestored(final ServerProcess server, final int times) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 15_000;
        while (server.log().split(java.util.regex.Pattern.quote(RESTORED), -1).length - 1 < times)
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("the router did not restore the sessions; log:\n" + server.log());
            }
            Thread.sleep(20);
        }
        assertTrue(server.log().contains("2 " + RESTORED), "both sessions restored; log:\n" + server.log());
    }

    private void awaitMqtt(final ServerProcess server) throws InterruptedException
    {
        MqttClients.awaitPort(mqttPort, () -> "the MQTT port; log:\n" + server.log());
    }

    private String[] pub(final String... args)
    {
        return tool("/usr/bin/mosquitto_pub", args);
    }

    private String[] sub(final String... args)
    {
        return tool("/usr/bin/mosquitto_sub", args);
    }

    private String[] tool(final String path, final String... args)
    {
        final String[] command = new String[args.length + 5];
        command[0] = path;
        command[1] = "-h";
        command[2] = "127.0.0.1";
        command[3] = "-p";
        command[4] = Integer.toString(mqttPort);
        System.arraycopy(args, 0, command, 5, args.length);
        return command;
    }
}
