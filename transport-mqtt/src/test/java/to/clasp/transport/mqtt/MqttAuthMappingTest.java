package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.buffer.Unpooled;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.AckEncoder;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.ErrorEncoder;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.WelcomeEncoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How the MQTT edge maps the core's auth answers (router-behaviour.md §6) to MQTT: ERROR 300/302 to a HELLO → CONNACK
 * "not authorized" (v5 0x87, 3.1.1 return code 5); ERROR 301 to a write → PUBACK/PUBREC 0x87 (v5) or a positive
 * acknowledgement and a count (3.1.1); ERROR 301 to a SUBSCRIBE → SUBACK 0x87 (v5) / 0x80 (3.1.1). The core of this
 * build has no token auth yet (#13), so these tests put a scripted core behind the edge that answers as the spec says
 * a core with auth on does: token "good" is accepted, "expired" gets 302, anything else 300; addresses and patterns
 * containing "forbidden" get 301. The end-to-end auth tests run against the real core once it has auth.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class MqttAuthMappingTest
{
    private MqttEdge edge;

    @BeforeEach
    void start()
    {
        edge = MqttEdge.launch(new MqttEdge.Context().host("127.0.0.1").port(0), new ScriptedAuthCore());
    }

    @AfterEach
    void stop()
    {
        edge.close();
    }

    private RawMqttClient connect(final MqttVersion version, final String password, final MqttConnectReturnCode expected)
        throws Exception
    {
        final RawMqttClient c = new RawMqttClient(edge.localAddress().getPort());
        c.send(MqttMessageBuilders.connect().protocolVersion(version).clientId("c-" + UUID.randomUUID())
            .cleanSession(true).hasUser(true).username("ignored").hasPassword(password != null)
            .password(password == null ? null : password.getBytes(StandardCharsets.UTF_8)).build());
        final MqttConnAckMessage ack = (MqttConnAckMessage)c.expect(MqttMessageType.CONNACK);
        assertEquals(expected, ack.variableHeader().connectReturnCode());
        return c;
    }

    @Test
    void badOrMissingTokenIsNotAuthorized() throws Exception
    {
        try (RawMqttClient c = connect(MqttVersion.MQTT_5, "wrong", MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5))
        {
            c.awaitClosed();
        }
        try (RawMqttClient c = connect(MqttVersion.MQTT_5, "expired", MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5))
        {
            c.awaitClosed();
        }
        try (RawMqttClient c = connect(MqttVersion.MQTT_3_1_1, null, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED))
        {
            c.awaitClosed();
        }
        MqttFixture.await(() -> edge.metrics().refusals(MqttMetrics.Refusal.NOT_AUTHORIZED) == 3, "counted");
        assertEquals(0, edge.metrics().sessions());
    }

    @Test
    void pahoSeesReturnCode5() throws Exception
    {
        final MqttClient paho = new MqttClient("tcp://127.0.0.1:" + edge.localAddress().getPort(), "paho-denied",
            new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("user");
        options.setPassword("wrong".toCharArray());
        final MqttException ex = assertThrows(MqttException.class, () -> paho.connect(options));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, ex.getReasonCode());
        paho.close();
    }

    @Test
    void forbiddenPublishesAreRefusedPerPacketInV5() throws Exception
    {
        try (RawMqttClient c = connect(MqttVersion.MQTT_5, "good", MqttConnectReturnCode.CONNECTION_ACCEPTED))
        {
            c.send(publish("ok/x", 1, 1, true));
            c.send(publish("forbidden/x", 1, 2, true));
            c.send(publish("forbidden/y", 2, 3, false));
            c.send(publish("ok/y", 2, 4, false));
            assertEquals(0x00, reason(c.expect(MqttMessageType.PUBACK), 1));
            assertEquals(0x87, reason(c.expect(MqttMessageType.PUBACK), 2));
            assertEquals(0x87, reason(c.expect(MqttMessageType.PUBREC), 3));
            assertEquals(0x00, reason(c.expect(MqttMessageType.PUBREC), 4));
        }
        MqttFixture.await(() -> edge.metrics().rejections(MqttMetrics.Rejection.NOT_AUTHORIZED) == 2, "counted");
    }

    @Test
    void forbiddenPublishesAreAcknowledgedAndCountedIn311() throws Exception
    {
        try (RawMqttClient c = connect(MqttVersion.MQTT_3_1_1, "good", MqttConnectReturnCode.CONNECTION_ACCEPTED))
        {
            c.send(publish("forbidden/x", 1, 7, true));
            assertEquals(7, ((io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader)
                c.expect(MqttMessageType.PUBACK).variableHeader()).messageId());
        }
        MqttFixture.await(() -> edge.metrics().rejections(MqttMetrics.Rejection.NOT_AUTHORIZED) == 1, "counted");
    }

    @Test
    void forbiddenSubscriptionsAreRefusedPerFilter() throws Exception
    {
        try (RawMqttClient c = connect(MqttVersion.MQTT_5, "good", MqttConnectReturnCode.CONNECTION_ACCEPTED))
        {
            c.send(MqttMessageBuilders.subscribe().messageId(9).addSubscription(MqttQoS.AT_LEAST_ONCE, "ok/#")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "forbidden/#").addSubscription(MqttQoS.AT_MOST_ONCE, "a//b")
                .build());
            final MqttSubAckMessage ack = (MqttSubAckMessage)c.expect(MqttMessageType.SUBACK);
            assertEquals(java.util.List.of(1, 0x87, 0x8F), ack.payload().reasonCodes());
        }
        try (RawMqttClient c = connect(MqttVersion.MQTT_3_1_1, "good", MqttConnectReturnCode.CONNECTION_ACCEPTED))
        {
            c.send(MqttMessageBuilders.subscribe().messageId(9).addSubscription(MqttQoS.EXACTLY_ONCE, "ok/#")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "forbidden/#").build());
            final MqttSubAckMessage ack = (MqttSubAckMessage)c.expect(MqttMessageType.SUBACK);
            assertEquals(java.util.List.of(2, 0x80), ack.payload().reasonCodes());
        }
    }

    private static MqttMessage publish(final String topic, final int qos, final int id, final boolean retain)
    {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(id).retained(retain)
            .payload(Unpooled.wrappedBuffer("1".getBytes(StandardCharsets.UTF_8))).build();
    }

    private static int reason(final MqttMessage m, final int packetId)
    {
        final MqttPubReplyMessageVariableHeader h = (MqttPubReplyMessageVariableHeader)m.variableHeader();
        assertEquals(packetId, h.messageId(), "in PUBLISH order");
        return h.reasonCode() & 0xFF;
    }

    /** Answers HELLO, SET, PUBLISH, SUBSCRIBE and PING as a core with token auth on does (see the class comment). */
    private static final class ScriptedAuthCore implements InboundPort
    {
        private final java.util.Map<Long, EdgeConnection> connections = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Long, OutboundQueue> queues = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
        private final FrameDecoder decoder = new FrameDecoder();
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[70_000]);

        public OutboundQueue connect(final EdgeConnection connection)
        {
            final long id = ids.incrementAndGet();
            final OutboundQueue queue = new OutboundQueue(id, 16 * 1024, 1 << 20);
            connections.put(id, connection);
            queues.put(id, queue);
            return queue;
        }

        public boolean onFrame(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            return offer(id, buffer, offset, length) == OFFERED;
        }

        public synchronized int offer(final long id, final DirectBuffer buffer, final int offset, final int length)
        {
            final EdgeConnection c = connections.get(id);
            if (c == null || DecodeError.OK != decoder.decode(buffer, offset, length))
            {
                return REFUSED;
            }
            final DirectBuffer p = decoder.payload();
            switch (decoder.type())
            {
                case MessageType.HELLO:
                {
                    final byte[] token = new byte[decoder.hello().tokenLength()];
                    p.getBytes(decoder.hello().tokenOffset(), token);
                    final String t = new String(token, StandardCharsets.UTF_8);
                    if (t.equals("good"))
                    {
                        reply(id, WelcomeEncoder.encode(out, 0, 0xF8, 0, UUID.randomUUID().toString(), "scripted", ""));
                    }
                    else
                    {
                        error(id, t.equals("expired") ? 302 : 300, null, 0, 0);
                        c.close(1008, "unauthorized");
                    }
                    break;
                }
                case MessageType.SET:
                    if (decoder.set().address().contains("/forbidden/"))
                    {
                        error(id, 301, p, decoder.set().addressOffset(), decoder.set().addressLength());
                    }
                    else if (decoder.qos() >= Qos.CONFIRM)
                    {
                        reply(id, AckEncoder.setAck(out, 0, p, decoder.set().addressOffset(),
                            decoder.set().addressLength(), 1));
                    }
                    break;
                case MessageType.PUBLISH:
                    if (decoder.publish().address().contains("/forbidden/"))
                    {
                        error(id, 301, p, decoder.publish().addressOffset(), decoder.publish().addressLength());
                    }
                    break;
                case MessageType.SUBSCRIBE:
                    if (pattern(p, decoder.subscribe().patternOffset(), decoder.subscribe().patternLength()).contains("forbidden"))
                    {
                        error(id, 301, p, decoder.subscribe().patternOffset(), decoder.subscribe().patternLength());
                    }
                    break;
                case MessageType.PING:
                    reply(id, PongEncoder.encode(out, 0));
                    break;
                default:
                    break;
            }
            return OFFERED;
        }

        private static String pattern(final DirectBuffer p, final int offset, final int length)
        {
            return p.getStringWithoutLengthUtf8(offset, length);
        }

        private void error(final long id, final int code, final DirectBuffer address, final int offset, final int length)
        {
            final byte[] text = "forbidden".getBytes(StandardCharsets.UTF_8);
            reply(id, ErrorEncoder.encode(out, 0, Qos.FIRE, code, new UnsafeBuffer(text), 0, text.length,
                address, offset, length, false, 0));
        }

        private void reply(final long id, final int length)
        {
            queues.get(id).offer(out, 0, length);
            connections.get(id).outboundReady();
        }

        public void disconnect(final long id)
        {
            connections.remove(id);
            queues.remove(id);
        }

        public int maxFrameLength()
        {
            return 65_547;
        }

        /** Frames are handled as they are offered: never back-pressured. */
        public boolean isBackPressured()
        {
            return false;
        }

        public void whenDrained(final Runnable callback)
        {
            callback.run();
        }

        public long producerWaitTimeoutNs()
        {
            return 0;
        }
    }
}
