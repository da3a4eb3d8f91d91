package to.clasp.transport.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent MQTT sessions kept in a directory ({@code --data-dir}): the file format, torn and damaged files, and a
 * real Paho client whose session comes back after the router (core and edge) is closed and started again on the same
 * directory. The same across a real process restart and {@code kill -9}: {@code MqttSessionRestartTest} (interop).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class MqttSessionStoreTest
{
    @TempDir
    Path dir;

    private MqttFixture fixture;

    @AfterEach
    void stop()
    {
        if (fixture != null)
        {
            fixture.close();
        }
    }

    private MqttFixture startRouter()
    {
        fixture = MqttFixture.start(r -> r, e -> e.sessionDirectory(dir.toFile()));
        return fixture;
    }

    private void restartRouter()
    {
        fixture.close();
        fixture = null;
        startRouter();
    }

    private static MqttSessionStore.Record record(final String clientId, final byte[] token)
    {
        return new MqttSessionStore.Record(clientId, 3600, 1_700_000_000_000L, token, List.of(
            new MqttSessionStore.Subscription("a/+/b", 1, false, false, false),
            new MqttSessionStore.Subscription("c/#", 2, true, true, true)));
    }

    @Test
    void aRecordReadsBackAsWritten() throws Exception
    {
        final MqttSessionStore.Record r = MqttSessionStore.decode(MqttSessionStore.encode(
            record("dévice/1", "s3cret".getBytes(StandardCharsets.UTF_8))));
        assertEquals("dévice/1", r.clientId);
        assertEquals(3600, r.expirySeconds);
        assertEquals(1_700_000_000_000L, r.awaySinceMs);
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), r.token);
        assertEquals(2, r.subscriptions.size());
        assertEquals("c/#", r.subscriptions.get(1).filter);
        assertEquals(2, r.subscriptions.get(1).qos);
        assertTrue(r.subscriptions.get(1).noLocal && r.subscriptions.get(1).retainAsPublished &&
            r.subscriptions.get(1).noRetained);
        assertFalse(r.subscriptions.get(0).noLocal || r.subscriptions.get(0).retainAsPublished ||
            r.subscriptions.get(0).noRetained);
        assertEquals(null, MqttSessionStore.decode(MqttSessionStore.encode(record("x", null))).token);
    }

    @Test
    void everyTruncationAndEveryFlippedByteIsRefused()
    {
        final byte[] bytes = MqttSessionStore.encode(record("torn", new byte[] {1, 2, 3}));
        for (int n = 0; n < bytes.length; n++)
        {
            final int length = n;
            assertThrows(IOException.class, () -> MqttSessionStore.decode(Arrays.copyOf(bytes, length)),
                "truncated at " + n);
        }
        for (int i = 0; i < bytes.length; i++)
        {
            final byte[] flipped = bytes.clone();
            flipped[i] ^= 0x40;
            assertThrows(IOException.class, () -> MqttSessionStore.decode(flipped), "byte " + i + " flipped");
        }
    }

    @Test
    void tornDamagedAndTemporaryFilesNeverStopTheStartAndTheGoodOnesLoad() throws Exception
    {
        try (MqttSessionStore store = MqttSessionStore.open(dir.toFile()))
        {
            store.save(record("good", null));
            store.save(record("torn", null));
            assertTrue(store.flush(10_000));
        }
        final Path torn = dir.resolve(MqttSessionStore.fileName("torn"));
        final byte[] whole = Files.readAllBytes(torn);
        Files.write(torn, Arrays.copyOf(whole, whole.length / 2));
        Files.write(dir.resolve(MqttSessionStore.fileName("other") + ".tmp"), new byte[] {1, 2});
        Files.write(dir.resolve(MqttSessionStore.fileName("junk")), "not a session".getBytes(StandardCharsets.UTF_8));

        try (MqttSessionStore store = MqttSessionStore.open(dir.toFile()))
        {
            final List<MqttSessionStore.Record> loaded = store.load();
            assertEquals(1, loaded.size());
            assertEquals("good", loaded.get(0).clientId);
        }
        assertTrue(Files.exists(dir.resolve(MqttSessionStore.fileName("torn") + ".bad")), "set aside");
        assertTrue(Files.exists(dir.resolve(MqttSessionStore.fileName("junk") + ".bad")), "set aside");
        assertFalse(Files.exists(dir.resolve(MqttSessionStore.fileName("other") + ".tmp")), "leftover removed");
    }

    @Test
    void aPersistentSessionComesBackAfterARestartWithItsSubscriptionsAndGetsWhatWasPublishedWhileAway()
        throws Exception
    {
        startRouter();
        final MqttClient first = fixture.paho("keeper", false);
        first.subscribe("plant/#", 1);
        first.subscribe("other/+", 0);
        first.disconnect();
        first.close();
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "disconnected");
        assertTrue(fixture.edge().store().flush(10_000));

        restartRouter();
        MqttFixture.await(() -> fixture.metrics().sessions() == 1, "the session restored");
        MqttFixture.await(() -> fixture.router().metrics().subscriptions() == 2, "its two subscriptions in the core");
        try (TestClient clasp = fixture.clasp("writer"))
        {
            clasp.send(Frames.publish(0, SignalType.EVENT, "/mqtt/plant/pump", 7L));
            clasp.send(Frames.set(1, "/elsewhere/x", 1L)).expect(MessageType.ACK); // the core handled both
        }

        final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
        final MqttClient second = new MqttClient(fixture.url(), "keeper", new MemoryPersistence());
        second.setCallback(collector(received));
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        assertTrue(second.connectWithResult(options).getSessionPresent(), "CONNACK session present after a restart");
        final Object[] m = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "the event published while the client was away, on its old subscription");
        assertEquals("plant/pump", m[0]);
        assertEquals("7", new String(((MqttMessage)m[1]).getPayload(), StandardCharsets.UTF_8));
        assertEquals(1, ((MqttMessage)m[1]).getQos(), "at the subscription's QoS");

        // Live too, on the restored QoS 0 subscription, without subscribing again.
        try (TestClient clasp = fixture.clasp("writer2"))
        {
            clasp.send(Frames.publish(0, SignalType.EVENT, "/mqtt/other/x", "live"));
        }
        final Object[] live = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(live);
        assertEquals("other/x", live[0]);
        second.disconnect();
        second.close();
    }

    @Test
    void aCleanSessionAndAnUnsubscribeAreForgottenOnDisk() throws Exception
    {
        startRouter();
        final MqttClient first = fixture.paho("forget", false);
        first.subscribe("x/#", 1);
        first.subscribe("y/#", 1);
        first.unsubscribe("y/#");
        first.disconnect();
        first.close();
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "disconnected");
        assertTrue(fixture.edge().store().flush(10_000));
        final MqttSessionStore.Record r = MqttSessionStore.decode(
            Files.readAllBytes(dir.resolve(MqttSessionStore.fileName("forget"))));
        assertEquals(1, r.subscriptions.size());
        assertEquals("x/#", r.subscriptions.get(0).filter);
        assertTrue(r.awaySinceMs > 0, "the client is away");

        final MqttClient clean = fixture.paho("forget", true);
        clean.disconnect();
        clean.close();
        MqttFixture.await(() -> fixture.metrics().sessions() == 0, "the session ended");
        assertTrue(fixture.edge().store().flush(10_000));
        assertFalse(Files.exists(dir.resolve(MqttSessionStore.fileName("forget"))), "its file is gone");
        restartRouter();
        assertEquals(0, fixture.metrics().sessions(), "nothing restored");
    }

    @Test
    void onlyTheTokenThatOpenedASessionResumesIt() throws Exception
    {
        startRouter();
        final MqttClient first = connect("owner", "token-a");
        first.subscribe("own/#", 1);
        first.disconnect();
        first.close();
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "disconnected");

        final MqttClient other = new MqttClient(fixture.url(), "owner", new MemoryPersistence());
        assertFalse(other.connectWithResult(options("token-b")).getSessionPresent(),
            "another token starts a new session, it never resumes one");
        other.disconnect();
        other.close();
        final MqttClient again = new MqttClient(fixture.url(), "owner", new MemoryPersistence());
        assertTrue(again.connectWithResult(options("token-b")).getSessionPresent(), "the new session is token-b's");
        again.disconnect();
        again.close();
    }

    private MqttClient connect(final String clientId, final String password) throws Exception
    {
        final MqttClient c = new MqttClient(fixture.url(), clientId, new MemoryPersistence());
        c.connect(options(password));
        return c;
    }

    private static MqttConnectOptions options(final String password)
    {
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setUserName("user");
        options.setPassword(password.toCharArray());
        return options;
    }

    private static MqttCallback collector(final BlockingQueue<Object[]> received)
    {
        return new MqttCallback()
        {
            public void connectionLost(final Throwable cause)
            {
            }

            public void messageArrived(final String topic, final MqttMessage message)
            {
                received.add(new Object[] {topic, message});
            }

            public void deliveryComplete(final IMqttDeliveryToken token)
            {
            }
        };
    }
}
