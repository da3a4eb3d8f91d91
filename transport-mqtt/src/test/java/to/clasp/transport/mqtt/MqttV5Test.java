package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MQTT 5 features at the edge: session expiry, flow control both ways, subscription options, client limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class MqttV5Test
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

    private RawMqttClient connect(final String clientId, final boolean cleanStart, final MqttProperties properties)
        throws Exception
    {
        final RawMqttClient c = new RawMqttClient(fixture.port());
        c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(clientId)
            .cleanSession(cleanStart).keepAlive(60).properties(properties).build());
        final MqttConnAckMessage ack = (MqttConnAckMessage)c.expect(MqttMessageType.CONNACK);
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, ack.variableHeader().connectReturnCode());
        return c;
    }

    private static MqttProperties props(final int id, final int value)
    {
        final MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(id, value));
        return p;
    }

    private static MqttMessage subscribe(final int id, final String filter, final MqttSubscriptionOption option)
    {
        return MqttMessageBuilders.subscribe().messageId(id).addSubscription(filter, option).build();
    }

    private static MqttSubscriptionOption option(final int qos, final boolean noLocal, final boolean rap,
        final MqttSubscriptionOption.RetainedHandlingPolicy handling)
    {
        return new MqttSubscriptionOption(MqttQoS.valueOf(qos), noLocal, rap, handling);
    }

    private static MqttMessage puback(final int id)
    {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttPubReplyMessageVariableHeader(id, (byte)0, MqttProperties.NO_PROPERTIES));
    }

    @Test
    void connackAdvertisesTheEdgesLimitsAndAssignsAnIdToAnEmptyOne() throws Exception
    {
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("").cleanSession(true)
                .build());
            final MqttConnAckMessage ack = (MqttConnAckMessage)c.expect(MqttMessageType.CONNACK);
            final MqttProperties p = ack.variableHeader().properties();
            assertEquals(MqttEdge.Context.RECEIVE_MAXIMUM_DEFAULT, p.getProperty(MqttProperties.RECEIVE_MAXIMUM).value());
            assertEquals(MqttEdge.Context.MAX_PACKET_SIZE_DEFAULT,
                p.getProperty(MqttProperties.MAXIMUM_PACKET_SIZE).value());
            assertEquals(0, p.getProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM).value());
            assertEquals(0, p.getProperty(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE).value());
            assertTrue(((String)p.getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER).value()).startsWith("auto-"));
        }
    }

    @Test
    void sessionExpiryKeepsTheSessionForItsIntervalOnly() throws Exception
    {
        try (RawMqttClient c = connect("expiring", true, props(MqttProperties.SESSION_EXPIRY_INTERVAL, 1)))
        {
            c.send(subscribe(1, "exp/#", option(1, false, false,
                MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)));
            c.expect(MqttMessageType.SUBACK);
        }
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "gone");
        // Within the interval: resumed, with what was published meanwhile.
        fixture.clasp("w").send(Frames.set(1, "/mqtt/exp/a", 1L)).expect(MessageType.ACK);
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("expiring")
                .cleanSession(false).properties(props(MqttProperties.SESSION_EXPIRY_INTERVAL, 1)).build());
            final MqttConnAckMessage ack = (MqttConnAckMessage)c.expect(MqttMessageType.CONNACK);
            assertTrue(ack.variableHeader().isSessionPresent());
            final MqttPublishMessage m = (MqttPublishMessage)c.expect(MqttMessageType.PUBLISH);
            assertEquals("exp/a", m.variableHeader().topicName());
            c.send(puback(m.variableHeader().packetId()));
        }
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "gone again");
        MqttFixture.await(() -> fixture.metrics().sessions() == 0, "expired after 1 s");
        MqttFixture.await(() -> fixture.router().metrics().subscriptions() == 0, "its subscription left the core");
        try (RawMqttClient c = new RawMqttClient(fixture.port()))
        {
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("expiring")
                .cleanSession(false).build());
            assertFalse(((MqttConnAckMessage)c.expect(MqttMessageType.CONNACK)).variableHeader().isSessionPresent());
        }
    }

    @Test
    void theClientsReceiveMaximumBoundsMessagesInFlight() throws Exception
    {
        try (RawMqttClient c = connect("slow-acker", true, props(MqttProperties.RECEIVE_MAXIMUM, 2)))
        {
            final TestClient writer = fixture.clasp("writer");
            for (int i = 0; i < 10; i++)
            {
                writer.send(Frames.set(1, "/mqtt/win/" + i, (long)i)).expect(MessageType.ACK);
            }
            // The subscription brings 10 retained messages; only 2 may be unacknowledged at a time.
            c.send(subscribe(1, "win/#", option(1, false, false,
                MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)));
            final List<MqttPublishMessage> got = new ArrayList<>();
            while (got.size() < 10)
            {
                final List<MqttPublishMessage> window = new ArrayList<>();
                while (window.size() < 2 && got.size() + window.size() < 10)
                {
                    final MqttMessage m = c.receive();
                    assertNotNull(m);
                    if (m instanceof MqttPublishMessage)
                    {
                        window.add((MqttPublishMessage)m);
                    }
                }
                // Nothing more may come until we acknowledge: a PINGREQ's answer arrives first.
                c.send(MqttMessage.PINGREQ);
                MqttMessage next;
                while ((next = c.receive()).fixedHeader().messageType() != MqttMessageType.PINGRESP)
                {
                    assertEquals(MqttMessageType.SUBACK, next.fixedHeader().messageType(),
                        "no third message before an acknowledgement");
                }
                for (final MqttPublishMessage m : window)
                {
                    assertTrue(m.fixedHeader().isRetain());
                    c.send(puback(m.variableHeader().packetId()));
                }
                got.addAll(window);
            }
            assertEquals(10, got.size());
        }
    }

    @Test
    void noLocalRetainAsPublishedAndRetainHandling() throws Exception
    {
        fixture.clasp("w").send(Frames.set(1, "/mqtt/opt/old", 1L)).expect(MessageType.ACK);
        try (RawMqttClient c = connect("opts", true, MqttProperties.NO_PROPERTIES))
        {
            c.send(subscribe(1, "opt/#", option(0, true, true,
                MqttSubscriptionOption.RetainedHandlingPolicy.DONT_SEND_AT_SUBSCRIBE)));
            c.expect(MqttMessageType.SUBACK);
            // Its own retained write does not come back (No Local) …
            c.send(MqttMessageBuilders.publish().topicName("opt/mine").qos(MqttQoS.AT_MOST_ONCE).retained(true)
                .payload(Unpooled.wrappedBuffer("2".getBytes(StandardCharsets.UTF_8))).build());
            // … someone else's does, flagged retained (Retain As Published), and "opt/old" never came (handling 2).
            fixture.clasp("w2").send(Frames.set(1, "/mqtt/opt/theirs", 3L)).expect(MessageType.ACK);
            final MqttPublishMessage m = (MqttPublishMessage)c.expect(MqttMessageType.PUBLISH);
            assertEquals("opt/theirs", m.variableHeader().topicName());
            assertTrue(m.fixedHeader().isRetain());
            c.send(MqttMessage.PINGREQ);
            c.expect(MqttMessageType.PINGRESP);
        }
    }

    @Test
    void messagesLargerThanTheClientsMaximumPacketSizeAreNotSent() throws Exception
    {
        try (RawMqttClient c = connect("small", true, props(MqttProperties.MAXIMUM_PACKET_SIZE, 64)))
        {
            c.send(subscribe(1, "size/#", option(0, false, false,
                MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)));
            c.expect(MqttMessageType.SUBACK);
            final TestClient w = fixture.clasp("w");
            w.send(Frames.set(1, "/mqtt/size/big", "x".repeat(200))).expect(MessageType.ACK);
            w.send(Frames.set(1, "/mqtt/size/small", 1L)).expect(MessageType.ACK);
            final MqttPublishMessage m = (MqttPublishMessage)c.expect(MqttMessageType.PUBLISH);
            assertEquals("size/small", m.variableHeader().topicName());
        }
        MqttFixture.await(() -> fixture.metrics().rejections(MqttMetrics.Rejection.TOO_LARGE) == 1, "counted");
    }

    @Test
    void exceedingTheRoutersReceiveMaximumIsAProtocolError() throws Exception
    {
        fixture.close();
        fixture = MqttFixture.start(r -> r, e -> e.receiveMaximum(2));
        try (RawMqttClient c = connect("greedy", true, MqttProperties.NO_PROPERTIES))
        {
            final byte[] burst;
            {
                // Three QoS 2 PUBLISHes in one write, never released: the third exceeds the advertised maximum of 2.
                final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                final io.netty.channel.embedded.EmbeddedChannel enc =
                    new io.netty.channel.embedded.EmbeddedChannel(io.netty.handler.codec.mqtt.MqttEncoder.INSTANCE);
                enc.writeOutbound(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("x")
                    .build());
                io.netty.util.ReferenceCountUtil.release(enc.readOutbound());
                for (int i = 1; i <= 3; i++)
                {
                    enc.writeOutbound(MqttMessageBuilders.publish().topicName("rm/" + i).qos(MqttQoS.EXACTLY_ONCE)
                        .messageId(i).payload(Unpooled.wrappedBuffer(new byte[] {'1'})).build());
                    final io.netty.buffer.ByteBuf out = enc.readOutbound();
                    final byte[] bytes = new byte[out.readableBytes()];
                    out.readBytes(bytes);
                    out.release();
                    b.write(bytes);
                }
                enc.finishAndReleaseAll();
                burst = b.toByteArray();
            }
            c.sendRaw(burst);
            final List<MqttMessage> before = c.awaitClosed();
            final MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType(), before.toString());
            assertEquals(0x93, ((io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader)
                last.variableHeader()).reasonCode() & 0xFF);
        }
        MqttFixture.await(() ->
            fixture.metrics().disconnects(MqttMetrics.Disconnect.RECEIVE_MAXIMUM_EXCEEDED) == 1, "counted");
    }

    @Test
    void willDelayIsCancelledWhenTheSessionResumesInTime() throws Exception
    {
        final TestClient watcher = fixture.clasp("watcher");
        watcher.send(Frames.subscribe(1, "/mqtt/wd/**"));
        final MqttProperties willProps = props(MqttProperties.WILL_DELAY_INTERVAL, 30);
        final RawMqttClient first = new RawMqttClient(fixture.port());
        first.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("delayed")
            .cleanSession(false).properties(props(MqttProperties.SESSION_EXPIRY_INTERVAL, 60)).willFlag(true)
            .willTopic("wd/delayed").willMessage("1".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_MOST_ONCE)
            .willProperties(willProps).build());
        first.expect(MqttMessageType.CONNACK);
        first.close(); // abrupt: the will waits 30 s
        MqttFixture.await(() -> fixture.metrics().connections() == 0, "gone");
        try (RawMqttClient back = new RawMqttClient(fixture.port()))
        {
            back.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("delayed")
                .cleanSession(false).properties(props(MqttProperties.SESSION_EXPIRY_INTERVAL, 60)).build());
            assertTrue(((MqttConnAckMessage)back.expect(MqttMessageType.CONNACK)).variableHeader().isSessionPresent());
        }
        watcher.expectNothingMore();
        assertEquals(0, fixture.metrics().willsPublished());
    }
}
