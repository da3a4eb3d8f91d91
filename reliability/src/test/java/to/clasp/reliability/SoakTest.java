package to.clasp.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import to.clasp.benchmarks.load.LoadSettings;
import to.clasp.benchmarks.load.MessageKind;
import to.clasp.benchmarks.load.Scenario;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetEncoder;
import to.clasp.testing.Frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak ({@code ./clasp soak [MINUTES]}, 10 minutes by default; not part of {@code ./clasp test}): one router
 * process, and for the whole time, side by side: a QoS 1 writer that checks every ACK and revision; the JavaScript
 * client's seed scenario (publisher → wildcard subscriber, in order) over and over; and a round of hostile load after
 * another — bursts in one write, unwindowed floods with a WELCOME probe, un-upgraded connections, non-reading
 * subscribers, snapshot amplification, connection storms. Asserts no lost QoS 1 SET, every seed run complete and in
 * order, no stalled duty cycle, {@code /healthz} 200 throughout, and a flat RSS.
 */
class SoakTest
{
    private static final long SAMPLE_MS = 5_000;

    @Test
    void hostileLoadForMinutesLosesNothingAndStaysFlat() throws Exception
    {
        final long minutes = Long.getLong("clasp.soak.minutes", 10);
        final long endNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        Fds.ensure(4_000);
        try (RouterProcess router = RouterProcess.start("--max-connections-per-ip", "5000"))
        {
            final AtomicReference<String> failure = new AtomicReference<>();
            final List<long[]> rss = new ArrayList<>();
            final QosOneWriter writer = new QosOneWriter(router.port(), endNs, failure);
            final SeedScenarios seed = new SeedScenarios(router.port(), endNs, failure);
            final Thread chaos = new Thread(() -> chaos(router, endNs, failure), "soak-chaos");
            writer.start();
            seed.start();
            chaos.start();
            int unhealthy = 0;
            while (System.nanoTime() < endNs && failure.get() == null)
            {
                Thread.sleep(SAMPLE_MS);
                rss.add(new long[] {System.nanoTime(), router.rssBytes()});
                if (router.health("/healthz", 10_000).statusCode() != 200)
                {
                    unhealthy++;
                }
                System.out.printf("soak: %d s left, RSS %,d MiB, QoS 1 SETs acked %,d, seed runs %d, chaos rounds %d%n",
                    TimeUnit.NANOSECONDS.toSeconds(endNs - System.nanoTime()), router.rssBytes() >> 20,
                    writer.acked.get(), seed.runs.get(), CHAOS_ROUNDS.get());
            }
            chaos.join(120_000);
            writer.join(60_000);
            seed.join(60_000);
            assertNull(failure.get(), failure.get());
            assertEquals(0, unhealthy, "/healthz answered 200 at every sample");
            assertEquals(0, router.metric("clasp_core_stalls_total"), "no stalled duty cycle");
            assertTrue(writer.acked.get() > 0 && seed.runs.get() > 0 && CHAOS_ROUNDS.get() > 0, "everything ran");
            assertFlat(rss);
            assertEquals(0, router.terminate(7_000), router.log());
        }
    }

    private static final AtomicLong CHAOS_ROUNDS = new AtomicLong();

    /**
     * RSS in the last third of the run is no higher than in the middle third plus a margin: no growth trend. The first
     * third is warm-up (the JIT, the heap growing to its working size) and not compared.
     */
    private static void assertFlat(final List<long[]> samples)
    {
        final int third = samples.size() / 3;
        long middle = 0;
        long late = 0;
        for (int i = third; i < samples.size(); i++)
        {
            if (i < samples.size() - third)
            {
                middle = Math.max(middle, samples.get(i)[1]);
            }
            else
            {
                late = Math.max(late, samples.get(i)[1]);
            }
        }
        System.out.printf("soak: RSS peak in the middle third %,d MiB, in the last third %,d MiB%n", middle >> 20,
            late >> 20);
        assertTrue(third == 0 || late <= middle + middle / 10 + (32L << 20),
            "RSS kept growing: " + (middle >> 20) + " MiB in the middle third, " + (late >> 20) + " MiB late");
    }

    /** Rounds of hostile load, one kind after another, until the end. */
    private static void chaos(final RouterProcess router, final long endNs, final AtomicReference<String> failure)
    {
        try
        {
            int round = 0;
            while (System.nanoTime() < endNs && failure.get() == null)
            {
                switch (round++ % 6)
                {
                    case 0:
                        burst(router.port());
                        break;
                    case 1:
                        LoadRuns.run(router, Scenario.FLOOD, MessageKind.SET, new LoadSettings().publishers(4)
                            .warmupMs(200).durationMs(3_000).progress(null));
                        break;
                    case 2:
                        silent(router.port());
                        break;
                    case 3:
                        nonReaders(router.port());
                        break;
                    case 4:
                        snapshots(router.port());
                        break;
                    default:
                        LoadRuns.run(router, Scenario.STORM, MessageKind.PUBLISH,
                            new LoadSettings().storm(1_000, 100).progress(null));
                        break;
                }
                CHAOS_ROUNDS.incrementAndGet();
            }
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, "chaos round failed: " + t);
        }
    }

    private static void burst(final int port) throws Exception
    {
        try (RawWs c = RawWs.open(port).hello("soak-burst"))
        {
            final List<byte[]> frames = new ArrayList<>();
            for (long i = 0; i < 40_000; i++)
            {
                frames.add(Frames.set(0, "/soak/burst", i));
            }
            frames.add(Frames.ping());
            c.write(RawWs.frames(frames));
            c.expect(MessageType.PONG);
        }
    }

    private static void silent(final int port) throws Exception
    {
        try (SilentClients.Child child = new SilentClients.Child(port, "127.0.3.", 1, 2, 1_000))
        {
            child.awaitOpened();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (child.stillOpen() > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(1_000);
            }
            assertEquals(0, child.stillOpen(), "un-upgraded connections closed by the router");
        }
    }

    private static void nonReaders(final int port) throws Exception
    {
        final List<RawWs> slow = new ArrayList<>();
        try (RawWs publisher = RawWs.open(port).hello("soak-pub"))
        {
            for (int i = 0; i < 20; i++)
            {
                final RawWs s = RawWs.open(port, null, 4096).hello("soak-slow");
                s.send(Frames.subscribe(1, "/soak/big/*")).roundTrip();
                slow.add(s);
            }
            final byte[] event = RawWs.frame(Frames.publish(0, to.clasp.protocol.SignalType.EVENT, "/soak/big/e",
                new byte[1024]));
            for (int i = 0; i < 2_000; i++)
            {
                publisher.write(event);
            }
            publisher.roundTrip();
        }
        finally
        {
            slow.forEach(RawWs::close);
        }
    }

    private static void snapshots(final int port) throws Exception
    {
        try (RawWs writer = RawWs.open(port).hello("soak-state"))
        {
            final List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 20_000; i++)
            {
                batch.add(Frames.set(0, "/soak/state/" + i, (long)i));
            }
            writer.write(RawWs.frames(batch)).roundTrip();
        }
        final List<byte[]> greedy = new ArrayList<>();
        greedy.add(Frames.hello("soak-greedy"));
        for (int i = 0; i < 10; i++)
        {
            greedy.add(Frames.subscribe(i, "/**"));
        }
        try (RawWs client = RawWs.open(port))
        {
            client.write(RawWs.frames(greedy));
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            client.readTimeout(200);
            while (System.nanoTime() < end)
            {
                try
                {
                    client.read();
                }
                catch (final java.net.SocketTimeoutException quiet)
                {
                    // paced
                }
            }
        }
    }

    /** QoS 1 SETs to one address, ten in flight: every one ACKed, revisions 1, 2, 3, ... with none missing. */
    private static final class QosOneWriter extends Thread
    {
        private final int port;
        private final long endNs;
        private final AtomicReference<String> failure;
        final AtomicLong acked = new AtomicLong();

        QosOneWriter(final int port, final long endNs, final AtomicReference<String> failure)
        {
            super("soak-qos1");
            this.port = port;
            this.endNs = endNs;
            this.failure = failure;
        }

        public void run()
        {
            try (RawWs c = RawWs.open(port).hello("soak-qos1"))
            {
                long revision = 0;
                while (System.nanoTime() < endNs && failure.get() == null)
                {
                    final List<byte[]> ten = new ArrayList<>();
                    for (int i = 1; i <= 10; i++)
                    {
                        // The expected revision makes a lost or reordered write fail loudly (ERROR 400).
                        ten.add(Frames.set(1, "/soak/qos1", revision + i, SetEncoder.REVISION, revision + i - 1, 0));
                    }
                    c.write(RawWs.frames(ten));
                    for (int i = 0; i < 10; i++)
                    {
                        final byte[] frame = c.read();
                        if (frame == null || RawWs.typeOf(frame) != MessageType.ACK)
                        {
                            failure.compareAndSet(null, "QoS 1 SET " + (revision + i + 1) + " not ACKed: " +
                                (frame == null ? "closed " + c.closeCode() : "type " + RawWs.typeOf(frame)));
                            return;
                        }
                        acked.incrementAndGet();
                    }
                    revision += 10;
                    Thread.sleep(10);
                }
            }
            catch (final Exception ex)
            {
                failure.compareAndSet(null, "QoS 1 writer: " + ex);
            }
        }
    }

    /** The JavaScript client's seed scenario (interop/scenarios), run again and again: 10 values, in order. */
    private static final class SeedScenarios extends Thread
    {
        private final int port;
        private final long endNs;
        private final AtomicReference<String> failure;
        final AtomicLong runs = new AtomicLong();

        SeedScenarios(final int port, final long endNs, final AtomicReference<String> failure)
        {
            super("soak-seed");
            this.port = port;
            this.endNs = endNs;
            this.failure = failure;
        }

        public void run()
        {
            final Path interop = Path.of(System.getProperty("clasp.interop.dir", "../interop"));
            if (!Files.isDirectory(interop.resolve("node_modules/@clasp-to/core")))
            {
                failure.compareAndSet(null, "the JS client is not installed: (cd interop && npm ci)");
                return;
            }
            final String url = "ws://127.0.0.1:" + port + "/";
            try
            {
                while (System.nanoTime() < endNs && failure.get() == null)
                {
                    // A fresh prefix per run: the subscription's snapshot must not count an earlier run's value.
                    final String address = "/soak/seed" + runs.get() + "/temperature";
                    final Process sub = node(interop, "subscriber", url, "/soak/seed" + runs.get() + "/*", "10");
                    final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
                    final Thread reader = new Thread(() -> readLines(sub, lines));
                    reader.start();
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (lines.stream().noneMatch(l -> l.contains("\"subscribed\"")) && System.nanoTime() < deadline)
                    {
                        Thread.sleep(10);
                    }
                    final Process pub = node(interop, "publisher", url, address, "10", "20", "1", "1");
                    final boolean published = pub.waitFor(60, TimeUnit.SECONDS) && pub.exitValue() == 0;
                    final boolean received = sub.waitFor(60, TimeUnit.SECONDS) && sub.exitValue() == 0;
                    reader.join(5_000);
                    final List<String> values = new ArrayList<>();
                    for (final String l : lines)
                    {
                        if (l.contains("\"value\"") && l.contains(address + "\""))
                        {
                            values.add(l.replaceAll(".*\"value\":([0-9.]+).*", "$1"));
                        }
                    }
                    if (!published || !received || !inOrderWithoutGaps(values))
                    {
                        failure.compareAndSet(null, "seed scenario run " + runs.get() + ": published " + published +
                            ", subscriber done " + received + ", values " + values);
                        sub.destroyForcibly();
                        pub.destroyForcibly();
                        return;
                    }
                    runs.incrementAndGet();
                }
            }
            catch (final Exception ex)
            {
                failure.compareAndSet(null, "seed scenario: " + ex);
            }
        }

        /**
         * The values 1, 2, 3, ... in order and with no gap. A value may come twice in a row: a subscription snapshot
         * still being sent when the live update arrived carries the param's current value again (same revision,
         * never an older one). The subscriber stops after ten values (one more may be printed while it exits), so each
         * repeat may leave the last value out.
         */
        static boolean inOrderWithoutGaps(final List<String> values)
        {
            int expected = 1;
            String previous = null;
            for (final String v : values)
            {
                if (v.equals(previous))
                {
                    continue;
                }
                if (Double.parseDouble(v) != expected)
                {
                    return false;
                }
                expected++;
                previous = v;
            }
            return values.size() >= 10 && expected - 1 <= 10;
        }

        private static Process node(final Path interop, final String scenario, final String... args)
            throws java.io.IOException
        {
            final List<String> command = new ArrayList<>(List.of("node", "--experimental-websocket",
                interop.resolve("scenarios").resolve(scenario + ".mjs").toString()));
            command.addAll(List.of(args));
            return new ProcessBuilder(command).directory(interop.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }

        private static void readLines(final Process p, final ConcurrentLinkedQueue<String> lines)
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final java.io.IOException ignore)
            {
                // process ended
            }
        }
    }
}
