package to.clasp.interop;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar with {@code --data-dir}, as an operator runs it: a second router on the same directory is refused (exit 2,
 * a real OS lock held by another process); SIGTERM syncs the journal, writes a snapshot and exits 0; the next start
 * says what it recovered, and clients get every param back with its revision; metrics report the durable state.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
final class DurableServerTest
{
    @TempDir
    Path tmp;

    @Test
    void aSecondRouterOnTheDirectoryExitsTwoAndStateSurvivesASigtermRestartWithRevisions() throws Exception
    {
        final Path data = tmp.resolve("data");
        final int metricsPort = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start("--data-dir", data.toString(), "--fsync", "always",
            "--metrics-port", Integer.toString(metricsPort)))
        {
            final Process second = new ProcessBuilder(ServerProcess.javaBinary(), "-Xmx128m", "-jar",
                ServerProcess.jar().toString(), "server", "--host", "127.0.0.1", "--port", "0", "--data-dir",
                data.toString()).redirectErrorStream(true).start();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second router gives up at once");
            final String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, second.exitValue(), output);
            assertTrue(output.contains("is in use by another router"), output);

            try (ClaspClient client = WebSocketClaspClient.create(server.url(), new ClientOptions().reconnect(false)))
            {
                client.connect();
                client.set("/d/a", 1L);
                client.set("/d/a", 2L);
                client.set("/d/a", 3L);
                // ACKed once synced (--fsync always): the sync, and every record before it, is in the metrics.
                assertEquals(1L, client.setConfirmed("/d/b", "text").get(10, TimeUnit.SECONDS));
                assertEquals(3L, client.get("/d/a").get(10, TimeUnit.SECONDS));
                assertEquals("text", client.get("/d/b").get(10, TimeUnit.SECONDS));
            }
            final String metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            // The four SETs are journaled (and synced: --fsync always); what they take on disk is reported.
            assertTrue(metric(metrics, "clasp_journal_records_total") >= 4, metrics);
            assertTrue(metric(metrics, "clasp_journal_bytes_total") > 0, metrics);
            assertTrue(metric(metrics, "clasp_durable_disk_bytes") > 0, metrics);
            assertTrue(metric(metrics, "clasp_journal_fsync_seconds_count") > 0, metrics);
            // The confirmed SET's ACK was held for its sync, then handed back to the core: both are timed.
            assertTrue(metric(metrics, "clasp_ack_hold_seconds_count") >= 1, metrics);
            assertTrue(metric(metrics, "clasp_ack_release_lag_seconds_count") >= 1, metrics);
            assertEquals(0, metric(metrics, "clasp_recovered_params"), metrics);

            assertEquals(0, server.stop(), server.log());
            assertTrue(server.log().contains("shutdown snapshot snapshot-"), server.log());

            server.launch();
            awaitLog(server, "2 params recovered from snapshot-");
            final Map<String, Long> revisions = new ConcurrentHashMap<>();
            final CountDownLatch both = new CountDownLatch(2);
            try (ClaspClient client = WebSocketClaspClient.create(server.url(), new ClientOptions().reconnect(false)))
            {
                client.connect();
                client.subscribe("/d/*", (address, value, revision, signal) ->
                {
                    revisions.put(address + "=" + value, revision);
                    both.countDown();
                });
                assertTrue(both.await(10, TimeUnit.SECONDS), "recovered params arrive in the subscribe snapshot");
                assertEquals(Map.of("/d/a=3", 3L, "/d/b=text", 1L), revisions);
                // Revisions continue from the recovered ones.
                final CountDownLatch next = new CountDownLatch(1);
                client.subscribe("/d/a", (address, value, revision, signal) ->
                {
                    if (revision == 4)
                    {
                        next.countDown();
                    }
                });
                client.set("/d/a", 4L);
                assertTrue(next.await(10, TimeUnit.SECONDS), "the next write is revision 4");
            }
            assertEquals(0, server.stop(), server.log());
        }
    }

    @Test
    void durabilityFlagsWithoutADataDirectoryAreAUsageError() throws Exception
    {
        for (final List<String> flags : List.of(List.of("--fsync", "always"), List.of("--snapshot-interval", "10s"),
            List.of("--journal-retention", "1h"), List.of("--fsync-interval", "5ms")))
        {
            final List<String> command = new java.util.ArrayList<>(List.of(ServerProcess.javaBinary(), "-Xmx64m",
                "-jar", ServerProcess.jar().toString(), "server", "--port", "0"));
            command.addAll(flags);
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.exitValue(), output);
            assertTrue(output.contains("needs '--data-dir'"), output);
        }
    }

    /** @return the value of an unlabelled sample in Prometheus text format (fails when it is missing). */
    private static double metric(final String metrics, final String name)
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " missing:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static void awaitLog(final ServerProcess server, final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!server.log().contains(text) && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
        }
        assertTrue(server.log().contains(text), server.log());
    }
}
