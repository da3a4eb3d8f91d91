package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT edge with the Eclipse Paho client (MQTT 3.1.1) on one side and CLASP clients of the same core on the other.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class MqttEdgeTest
{
    private MqttFixture fixture;

    @BeforeEach
    void start()
    {
        fixture = MqttFixture.start();
    }

    @AfterEach
    void stop()
    {
        fixture.close();
    }

    /** A Paho subscriber whose messages land in a queue. */
    private static BlockingQueue<Object[]> subscribe(final MqttClient client, final String filter, final int qos)
        throws Exception
    {
        final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
        client.subscribe(filter, qos, (topic, message) -> received.add(new Object[] {topic, message}));
        return received;
    }

    private static MqttMessage next(final BlockingQueue<Object[]> queue, final String topic) throws Exception
    {
        final Object[] m = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "no MQTT message within 10 s");
        assertEquals(topic, m[0]);
        return (MqttMessage)m[1];
    }

    private static String text(final MqttMessage m)
    {
        return new String(m.getPayload(), StandardCharsets.UTF_8);
    }

    @Test
    void retainedPublishIsStoredAsAParamAndReachesClaspSubscribers() throws Exception
    {
        final TestClient clasp = fixture.clasp("clasp");
        clasp.send(Frames.subscribe(1, "/mqtt/sensors/**"));
        final MqttClient paho = fixture.paho();
        paho.publish("sensors/room1/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, true); // waits for PUBACK
        final Received set = clasp.expect(MessageType.SET);
        assertEquals("/mqtt/sensors/room1/temp", set.decoder().set().address());
        assertEquals(21.5, set.decoder().set().value().toObject());
        final TestClient getter = fixture.clasp("getter");
        getter.send(Frames.get(0, "/mqtt/sensors/room1/temp"));
        final Received snapshot = getter.expect(MessageType.SNAPSHOT);
        assertEquals(21.5, snapshot.decoder().snapshot().entry(0).value().toObject(), "stored: GET finds it");
        paho.disconnect();
    }

    @Test
    void nonRetainedPublishIsAnEventWithJsonValue() throws Exception
    {
        final TestClient clasp = fixture.clasp("clasp");
        clasp.send(Frames.subscribe(1, "/mqtt/cue/*"));
        final MqttClient paho = fixture.paho();
        paho.publish("cue/go", "{\"scene\":3,\"fade\":1.5,\"tags\":[\"a\",true,null]}".getBytes(StandardCharsets.UTF_8),
            0, false);
        final Received publish = clasp.expect(MessageType.PUBLISH);
        assertEquals(SignalType.EVENT, publish.decoder().publish().signal());
        assertEquals("/mqtt/cue/go", publish.decoder().publish().address());
        final Map<?, ?> value = (Map<?, ?>)publish.decoder().publish().value().toObject();
        assertEquals(3L, value.get("scene"), "a JSON integer is an Int");
        assertEquals(1.5, value.get("fade"));
        assertEquals(java.util.Arrays.asList("a", true, null), value.get("tags"));
        final TestClient getter = fixture.clasp("getter");
        getter.send(Frames.get(1, "/mqtt/cue/go"));
        assertEquals(MessageType.ERROR, getter.receive().type(), "an event is not stored");
        paho.disconnect();
    }

    @Test
    void claspWritesReachMqttSubscribersAsJsonAtTheSubscriptionQos() throws Exception
    {
        final MqttClient paho = fixture.paho();
        final BlockingQueue<Object[]> received = subscribe(paho, "sensors/+", 1);
        final TestClient clasp = fixture.clasp("clasp");
        clasp.send(Frames.set(1, "/mqtt/sensors/a", 42L)).expect(MessageType.ACK);
        clasp.send(Frames.set(1, "/mqtt/sensors/b", 42.0)).expect(MessageType.ACK);
        clasp.send(Frames.set(1, "/mqtt/sensors/c", "on")).expect(MessageType.ACK);
        clasp.send(Frames.set(1, "/mqtt/sensors/d", new byte[] {0, (byte)0xFF})).expect(MessageType.ACK);
        clasp.send(Frames.publish(0, SignalType.EVENT, "/mqtt/sensors/e", null));
        clasp.send(Frames.set(1, "/elsewhere/x", 1L)).expect(MessageType.ACK);
        MqttMessage m = next(received, "sensors/a");
        assertEquals("42", text(m));
        assertEquals(1, m.getQos());
        assertFalse(m.isRetained(), "a live update is not flagged retained (MQTT 3.1.1)");
        assertEquals("42.0", text(next(received, "sensors/b")), "a Float stays a float");
        assertEquals("\"on\"", text(next(received, "sensors/c")), "a string is a JSON string");
        assertArrayEquals(new byte[] {0, (byte)0xFF}, next(received, "sensors/d").getPayload(), "bytes are raw");
        assertEquals(0, next(received, "sensors/e").getPayload().length, "null is an empty payload");
        assertNull(received.poll(200, TimeUnit.MILLISECONDS), "nothing outside the namespace");
        paho.disconnect();
    }

    @Test
    void lateJoinerGetsRetainedMessagesFromTheStore() throws Exception
    {
        final MqttClient writer = fixture.paho();
        writer.publish("late/a", "1".getBytes(StandardCharsets.UTF_8), 1, true);
        writer.publish("late/b/c", "\"state\"".getBytes(StandardCharsets.UTF_8), 1, true);
        writer.publish("late/deleted", "2".getBytes(StandardCharsets.UTF_8), 1, true);
        writer.publish("late/deleted", new byte[0], 1, true); // MQTT: delete the retained message
        writer.publish("late/event", "3".getBytes(StandardCharsets.UTF_8), 1, false);
        writer.disconnect();
        final TestClient clasp = fixture.clasp("clasp");
        clasp.send(Frames.set(1, "/mqtt/late/from-clasp", true)).expect(MessageType.ACK);

        final MqttClient joiner = fixture.paho();
        final BlockingQueue<Object[]> received = subscribe(joiner, "late/#", 0);
        final java.util.Map<String, String> got = new java.util.TreeMap<>();
        for (int i = 0; i < 3; i++)
        {
            final Object[] m = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "retained message " + i);
            assertTrue(((MqttMessage)m[1]).isRetained(), "sent as retained");
            got.put((String)m[0], text((MqttMessage)m[1]));
        }
        assertEquals(Map.of("late/a", "1", "late/b/c", "\"state\"", "late/from-clasp", "true"), got);
        assertNull(received.poll(200, TimeUnit.MILLISECONDS), "no deleted or non-retained message");
        joiner.disconnect();
    }

    @Test
    void qos2IsDeliveredOnceBothWays() throws Exception
    {
        final MqttClient subscriber = fixture.paho();
        final BlockingQueue<Object[]> received = subscribe(subscriber, "exact/#", 2);
        final MqttClient publisher = fixture.paho();
        for (int i = 0; i < 20; i++)
        {
            publisher.publish("exact/" + i, Integer.toString(i).getBytes(StandardCharsets.UTF_8), 2, i % 2 == 0);
        }
        for (int i = 0; i < 20; i++)
        {
            final MqttMessage m = next(received, "exact/" + i);
            assertEquals(2, m.getQos());
            assertEquals(Integer.toString(i), text(m));
        }
        assertNull(received.poll(200, TimeUnit.MILLISECONDS), "each exactly once");
        assertEquals(20, fixture.metrics().publishesIn(2));
        assertEquals(20, fixture.metrics().publishesOut(2));
        publisher.disconnect();
        subscriber.disconnect();
    }

    @Test
    void willIsPublishedOnAbruptDisconnectOnly() throws Exception
    {
        final TestClient clasp = fixture.clasp("watcher");
        clasp.send(Frames.subscribe(1, "/mqtt/status/**"));
        final MqttClient device = new MqttClient(fixture.url(), "device-1", new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setWill("status/device-1", "\"offline\"".getBytes(StandardCharsets.UTF_8), 1, true);
        device.connect(options);
        device.disconnectForcibly(0, 0, false); // no DISCONNECT packet: the connection just drops
        final Received will = clasp.expect(MessageType.SET);
        assertEquals("/mqtt/status/device-1", will.decoder().set().address());
        assertEquals("offline", will.decoder().set().value().toObject());
        MqttFixture.await(() -> fixture.metrics().willsPublished() == 1, "the will counted");

        final MqttClient polite = new MqttClient(fixture.url(), "device-2", new MemoryPersistence());
        final MqttConnectOptions politeOptions = new MqttConnectOptions();
        politeOptions.setWill("status/device-2", "\"offline\"".getBytes(StandardCharsets.UTF_8), 1, true);
        polite.connect(politeOptions);
        polite.disconnect();
        MqttFixture.await(() -> fixture.metrics().sessions() == 0, "the session ended");
        clasp.expectNothingMore();
        assertEquals(1, fixture.metrics().willsPublished());
    }

    @Test
    void persistentSessionKeepsSubscriptionsAndQueuesQos1WhileAway() throws Exception
    {
        final MqttClient first = fixture.paho("keeper", false);
        first.subscribe("queued/#", 1);
        first.disconnect();
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "disconnected");
        assertEquals(1, fixture.metrics().sessions(), "the session stays while its client is away");

        final TestClient clasp = fixture.clasp("writer");
        for (int i = 0; i < 5; i++)
        {
            clasp.send(Frames.set(1, "/mqtt/queued/" + i, (long)i)).expect(MessageType.ACK);
        }
        final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
        final MqttClient second = new MqttClient(fixture.url(), "keeper", new MemoryPersistence());
        second.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback()
        {
            public void connectionLost(final Throwable cause)
            {
            }

            public void messageArrived(final String topic, final MqttMessage message)
            {
                received.add(new Object[] {topic, message});
            }

            public void deliveryComplete(final org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token)
            {
            }
        });
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        final IMqttToken token = second.connectWithResult(options);
        assertTrue(token.getSessionPresent(), "CONNACK session present");
        for (int i = 0; i < 5; i++)
        {
            assertEquals(Integer.toString(i), text(next(received, "queued/" + i)));
        }
        second.disconnect();
    }

    @Test
    void cleanSessionStartsAfresh() throws Exception
    {
        final MqttClient first = fixture.paho("fresh", false);
        first.subscribe("fresh/#", 1);
        first.disconnect();
        final MqttClient second = new MqttClient(fixture.url(), "fresh", new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        assertFalse(second.connectWithResult(options).getSessionPresent());
        second.disconnect();
        MqttFixture.await(() -> fixture.metrics().sessions() == 0, "no session left");
        MqttFixture.await(() -> fixture.router().metrics().subscriptions() == 0, "the old subscription left the core");
    }

    @Test
    void plainTextAndBinaryPayloadsAreBytesByteForByte() throws Exception
    {
        final TestClient clasp = fixture.clasp("clasp");
        clasp.send(Frames.subscribe(1, "/mqtt/raw/*"));
        final MqttClient paho = fixture.paho();
        final BlockingQueue<Object[]> received = subscribe(paho, "raw/+", 0);
        paho.publish("raw/text", "online".getBytes(StandardCharsets.UTF_8), 0, true);
        final Received set = clasp.expect(MessageType.SET);
        assertArrayEquals("online".getBytes(StandardCharsets.UTF_8), (byte[])set.decoder().set().value().toObject());
        assertEquals("online", text(next(received, "raw/text")), "MQTT to MQTT unchanged");
        paho.disconnect();
    }

    @Test
    void aClientIdLongerThanAHelloNameIsAccepted() throws Exception
    {
        // 300 two-byte characters: the HELLO name is cut to 255 bytes at a character boundary (valid UTF-8).
        final MqttClient paho = fixture.paho("é".repeat(300), true);
        paho.publish("long/id", "1".getBytes(StandardCharsets.UTF_8), 1, true);
        assertTrue(paho.isConnected());
        paho.disconnect();
    }

    @Test
    void sessionsAndSubscriptionsLeaveTheCoreWithTheirClients() throws Exception
    {
        final List<MqttClient> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            final MqttClient c = fixture.paho();
            c.subscribe("a/" + i + "/#", 0);
            clients.add(c);
        }
        MqttFixture.await(() -> fixture.router().metrics().subscriptions() == 5, "5 subscriptions in the core");
        for (final MqttClient c : clients)
        {
            c.disconnect();
        }
        MqttFixture.await(() -> fixture.router().metrics().sessions() == 0, "sessions closed in the core");
        MqttFixture.await(() -> fixture.router().metrics().subscriptions() == 0, "their subscriptions removed");
    }
}
