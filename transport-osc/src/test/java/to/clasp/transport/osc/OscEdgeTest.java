package to.clasp.transport.osc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.argument.OSCTimeTag64;
import com.illposed.osc.transport.OSCPortOut;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.protocol.MessageType;
import to.clasp.testing.Await;
import to.clasp.testing.Frames;
import to.clasp.testing.HeldCore;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OSC edge with Debian's liblo tools on the other side ({@code oscsend}, {@code oscsendfile}, {@code oscdump};
 * package liblo-tools, installed by .ci/run) and JavaOSC for bundles with a future time tag, against a real core.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class OscEdgeTest
{
    private Router router;
    private HeldCore host;
    private OscEdge edge;
    private Process dump;

    @AfterEach
    void stop()
    {
        if (dump != null)
        {
            dump.destroy();
        }
        if (edge != null)
        {
            edge.close();
        }
        if (host != null)
        {
            host.release();
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

    private void start(final OscEdge.Context ctx)
    {
        router = Router.launch(new Router.Context().coreThreading(CoreThreading.DEDICATED));
        edge = OscEdge.launch(ctx.host("127.0.0.1").port(0), router.inboundPort());
    }

    private static String tool(final String name)
    {
        final Path path = Path.of("/usr/bin", name);
        if (!Files.isExecutable(path))
        {
            fail(name + " is missing: install the Debian package liblo-tools (.ci/run does)");
        }
        return path.toString();
    }

    private static int run(final String... command) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return p.exitValue();
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    @Test
    void oscsendMessagesBecomeParamsThatClaspClientsSee() throws Exception
    {
        start(new OscEdge.Context());
        final TestClient clasp = TestClient.open(router.inboundPort(), "watcher");
        clasp.send(Frames.subscribe(1, "/osc/**"));
        final String port = Integer.toString(edge.localAddress().getPort());
        run(tool("oscsend"), "127.0.0.1", port, "/mixer/1/fader", "f", "0.75");
        Received set = clasp.expect(MessageType.SET);
        assertEquals("/osc/mixer/1/fader", set.decoder().set().address());
        assertEquals(0.75, set.decoder().set().value().toObject());
        run(tool("oscsend"), "127.0.0.1", port, "/color", "iiisTFNhd", "255", "0", "128", "warm", "42", "0.5");
        set = clasp.expect(MessageType.SET);
        assertEquals("/osc/color", set.decoder().set().address());
        assertEquals(java.util.Arrays.asList(255L, 0L, 128L, "warm", true, false, null, 42L, 0.5),
            set.decoder().set().value().toObject());
        run(tool("oscsend"), "127.0.0.1", port, "/cue/go");
        set = clasp.expect(MessageType.SET);
        assertEquals(null, set.decoder().set().value().toObject(), "no arguments: null");
        final TestClient getter = TestClient.open(router.inboundPort(), "getter");
        getter.send(Frames.get(0, "/osc/mixer/1/fader"));
        assertEquals(0.75, getter.expect(MessageType.SNAPSHOT).decoder().snapshot().entry(0).value().toObject());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (edge.metrics().messagesIn() < 3 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(3, edge.metrics().messagesIn());
    }

    @Test
    void oscsendfileBundlesArriveAsOneAtomicWrite(@TempDir final Path dir) throws Exception
    {
        start(new OscEdge.Context());
        final TestClient clasp = TestClient.open(router.inboundPort(), "watcher");
        clasp.send(Frames.subscribe(1, "/osc/scene/**"));
        // oscdump's format: "<NTP seconds>.<fraction> /address types values"; lines with one time tag are one bundle.
        final Path file = dir.resolve("scene.txt");
        Files.writeString(file, "e8754700.00000000 /scene/a i 1\ne8754700.00000000 /scene/b s two\n");
        run(tool("oscsendfile"), "127.0.0.1", Integer.toString(edge.localAddress().getPort()), file.toString());
        final Received a = clasp.expect(MessageType.SET);
        final Received b = clasp.expect(MessageType.SET);
        assertEquals("/osc/scene/a", a.decoder().set().address());
        assertEquals(1L, a.decoder().set().value().toObject());
        assertEquals("/osc/scene/b", b.decoder().set().address());
        assertEquals("two", b.decoder().set().value().toObject());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (edge.metrics().bundlesIn() < 1 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(1, edge.metrics().bundlesIn());
    }

    @Test
    void bundleWithAFutureTimeTagIsAppliedAtThatTime() throws Exception
    {
        start(new OscEdge.Context());
        final TestClient clasp = TestClient.open(router.inboundPort(), "watcher");
        clasp.send(Frames.subscribe(1, "/osc/timed/**"));
        final long atMicros = System.currentTimeMillis() * 1000 + 1_500_000L;
        final OSCPortOut out = new OSCPortOut(new InetSocketAddress("127.0.0.1", edge.localAddress().getPort()));
        try
        {
            out.send(new OSCBundle(List.of(new OSCMessage("/timed/x", List.of(1)), new OSCMessage("/timed/y",
                List.of(2))), OSCTimeTag64.valueOf(OscToClasp.microsToTimetag(atMicros))));
        }
        finally
        {
            out.close();
        }
        final Received x = clasp.receive(java.time.Duration.ofSeconds(5));
        assertNotNull(x);
        final long arrivedMicros = System.currentTimeMillis() * 1000;
        assertEquals("/osc/timed/x", x.decoder().set().address());
        assertTrue(arrivedMicros >= atMicros - 20_000, "not before its time: " + (atMicros - arrivedMicros) + " µs early");
        assertEquals("/osc/timed/y", clasp.expect(MessageType.SET).decoder().set().address());
    }

    @Test
    void targetsReceiveUpdatesAsOscMessagesAndBundles() throws Exception
    {
        final int dumpPort = freeUdpPort();
        dump = new ProcessBuilder(tool("oscdump"), "-L", Integer.toString(dumpPort)).redirectErrorStream(true).start();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(dump.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // process ended
            }
        }, "oscdump-reader");
        reader.setDaemon(true);
        reader.start();
        start(new OscEdge.Context().target(OscEdge.Context.Target.parse("127.0.0.1:" + dumpPort + "=/osc/out/**")));
        final TestClient clasp = TestClient.open(router.inboundPort(), "writer");
        // oscdump may still be starting: repeat a probe until it shows one.
        String first = null;
        for (int i = 0; i < 100 && first == null; i++)
        {
            clasp.send(Frames.set(1, "/osc/out/probe", (long)i)).expect(MessageType.ACK);
            first = lines.poll(100, TimeUnit.MILLISECONDS);
        }
        assertNotNull(first, "oscdump never printed anything");
        assertTrue(first.contains("/out/probe i"), first);
        // Probes sent while oscdump started may still be on their way: read up to a marker sent after them all.
        clasp.send(Frames.set(1, "/osc/out/marker", 1L)).expect(MessageType.ACK);
        String line;
        do
        {
            line = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(line, "the marker never came");
        }
        while (!line.contains("/out/marker"));
        clasp.send(Frames.set(1, "/osc/out/level", 0.5)).expect(MessageType.ACK);
        assertLine(lines, "/out/level f 0.500000");
        // Several updates queued at once (one CLASP bundle) leave as one OSC bundle, time tag "immediately".
        final long datagrams = edge.metrics().datagramsOut();
        clasp.send(Frames.bundle(1, null, Frames.set(0, "/osc/out/a", "x"), Frames.set(0, "/osc/out/b", true)));
        final String a = assertLine(lines, "/out/a s \"x\"");
        final String b = assertLine(lines, "/out/b T #T");
        // liblo prints an "immediately" bundle's members with the time it dispatched them: one time tag for both.
        assertEquals(a.substring(0, 17), b.substring(0, 17));
        assertEquals(datagrams + 1, edge.metrics().datagramsOut(), "one datagram (a bundle) for the two");
        clasp.send(Frames.set(1, "/elsewhere", 1L)).expect(MessageType.ACK);
        clasp.send(Frames.set(1, "/osc/out/last", 1L)).expect(MessageType.ACK);
        assertLine(lines, "/out/last i 1");
    }

    private static String assertLine(final BlockingQueue<String> lines, final String expected) throws Exception
    {
        final String line = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(line, "oscdump printed nothing for " + expected);
        assertTrue(line.endsWith(expected), "expected '" + expected + "' in '" + line + "'");
        return line;
    }

    @Test
    void malformedDatagramsAreCountedAndDroppedWhileGoodOnesFlow() throws Exception
    {
        start(new OscEdge.Context());
        final TestClient clasp = TestClient.open(router.inboundPort(), "watcher");
        clasp.send(Frames.subscribe(1, "/osc/**"));
        final InetSocketAddress to = new InetSocketAddress("127.0.0.1", edge.localAddress().getPort());
        try (DatagramSocket socket = new DatagramSocket())
        {
            final java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 200; i++)
            {
                final byte[] junk = new byte[1 + random.nextInt(100)];
                random.nextBytes(junk);
                junk[0] = (byte)(i % 2 == 0 ? '#' : 'x'); // never a message start
                socket.send(new DatagramPacket(junk, junk.length, to));
            }
            final byte[] good = OscCodecTest.serialize(new OSCMessage("/after", List.of(1)));
            socket.send(new DatagramPacket(good, good.length, to));
        }
        assertEquals("/osc/after", clasp.expect(MessageType.SET).decoder().set().address());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (edge.metrics().datagramsIn() < 201 && System.nanoTime() < deadline)
        {
            Thread.sleep(1); // counted right after the frame was handed to the core
        }
        assertEquals(200, edge.metrics().malformed());
        assertEquals(201, edge.metrics().datagramsIn());
        assertTrue(edge.metrics().kernelDrops() >= 0, "the kernel's drop count is readable");
    }

    /** An OSC message {@code /flood/x ,i value}, as an OSC sender writes it (20 bytes). */
    private static byte[] floodMessage(final int value)
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20);
        b.put("/flood/x\0\0\0\0".getBytes(StandardCharsets.US_ASCII)).put(",i\0\0".getBytes(StandardCharsets.US_ASCII))
            .putInt(value);
        return b.array();
    }

    @Test
    void aFloodIntoAFullRingIsDroppedAndCountedWhileTheLoopKeepsReading() throws Exception
    {
        final int ring = 1024;
        router = Router.launch(new Router.Context().coreThreading(CoreThreading.SHARED).inboundRingSize(ring)
            .producerWaitTimeoutNs(TimeUnit.MINUTES.toNanos(1)));
        host = new HeldCore(router.sharedCore());
        edge = OscEdge.launch(new OscEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
        final TestClient watcher = TestClient.open(router.inboundPort(), "watcher");
        watcher.send(Frames.subscribe(1, "/osc/flood/**"));
        assertTrue(watcher.receiveUntilBarrier().isEmpty());

        // The core stops: four rings' worth of datagrams. The edge's loop is not the core's host, so the ring refuses
        // what does not fit; UDP cannot push back, so those are dropped and counted, and the loop reads on.
        host.hold();
        final int sent = ring * 4;
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            for (int i = 0; i < sent; i++)
            {
                final byte[] m = floodMessage(i);
                sender.send(new DatagramPacket(m, m.length, edge.localAddress()));
            }
        }
        final OscMetrics m = edge.metrics();
        Await.until(() -> m.datagramsIn() + Math.max(0, m.kernelDrops()) == sent,
            () -> "every datagram read or counted as dropped by the kernel while the core is held: read " +
                m.datagramsIn() + ", kernel drops " + m.kernelDrops() + ", producer waits " +
                router.backPressure().producerWaits());
        assertEquals(0, router.backPressure().producerWaits(), "the loop never waited for the core");
        assertTrue(m.refused() > 0, "the ring refused some: " + m.refused());
        assertEquals(m.datagramsIn(), m.messagesIn(), "one message per datagram, all valid");

        host.release();
        final long accepted = m.messagesIn() - m.refused();
        long last = -1;
        for (long n = 0; n < accepted; n++)
        {
            final Received set = watcher.expect(MessageType.SET);
            final long value = ((Number)set.decoder().set().value().toObject()).longValue();
            assertTrue(value > last, "in order: " + value + " after " + last);
            last = value;
        }
        assertEquals(0, router.backPressure().producerWaits(), "the loop never waited for the core");
        watcher.expectNothingMore();
        assertEquals(sent, accepted + m.refused() + Math.max(0, m.kernelDrops()),
            "every datagram delivered or counted as lost");
    }
}
