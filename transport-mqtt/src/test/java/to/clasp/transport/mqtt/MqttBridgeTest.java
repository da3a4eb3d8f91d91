package to.clasp.transport.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.HeldCore;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bridge mode against a real Mosquitto (Debian package mosquitto, installed by .ci/run) that the test starts on a
 * free loopback port: both directions, no loops, and a broker restart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
final class MqttBridgeTest
{
    @TempDir
    Path dir;
    private Process mosquitto;
    private Router router;
    private MqttBridge bridge;
    private HeldCore host;
    private int brokerPort;

    @AfterEach
    void stop() throws Exception
    {
        if (host != null)
        {
            host.release();
        }
        if (bridge != null)
        {
            bridge.close();
        }
        if (router != null)
        {
            router.close();
        }
        if (host != null)
        {
            host.close();
        }
        stopMosquitto();
    }

    private void startMosquitto() throws Exception
    {
        final Path binary = Path.of("/usr/sbin/mosquitto");
        if (!Files.isExecutable(binary))
        {
            fail("mosquitto is missing: install the Debian package mosquitto (.ci/run does)");
        }
        final Path conf = dir.resolve("mosquitto.conf");
        // Queue what the bridge has not taken yet rather than drop it past Mosquitto's default of 1 000 messages.
        Files.writeString(conf, "listener " + brokerPort + " 127.0.0.1\nallow_anonymous true\npersistence false\n" +
            "max_queued_messages 100000\n");
        mosquitto = new ProcessBuilder(binary.toString(), "-c", conf.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            try (Socket s = new Socket())
            {
                s.connect(new InetSocketAddress("127.0.0.1", brokerPort), 200);
                return;
            }
            catch (final IOException notYet)
            {
                Thread.sleep(20);
            }
        }
        fail("mosquitto did not listen: " + Files.readString(dir.resolve("mosquitto.log")));
    }

    private void stopMosquitto() throws Exception
    {
        if (mosquitto != null)
        {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
            mosquitto = null;
        }
    }

    private MqttClient brokerClient(final String id) throws Exception
    {
        final MqttClient c = new MqttClient("tcp://127.0.0.1:" + brokerPort, id, new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        c.connect(options);
        return c;
    }

    @Test
    void mirrorsBothWaysWithoutLoopsAndSurvivesABrokerRestart() throws Exception
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            brokerPort = s.getLocalPort();
        }
        startMosquitto();
        router = Router.launch(new Router.Context().coreThreading(CoreThreading.DEDICATED));
        final MqttBridge.Context ctx = MqttBridge.Context.parse("mqtt://127.0.0.1:" + brokerPort + ",site/#");
        bridge = MqttBridge.launch(ctx, router.inboundPort());
        MqttFixture.await(bridge::isConnected, "the bridge connected");

        final TestClient clasp = TestClient.open(router.inboundPort(), "clasp");
        clasp.send(Frames.subscribe(1, "/mqtt/site/**"));
        final MqttClient sensor = brokerClient("sensor");
        final BlockingQueue<Object[]> atBroker = new LinkedBlockingQueue<>();
        sensor.subscribe("site/#", 1, (topic, message) -> atBroker.add(new Object[] {topic, message}));

        // Broker → router: a retained reading becomes a param.
        sensor.publish("site/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, true);
        final Received set = clasp.expect(MessageType.SET);
        assertEquals("/mqtt/site/temp", set.decoder().set().address());
        assertEquals(21.5, set.decoder().set().value().toObject());
        assertEquals("21.5", new String(((MqttMessage)atBroker.poll(10, TimeUnit.SECONDS)[1]).getPayload(),
            StandardCharsets.UTF_8), "the sensor's own subscription");

        // Router → broker: a CLASP write reaches MQTT clients of the broker.
        final TestClient writer = TestClient.open(router.inboundPort(), "writer");
        writer.send(Frames.set(1, "/mqtt/site/cmd", "on")).expect(MessageType.ACK);
        clasp.expect(MessageType.SET);
        final Object[] cmd = atBroker.poll(10, TimeUnit.SECONDS);
        assertNotNull(cmd);
        assertEquals("site/cmd", cmd[0]);
        assertEquals("\"on\"", new String(((MqttMessage)cmd[1]).getPayload(), StandardCharsets.UTF_8));

        // No loop: nothing more moves either way (barriers on the CLASP side, a quiet broker subscription).
        clasp.expectNothingMore();
        assertEquals(null, atBroker.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(1, bridge.context().metrics().bridgeMessagesIn());
        assertEquals(1, bridge.context().metrics().bridgeMessagesOut());

        // The broker restarts empty: the bridge reconnects and gives it the router's state back.
        sensor.disconnect();
        stopMosquitto();
        MqttFixture.await(() -> !bridge.isConnected(), "the link went down");
        startMosquitto();
        MqttFixture.await(() -> bridge.context().metrics().bridgeConnects() == 2, "the bridge reconnected");
        final MqttClient late = brokerClient("late");
        final BlockingQueue<Object[]> retained = new LinkedBlockingQueue<>();
        late.subscribe("site/#", 1, (topic, message) -> retained.add(new Object[] {topic, message}));
        final java.util.Set<String> topics = new java.util.TreeSet<>();
        for (int i = 0; i < 2; i++)
        {
            final Object[] m = retained.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "retained state restored to the broker");
            assertTrue(((MqttMessage)m[1]).isRetained());
            topics.add((String)m[0]);
        }
        assertEquals(java.util.Set.of("site/cmd", "site/temp"), topics);
        late.disconnect();
    }

    @Test
    void aFloodFromTheBrokerIntoAFullRingPausesTheLinkAndLosesNothing() throws Exception
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            brokerPort = s.getLocalPort();
        }
        startMosquitto();
        final int ring = 1024;
        router = Router.launch(new Router.Context().coreThreading(CoreThreading.SHARED).inboundRingSize(ring)
            .producerWaitTimeoutNs(TimeUnit.MINUTES.toNanos(1)));
        host = new HeldCore(router.sharedCore());
        bridge = MqttBridge.launch(MqttBridge.Context.parse("mqtt://127.0.0.1:" + brokerPort + ",flood/#"),
            router.inboundPort());
        MqttFixture.await(bridge::isConnected, "the bridge connected");
        final TestClient clasp = TestClient.open(router.inboundPort(), "clasp");
        clasp.send(Frames.subscribe(1, "/mqtt/flood/**"));
        assertTrue(clasp.receiveUntilBarrier().isEmpty());

        final int messages = ring * 3;
        final java.util.List<io.netty.handler.codec.mqtt.MqttMessage> burst = new java.util.ArrayList<>(messages);
        for (int i = 0; i < messages; i++)
        {
            burst.add(MqttBackPressureTest.publish("flood/x", 1, i % 65_535 + 1, Integer.toString(i)));
        }
        try (RawMqttClient sensor = new RawMqttClient(brokerPort))
        {
            sensor.send(io.netty.handler.codec.mqtt.MqttMessageBuilders.connect()
                .protocolVersion(io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1).clientId("sensor")
                .cleanSession(true).keepAlive(60).build());
            sensor.expect(io.netty.handler.codec.mqtt.MqttMessageType.CONNACK);
            // The bridge's broker subscription is in place once a message goes all the way through.
            Received ready = null;
            while (ready == null)
            {
                sensor.send(MqttBackPressureTest.publish("flood/ready", 0, 0, "1"));
                ready = clasp.receive(java.time.Duration.ofMillis(100));
            }
            assertEquals("/mqtt/flood/ready", ready.decoder().publish().address());

            // The core stops; the sensor sends three rings' worth in one write. The bridge takes them from the broker
            // until the ring passes its high-water mark, then stops reading the link (the rest waits at the broker);
            // the old bridge read on into a full ring and waited there, its loop stuck for the producer wait.
            host.hold();
            sensor.sendRaw(RawMqttClient.encode(burst));
            MqttFixture.await(() -> router.inboundPort().isBackPressured(), "the ring above its high-water mark");
            assertTrue(bridge.context().metrics().bridgeMessagesIn() < messages, "the link paused before the end");
            assertEquals(0, router.backPressure().producerWaits(), "the bridge never waited for the core");

            host.release();
            long next = 0;
            while (next < messages)
            {
                final Received r = clasp.expect(MessageType.PUBLISH);
                if (r.decoder().publish().address().equals("/mqtt/flood/x")) // (a late "ready" may come first)
                {
                    assertEquals(next++, ((Number)r.decoder().publish().value().toObject()).longValue(),
                        "in order, none lost");
                }
            }
            assertEquals(0, router.backPressure().producerWaits(), "the bridge never waited for the core");
        }
    }
}
