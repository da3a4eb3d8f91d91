package to.clasp.reliability;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MQTT and OSC edges under load they do not choose, in every core-thread mode, against the server jar: more
 * frames at once than the core's inbound ring holds (16 384). The adapters run on the WebSocket edge's first event
 * loop; with a dedicated core, or the core on Aeron's agent, that loop is not the core's host and used to wait inside
 * {@code InboundPort.onFrame} for ring room (the loop that serves every WebSocket and MQTT client). Now: MQTT keeps the
 * refused frame and pauses that client (TCP pushes back), OSC drops and counts — and a fresh MQTT client and a fresh
 * WebSocket client are answered meanwhile. {@code clasp_inbound_producer_waits_total} says whether any edge thread
 * ever waited for the core: it must stay 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdapterFloodTest
{
    /** A bound for a busy CI machine, where a hung or starved loop still fails. */
    private static final long PROBE_BOUND_MS = 5_000;

    /** A ring of 1 024 slots: the floods below are many times its size, so every run reaches the full-ring case. */
    private static final List<String> SMALL_RING = List.of("-Dclasp.router.ring.size=1024");

    private static String[] args(final String mode, final String... more)
    {
        final List<String> args = new ArrayList<>(List.of(BurstTest.mode(mode)));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static RouterProcess start(final String[] args) throws Exception
    {
        final RouterProcess router = RouterProcess.start(0, SMALL_RING, args);
        // The adapters bind after the WebSocket port; ready means everything is listening.
        await(() -> ready(router), "the router is ready");
        return router;
    }

    private static boolean ready(final RouterProcess router)
    {
        try
        {
            return router.health("/readyz", 2_000).statusCode() == 200;
        }
        catch (final Exception notYet)
        {
            return false;
        }
    }

    @ParameterizedTest(name = "core {0}")
    @ValueSource(strings = {"shared", "dedicated", "aeron"})
    void mqttQos0FloodInOneWrite(final String mode) throws Exception
    {
        final int mqttPort = RouterProcess.freePort();
        final int frames = 40_000;
        try (RouterProcess router = start(args(mode, "--mqtt-port", Integer.toString(mqttPort)));
             RawMqtt subscriber = RawMqtt.connect(mqttPort, "subscriber").subscribe("flood/#");
             RawMqtt flooder = RawMqtt.connect(mqttPort, "flooder"))
        {
            final CompletableFuture<String> delivered = receiveInOrder(subscriber, frames + 1);
            final ByteArrayOutputStream burst = new ByteArrayOutputStream(frames * 16);
            for (int i = 0; i < frames; i++)
            {
                burst.writeBytes(RawMqtt.publish("flood/x", 0, 0, Integer.toString(i)));
            }
            // A QoS 1 PUBLISH last: its PUBACK comes once the core has handled everything before it.
            burst.writeBytes(RawMqtt.publish("flood/x", 1, 1, Integer.toString(frames)));
            flooder.write(burst.toByteArray());

            probe(router, mqttPort);
            final RawMqtt.Packet ack = flooder.read();
            assertEquals(RawMqtt.PUBACK, ack.type);
            assertEquals(1, ack.packetId());
            assertEquals("ok", delivered.get(60, TimeUnit.SECONDS));
            assertEquals(0.0, router.metric("clasp_inbound_producer_waits_total"), "no edge thread waited");
            report("mqtt flood", mode, router, "");
            BurstTest.assertSigtermEndsIt(router);
        }
    }

    @ParameterizedTest(name = "core {0}")
    @ValueSource(strings = {"shared", "dedicated", "aeron"})
    void mqttBurstOfManyClients(final String mode) throws Exception
    {
        final int mqttPort = RouterProcess.freePort();
        final int clients = 200;
        final int frames = 200;
        try (RouterProcess router = start(args(mode, "--mqtt-port", Integer.toString(mqttPort)));
             RawMqtt subscriber = RawMqtt.connect(mqttPort, "subscriber").subscribe("burst/#"))
        {
            final CompletableFuture<String> delivered = receiveInOrder(subscriber, clients * (frames + 1));
            final List<RawMqtt> publishers = new ArrayList<>(clients);
            try
            {
                final List<byte[]> bursts = new ArrayList<>(clients);
                for (int c = 0; c < clients; c++)
                {
                    publishers.add(RawMqtt.connect(mqttPort, "burster-" + c));
                    final ByteArrayOutputStream burst = new ByteArrayOutputStream(frames * 20);
                    for (int i = 0; i <= frames; i++)
                    {
                        burst.writeBytes(RawMqtt.publish("burst/c" + c, i == frames ? 1 : 0, 1, Integer.toString(i)));
                    }
                    bursts.add(burst.toByteArray());
                }
                // Every client's burst in one write each, back to back: 40 200 PUBLISH packets land at once.
                for (int c = 0; c < clients; c++)
                {
                    publishers.get(c).write(bursts.get(c));
                }
                probe(router, mqttPort);
                for (int c = 0; c < clients; c++)
                {
                    assertEquals(RawMqtt.PUBACK, publishers.get(c).read().type, "client " + c);
                }
            }
            finally
            {
                publishers.forEach(RawMqtt::close);
            }
            assertEquals("ok", delivered.get(60, TimeUnit.SECONDS));
            assertEquals(0.0, router.metric("clasp_inbound_producer_waits_total"), "no edge thread waited");
            report("mqtt burst", mode, router, "");
            BurstTest.assertSigtermEndsIt(router);
        }
    }

    @ParameterizedTest(name = "core {0}")
    @ValueSource(strings = {"shared", "dedicated", "aeron"})
    void oscFloodLossesAreAllCounted(final String mode) throws Exception
    {
        final int oscPort = freeUdpPort();
        final int sent = 100_000;
        try (RouterProcess router = start(args(mode, "--osc-port", Integer.toString(oscPort))))
        {
            final CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> blast(oscPort, sent));
            // While the datagrams pour in, a WebSocket client is answered.
            try (RawWs fresh = RawWs.open(router.port()))
            {
                final long start = System.nanoTime();
                fresh.hello("fresh").roundTrip();
                assertWithinBound(start, "WELCOME and a round trip during the OSC flood");
            }
            flood.get(60, TimeUnit.SECONDS);

            // Every datagram is read by the edge or counted by the kernel as dropped on the router's socket ...
            await(() -> metric(router, "clasp_osc_datagrams_in_total") + metric(router, "clasp_osc_kernel_drops") ==
                sent, "every datagram read or counted as dropped");
            final double messages = metric(router, "clasp_osc_messages_in_total");
            final double refused = metric(router, "clasp_osc_refused_total");
            assertEquals(0.0, metric(router, "clasp_osc_malformed_total"));
            assertEquals(metric(router, "clasp_osc_datagrams_in_total"), messages, "one message per datagram");
            // ... and every message read either reached the core or was refused and counted: none lost silently.
            await(() -> metric(router, "clasp_messages_in_total{type=\"SET\"}") == messages - refused,
                "the core handled every message the ring took");
            report("osc flood", mode, router, String.format(java.util.Locale.ROOT,
                "sent %d, read %.0f, kernel drops %.0f, refused %.0f, to the core %.0f", sent,
                metric(router, "clasp_osc_datagrams_in_total"), metric(router, "clasp_osc_kernel_drops"), refused,
                messages - refused));
            if (mode.equals("shared"))
            {
                assertEquals(0.0, refused, "on the core's host a full ring is relieved by running the core, not refused");
            }
            assertEquals(0.0, router.metric("clasp_inbound_producer_waits_total"), "no edge thread waited");
            BurstTest.assertSigtermEndsIt(router);
        }
    }

    /** One line for the log: how the ring's back-pressure was met (not asserted: it depends on timing). */
    private static void report(final String what, final String mode, final RouterProcess router, final String more)
    {
        System.out.printf(java.util.Locale.ROOT, "%s, core %s: ring refusals %.0f, host's inline cycles %.0f%s%n", what,
            mode, metric(router, "clasp_inbound_back_pressured_total"),
            metric(router, "clasp_inbound_inline_cycles_total"), more.isEmpty() ? "" : "; " + more);
    }

    /** A fresh MQTT client gets its CONNACK and a fresh WebSocket client its WELCOME while the router works. */
    private static void probe(final RouterProcess router, final int mqttPort) throws Exception
    {
        long start = System.nanoTime();
        RawMqtt.connect(mqttPort, "fresh").close();
        assertWithinBound(start, "CONNACK for a fresh MQTT client during the flood");
        start = System.nanoTime();
        try (RawWs fresh = RawWs.open(router.port()))
        {
            fresh.hello("fresh").roundTrip();
        }
        assertWithinBound(start, "WELCOME and a round trip for a fresh WebSocket client during the flood");
    }

    private static void assertWithinBound(final long startNs, final String what)
    {
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(ms < PROBE_BOUND_MS, what + ": " + ms + " ms");
    }

    /**
     * Read {@code count} PUBLISH packets on another thread; each topic's payloads must count up from 0 by one (in
     * order, none lost).
     *
     * @return "ok", or what went wrong.
     */
    private static CompletableFuture<String> receiveInOrder(final RawMqtt subscriber, final int count)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            final Map<String, Long> next = new HashMap<>();
            try
            {
                for (int n = 0; n < count; n++)
                {
                    final RawMqtt.Packet p = subscriber.read();
                    if (p.type != RawMqtt.PUBLISH)
                    {
                        return "packet type " + p.type + " after " + n + " messages";
                    }
                    final long expected = next.getOrDefault(p.topic(), 0L);
                    if (Long.parseLong(p.payload()) != expected)
                    {
                        return p.topic() + ": " + p.payload() + " where " + expected + " was next";
                    }
                    next.put(p.topic(), expected + 1);
                }
                return "ok";
            }
            catch (final Exception ex)
            {
                return ex + " after " + next;
            }
        });
    }

    /** Send {@code count} OSC messages {@code /flood/x ,i n} as fast as the socket takes them. */
    private static void blast(final int port, final int count)
    {
        final InetSocketAddress router = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            final ByteBuffer m = ByteBuffer.allocate(20);
            m.put("/flood/x\0\0\0\0".getBytes(StandardCharsets.US_ASCII)).put(",i\0\0".getBytes(StandardCharsets.US_ASCII));
            final DatagramPacket packet = new DatagramPacket(m.array(), 20, router);
            for (int i = 0; i < count; i++)
            {
                m.putInt(16, i);
                socket.send(packet);
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static double metric(final RouterProcess router, final String sample)
    {
        try
        {
            return router.metric(sample);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static int freeUdpPort() throws java.io.IOException
    {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }
}
