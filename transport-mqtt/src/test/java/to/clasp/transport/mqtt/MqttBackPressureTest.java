package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.HeldCore;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT edge under the inbound ring's back-pressure contract ({@code InboundPort}): the core is held (a test thread
 * hosts it and stops running it) so the ring really fills, while MQTT clients flood in one TCP write each. The
 * edge's loop is not the core's host: past the ring's high-water mark it must stop reading those clients (keeping any
 * frame the full ring refused), go on serving everyone else, and resume once the ring drained — losing nothing, in
 * order. It must never wait for the core (the old edge did: its loop sat in {@code onFrame} for the producer wait,
 * here a minute).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class MqttBackPressureTest
{
    private static final int RING = 1024;

    private Router router;
    private HeldCore host;
    private MqttEdge edge;

    private void start()
    {
        start(to.clasp.core.RouterConfiguration.POLL_BATCH_LIMIT_DEFAULT);
    }

    private void start(final int pollBatchLimit)
    {
        router = Router.launch(new Router.Context()
            .coreThreading(CoreThreading.SHARED)
            .inboundRingSize(RING)
            .pollBatchLimit(pollBatchLimit)
            .producerWaitTimeoutNs(TimeUnit.MINUTES.toNanos(1)));
        host = new HeldCore(router.sharedCore());
        edge = MqttEdge.launch(new MqttEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
    }

    @AfterEach
    void stop()
    {
        if (host != null)
        {
            host.release();
        }
        if (edge != null)
        {
            edge.close();
        }
        if (router != null)
        {
            router.close();
        }
        if (host != null)
        {
            host.close();
        }
    }

    static MqttMessage publish(final String topic, final int qos, final int packetId, final String payload)
    {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(packetId)
            .retained(false).payload(Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.UTF_8))).build();
    }

    private RawMqttClient connected(final String clientId) throws Exception
    {
        final RawMqttClient c = new RawMqttClient(edge.localAddress().getPort());
        c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId(clientId)
            .cleanSession(true).keepAlive(60).build());
        assertEquals(0, ((MqttConnAckMessage)c.expect(MqttMessageType.CONNACK)).variableHeader().connectReturnCode()
            .byteValue());
        return c;
    }

    @Test
    void aFloodIntoAFullRingPausesThatClientInsteadOfWaitingAndLosesNothing() throws Exception
    {
        start();
        final TestClient subscriber = TestClient.open(router.inboundPort(), "subscriber");
        subscriber.send(Frames.subscribe(1, "/mqtt/flood/**"));
        assertTrue(subscriber.receiveUntilBarrier().isEmpty());
        try (RawMqttClient publisher = connected("flooder");
             RawMqttClient probe = new RawMqttClient(edge.localAddress().getPort()))
        {
            host.hold();
            // Four rings' worth of QoS 0 events, then one QoS 1 PUBLISH whose PUBACK says the core has seen them all.
            final int frames = RING * 4;
            final List<MqttMessage> burst = new ArrayList<>(frames + 1);
            for (int i = 0; i < frames; i++)
            {
                burst.add(publish("flood/x", 0, 0, Integer.toString(i)));
            }
            burst.add(publish("flood/x", 1, 7, Integer.toString(frames)));
            publisher.sendRaw(RawMqttClient.encode(burst));

            MqttFixture.await(() -> router.inboundPort().isBackPressured(), "the ring above its high-water mark");
            // The edge's loop is free meanwhile: what it answers alone (a CONNECT of an unknown MQTT level) it answers.
            probe.sendRaw(new byte[] {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x09, 0x02, 0x00, 0x3C, 0x00, 0x01, 'x'});
            assertEquals(1, probe.awaitClosed().size(), "CONNACK (unsupported level) while the core is held");
            assertEquals(0, router.backPressure().producerWaits(), "the edge never waited for the core");

            host.release();
            final MqttMessage ack = publisher.expect(MqttMessageType.PUBACK);
            assertEquals(7, ((MqttMessageIdVariableHeader)ack.variableHeader()).messageId());
            for (long i = 0; i <= frames; i++)
            {
                final Received r = subscriber.expect(MessageType.PUBLISH);
                assertEquals(i, ((Number)r.decoder().publish().value().toObject()).longValue(), "in order, none lost");
            }
            assertEquals(0, router.backPressure().producerWaits(), "the edge never waited for the core");
            assertEquals(frames + 1, edge.metrics().publishesIn(0) + edge.metrics().publishesIn(1));
            assertEquals(0, edge.metrics().rejections(MqttMetrics.Rejection.REFUSED_BY_ROUTER));
        }
    }

    @Test
    void aNewClientsConnectIsAnsweredInOneDutyCycleWhileAFloodFillsTheRing() throws Exception
    {
        // One duty cycle takes at most 16 ring events here; the flood leaves hundreds waiting before the CONNECT.
        start(16);
        try (RawMqttClient publisher = connected("flooder");
             RawMqttClient newcomer = new RawMqttClient(edge.localAddress().getPort()))
        {
            host.hold();
            final List<MqttMessage> burst = new ArrayList<>(RING * 4 + 1);
            for (int i = 0; i < RING * 4; i++)
            {
                burst.add(publish("flood/x", 0, 0, Integer.toString(i)));
            }
            burst.add(publish("flood/x", 1, 9, "last")); // its PUBACK: the core has taken the whole flood
            publisher.sendRaw(RawMqttClient.encode(burst));
            MqttFixture.await(() -> router.inboundPort().isBackPressured(), "the ring above its high-water mark");

            final long aheadBefore = router.backPressure().controlLane();
            newcomer.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("newcomer")
                .cleanSession(true).keepAlive(60).build());
            MqttFixture.await(() -> router.backPressure().controlLane() > aheadBefore,
                "the CONNECT's HELLO handed over ahead of the flood");
            host.runCycles(1);
            final MqttConnAckMessage connAck = (MqttConnAckMessage)newcomer.expect(MqttMessageType.CONNACK);
            assertEquals(0, connAck.variableHeader().connectReturnCode().byteValue(), "accepted after one cycle");

            host.release();
            newcomer.send(new MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PINGREQ,
                false, MqttQoS.AT_MOST_ONCE, false, 0)));
            newcomer.expect(MqttMessageType.PINGRESP);
            final MqttMessage ack = publisher.expect(MqttMessageType.PUBACK);
            assertEquals(9, ((MqttMessageIdVariableHeader)ack.variableHeader()).messageId(), "the flood all went in");
        }
    }

    @Test
    void manyClientsBurstingAtOnceArePausedAndResumedEachInOrder() throws Exception
    {
        start();
        final int clients = 48;
        final int frames = 100;
        final TestClient subscriber = TestClient.open(router.inboundPort(), "subscriber");
        subscriber.send(Frames.subscribe(1, "/mqtt/burst/**"));
        assertTrue(subscriber.receiveUntilBarrier().isEmpty());
        final List<RawMqttClient> publishers = new ArrayList<>(clients);
        try
        {
            for (int c = 0; c < clients; c++)
            {
                publishers.add(connected("burster-" + c));
            }
            host.hold();
            // 4 848 frames land at once into a ring whose frames may use 960 slots.
            for (int c = 0; c < clients; c++)
            {
                final List<MqttMessage> burst = new ArrayList<>(frames + 1);
                for (int i = 0; i < frames; i++)
                {
                    burst.add(publish("burst/c" + c, 0, 0, Integer.toString(i)));
                }
                burst.add(publish("burst/c" + c, 1, 1, Integer.toString(frames)));
                publishers.get(c).sendRaw(RawMqttClient.encode(burst));
            }
            MqttFixture.await(() -> router.inboundPort().isBackPressured(), "the ring above its high-water mark");
            // Its loop is free meanwhile (the old edge sat in onFrame waiting for the core).
            try (RawMqttClient probe = new RawMqttClient(edge.localAddress().getPort()))
            {
                probe.sendRaw(new byte[] {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x09, 0x02, 0x00, 0x3C, 0x00, 0x01,
                    'x'});
                assertEquals(1, probe.awaitClosed().size(), "CONNACK (unsupported level) while the core is held");
            }
            host.release();
            for (int c = 0; c < clients; c++)
            {
                publishers.get(c).expect(MqttMessageType.PUBACK);
            }
            final long[] next = new long[clients];
            for (int n = 0; n < clients * (frames + 1); n++)
            {
                final Received r = subscriber.expect(MessageType.PUBLISH);
                final String address = r.decoder().publish().address();
                final int c = Integer.parseInt(address.substring("/mqtt/burst/c".length()));
                assertEquals(next[c]++, ((Number)r.decoder().publish().value().toObject()).longValue(),
                    "client " + c + " in order, none lost");
            }
            assertEquals(0, router.backPressure().producerWaits(), "the edge never waited for the core");
        }
        finally
        {
            for (final RawMqttClient p : publishers)
            {
                p.close();
            }
        }
    }
}
