package to.clasp.transport.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input at the MQTT edge: malformed and oversize packets, protocol violations, silent connections, a CONNECT
 * flood and a subscriber that never reads. Each has a bounded outcome, a clear reason (MQTT 5 DISCONNECT reason
 * codes) and a counter; nothing reaches the core that should not, and the router keeps serving everyone else.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class MqttBadInputTest
{
    private MqttFixture fixture;

    @AfterEach
    void stop()
    {
        if (fixture != null)
        {
            fixture.close();
        }
    }

    static MqttMessage connect(final MqttVersion version, final String clientId, final int keepAlive)
    {
        return MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId).cleanSession(true)
            .keepAlive(keepAlive).build();
    }

    private static RawMqttClient connected(final int port, final MqttVersion version, final String id)
        throws Exception
    {
        final RawMqttClient c = new RawMqttClient(port);
        c.send(connect(version, id, 60));
        final MqttConnAckMessage ack = (MqttConnAckMessage)c.expect(MqttMessageType.CONNACK);
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, ack.variableHeader().connectReturnCode());
        return c;
    }

    private static int disconnectReason(final MqttMessage m)
    {
        assertEquals(MqttMessageType.DISCONNECT, m.fixedHeader().messageType(), "got " + m);
        return ((MqttReasonCodeAndPropertiesVariableHeader)m.variableHeader()).reasonCode() & 0xFF;
    }

    /** The router still serves a CLASP client promptly (a write and its echo). */
    private void routerStillServes()
    {
        final TestClient probe = fixture.clasp("probe");
        probe.send(Frames.subscribe(1, "/probe"));
        probe.send(Frames.set(1, "/probe", 1L));
        probe.expect(MessageType.SET);
        probe.close();
    }

    @Test
    void malformedPacketGetsDisconnect0x81AndIsCounted() throws Exception
    {
        fixture = MqttFixture.start();
        try (RawMqttClient c = connected(fixture.port(), MqttVersion.MQTT_5, "bad-1"))
        {
            // PUBLISH with QoS 3 (both QoS bits set): no such QoS.
            c.sendRaw(new byte[] {0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01});
            final List<MqttMessage> last = c.awaitClosed();
            assertEquals(1, last.size());
            assertEquals(0x81, disconnectReason(last.get(0)));
        }
        MqttFixture.await(() -> fixture.metrics().disconnects(MqttMetrics.Disconnect.MALFORMED_PACKET) == 1,
            "counted as malformed");
        routerStillServes();
    }

    @Test
    void randomGarbageAfterConnectNeverHurtsTheRouter() throws Exception
    {
        fixture = MqttFixture.start();
        final java.util.Random random = new java.util.Random(42);
        final List<RawMqttClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                final RawMqttClient c = new RawMqttClient(fixture.port());
                c.send(connect(i % 2 == 0 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1, "garbage-" + i, 1));
                c.expect(MqttMessageType.CONNACK);
                final byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                c.sendRaw(junk);
                clients.add(c);
            }
            for (final RawMqttClient c : clients)
            {
                c.awaitClosed(); // malformed → closed at once; an incomplete packet → closed by the keep-alive
            }
        }
        finally
        {
            for (final RawMqttClient c : clients)
            {
                c.close();
            }
        }
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "all closed");
        MqttFixture.await(() -> fixture.router().metrics().connections() == 0, "all left the core");
        routerStillServes();
    }

    @Test
    void oversizePacketGetsDisconnect0x95() throws Exception
    {
        fixture = MqttFixture.start(r -> r, e -> e.maxPacketSize(2048));
        try (RawMqttClient c = connected(fixture.port(), MqttVersion.MQTT_5, "big-1"))
        {
            final byte[] payload = new byte[8192];
            c.send(MqttMessageBuilders.publish().topicName("big").qos(MqttQoS.AT_MOST_ONCE)
                .payload(Unpooled.wrappedBuffer(payload)).build());
            final List<MqttMessage> last = c.awaitClosed();
            assertEquals(0x95, disconnectReason(last.get(0)));
        }
        MqttFixture.await(() -> fixture.metrics().disconnects(MqttMetrics.Disconnect.PACKET_TOO_LARGE) == 1,
            "counted as too large");
        assertEquals(0, fixture.router().metrics().params(), "nothing reached the core");
    }

    @Test
    void firstPacketOtherThanConnectClosesAtOnce() throws Exception
    {
        fixture = MqttFixture.start();
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            c.sendRaw(new byte[] {(byte)0xC0, 0x00}); // PINGREQ
            assertTrue(c.awaitClosed().isEmpty(), "closed without an answer");
        }
        MqttFixture.await(() -> fixture.metrics().disconnects(MqttMetrics.Disconnect.PROTOCOL_ERROR) == 1, "counted");
        assertEquals(0, fixture.router().metrics().connections(), "never reached the core");
    }

    @Test
    void unsupportedProtocolLevelIsRefusedWithReturnCode1() throws Exception
    {
        fixture = MqttFixture.start();
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            // CONNECT "MQTT" level 9.
            c.sendRaw(new byte[] {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x09, 0x02, 0x00, 0x3C, 0x00, 0x01, 'x'});
            final List<MqttMessage> last = c.awaitClosed();
            assertEquals(1, last.size(), "one CONNACK then close: " + last);
        }
        MqttFixture.await(() ->
            fixture.metrics().refusals(MqttMetrics.Refusal.UNSUPPORTED_PROTOCOL_VERSION) == 1, "counted");
    }

    @Test
    void connectionThatNeverSendsConnectIsClosedAfterTheTimeout() throws Exception
    {
        fixture = MqttFixture.start(r -> r, e -> e.connectTimeoutMs(300));
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            assertTrue(c.awaitClosed().isEmpty());
        }
        MqttFixture.await(() -> fixture.metrics().disconnects(MqttMetrics.Disconnect.CONNECT_TIMEOUT) == 1, "counted");
    }

    @Test
    void keepAliveTimeoutClosesWithReason0x8DAndPublishesTheWill() throws Exception
    {
        fixture = MqttFixture.start();
        final TestClient watcher = fixture.clasp("watcher");
        watcher.send(Frames.subscribe(1, "/mqtt/gone/**"));
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("silent")
                .keepAlive(1).willFlag(true).willTopic("gone/silent").willMessage("1".getBytes())
                .willQoS(MqttQoS.AT_MOST_ONCE).build());
            c.expect(MqttMessageType.CONNACK);
            final long start = System.nanoTime();
            final List<MqttMessage> last = c.awaitClosed(); // send nothing: no PINGREQ
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0x8D, disconnectReason(last.get(0)));
            assertTrue(ms >= 1_000, "not before 1.5 × keep-alive: " + ms + " ms");
        }
        final to.clasp.testing.Received will = watcher.expect(MessageType.PUBLISH);
        assertEquals("/mqtt/gone/silent", will.decoder().publish().address());
        MqttFixture.await(() -> fixture.metrics().disconnects(MqttMetrics.Disconnect.KEEP_ALIVE_TIMEOUT) == 1, "counted");
    }

    @Test
    void connectFloodIsAnsweredWithinTheSessionLimitAndTheRouterKeepsServing() throws Exception
    {
        fixture = MqttFixture.start(r -> r.maxSessions(100), e -> e.maxPendingConnects(64));
        final int flood = 300;
        final List<RawMqttClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < flood; i++)
            {
                final RawMqttClient c = new RawMqttClient(fixture.port());
                c.send(connect(MqttVersion.MQTT_3_1_1, "flood-" + i, 60));
                clients.add(c);
            }
            int accepted = 0;
            int refused = 0;
            for (final RawMqttClient c : clients)
            {
                final MqttConnAckMessage ack = (MqttConnAckMessage)c.expect(MqttMessageType.CONNACK);
                if (ack.variableHeader().connectReturnCode() == MqttConnectReturnCode.CONNECTION_ACCEPTED)
                {
                    accepted++;
                }
                else
                {
                    assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                        ack.variableHeader().connectReturnCode());
                    refused++;
                }
            }
            assertEquals(100, accepted, "exactly the router's session limit");
            assertEquals(flood - 100, refused);
        }
        finally
        {
            for (final RawMqttClient c : clients)
            {
                c.close();
            }
        }
        MqttFixture.await(() -> fixture.router().metrics().sessions() == 0, "every flood session left the core");
        routerStillServes();
        assertEquals(flood - 100, fixture.metrics().refusals(MqttMetrics.Refusal.SERVER_BUSY) +
            fixture.metrics().refusals(MqttMetrics.Refusal.SERVER_UNAVAILABLE));
    }

    @Test
    void subscriberThatNeverReadsIsCutAtTheHardLimitWhileOthersGetEverything() throws Exception
    {
        fixture = MqttFixture.start(r -> r.outboundSoftLimit(64 * 1024).outboundHardLimit(256 * 1024),
            e -> e.writeBufferWaterMarks(16 * 1024, 32 * 1024));
        final TestClient fast = fixture.clasp("fast");
        fast.send(Frames.subscribe(1, "/mqtt/flood/**"));
        final int messages = 20_000; // 20 MB: more than loopback socket buffers absorb
        try (RawMqttClient stuck = new RawMqttClient(fixture.port(), 4096))
        {
            stuck.send(connect(MqttVersion.MQTT_5, "stuck", 0));
            stuck.expect(MqttMessageType.CONNACK);
            stuck.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "flood/#")
                .build());
            stuck.expect(MqttMessageType.SUBACK);
            // From here on the stuck client reads nothing.
            final TestClient publisher = fixture.clasp("publisher");
            final byte[] kilobyte = new byte[1024];
            for (int i = 0; i < messages; i++)
            {
                publisher.send(Frames.publish(0, SignalType.EVENT, "/mqtt/flood/x", kilobyte));
                fast.expect(MessageType.PUBLISH); // the fast subscriber reads each one
            }
            MqttFixture.await(() -> fixture.metrics().disconnects(MqttMetrics.Disconnect.SLOW_CONSUMER) == 1,
                () -> "the stuck subscriber was cut (core slow-consumer disconnects " +
                fixture.router().metrics().slowConsumerDisconnects() + ", dropped " +
                fixture.router().metrics().droppedMessages() + ", mqtt out " + fixture.metrics().publishesOut(0) + ")");
        }
        assertEquals(1, fixture.router().metrics().slowConsumerDisconnects());
        routerStillServes();
    }
}
