package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PublishInPlace}: QoS 0 PUBLISHes it reads in place and the packets it leaves to Netty's decoder (non-ASCII
 * topic, QoS 1, MQTT 5 properties) reach the core in the order the client sent them, whatever the TCP segmentation;
 * a PUBLISH to a wildcard topic is still refused as malformed.
 */
class PublishInPlaceTest
{
    private MqttFixture fixture;
    private TestClient clasp;

    @BeforeEach
    void start()
    {
        fixture = MqttFixture.start();
        clasp = fixture.clasp("watcher");
        clasp.send(Frames.subscribe(1, "/mqtt/**")).send(Frames.ping()).expect(MessageType.PONG);
    }

    @AfterEach
    void stop()
    {
        fixture.close();
    }

    private RawMqttClient connected(final MqttVersion version) throws Exception
    {
        final RawMqttClient c = new RawMqttClient(fixture.port());
        c.send(MqttBadInputTest.connect(version, "in-place-" + version, 60));
        c.expect(MqttMessageType.CONNACK);
        return c;
    }

    private static MqttMessage publish(final String topic, final int qos, final boolean retain, final String json)
    {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).retained(retain)
            .messageId(qos > 0 ? 7 : 0).payload(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)))
            .build();
    }

    private void expect(final int type, final String address, final long value)
    {
        final Received r = clasp.expect(type);
        if (type == MessageType.SET)
        {
            assertEquals(address, r.decoder().set().address());
            assertEquals(value, r.decoder().set().value().toObject());
        }
        else
        {
            assertEquals(address, r.decoder().publish().address());
            assertEquals(value, r.decoder().publish().value().toObject());
        }
    }

    @Test
    void packetsSplitAcrossReadsKeepTheirOrderOnBothPaths() throws Exception
    {
        try (RawMqttClient c = connected(MqttVersion.MQTT_3_1_1))
        {
            final byte[] burst = RawMqttClient.encode(List.of(
                publish("a/1", 0, false, "1"),
                publish("\u00fc/2", 0, false, "2"),   // non-ASCII: the decoder's path
                publish("a/3", 0, true, "3"),         // retained: a SET
                publish("a/4", 1, false, "4"),        // QoS 1: the decoder's path, PUBACK
                publish("a/5", 0, false, "5")));
            // The first half one byte per write (partial headers and bodies), the rest in one.
            for (int i = 0; i < burst.length / 2; i++)
            {
                c.sendRaw(new byte[] {burst[i]});
            }
            c.sendRaw(java.util.Arrays.copyOfRange(burst, burst.length / 2, burst.length));
            expect(MessageType.PUBLISH, "/mqtt/a/1", 1L);
            expect(MessageType.PUBLISH, "/mqtt/\u00fc/2", 2L);
            expect(MessageType.SET, "/mqtt/a/3", 3L);
            expect(MessageType.PUBLISH, "/mqtt/a/4", 4L);
            expect(MessageType.PUBLISH, "/mqtt/a/5", 5L);
            assertEquals(7, ((MqttPubAckMessage)c.expect(MqttMessageType.PUBACK)).variableHeader().messageId());
            assertEquals(4, fixture.metrics().publishesIn(0), "every QoS 0 PUBLISH counted once");
            assertEquals(1, fixture.metrics().publishesIn(1));
        }
    }

    @Test
    void mqtt5WithAndWithoutPropertiesAndAWildcardTopicIsStillMalformed() throws Exception
    {
        try (RawMqttClient c = connected(MqttVersion.MQTT_5))
        {
            final io.netty.handler.codec.mqtt.MqttProperties expiry = new io.netty.handler.codec.mqtt.MqttProperties();
            expiry.add(new io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty(
                io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), 60));
            c.send(publish("v5/plain", 0, false, "1"));
            c.send(MqttMessageBuilders.publish().topicName("v5/expiring").qos(MqttQoS.AT_MOST_ONCE).properties(expiry)
                .payload(Unpooled.wrappedBuffer("2".getBytes(StandardCharsets.UTF_8))).build());
            expect(MessageType.PUBLISH, "/mqtt/v5/plain", 1L);
            expect(MessageType.PUBLISH, "/mqtt/v5/expiring", 2L);
            c.sendRaw(new byte[] {0x30, 6, 0, 3, 'a', '/', '+', 0}); // PUBLISH to "a/+" (no properties)
            final List<MqttMessage> last = c.awaitClosed();
            assertEquals(1, last.size(), "one DISCONNECT, then the connection closed: " + last);
            assertEquals(MqttMessageType.DISCONNECT, last.get(0).fixedHeader().messageType());
        }
    }
}
