package to.clasp.interop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClaspException;
import to.clasp.client.ClientOptions;
import to.clasp.client.ReplayOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory's disk fills while clients write, with the built server jar: a small tmpfs mounted for the test
 * (the real thing: ENOSPC in the middle of a recording). Defined outcome, no silent loss:
 * <ul>
 *   <li>the archive stops recording; the router logs it once, refuses every write from then on with
 *   {@code ERROR 503 "journal failed: …"}, and answers the ACKs it held with the same ERROR (applied, broadcast, not
 *   known durable) — no write is ACKed that is not on disk;</li>
 *   <li>{@code /healthz} and {@code /readyz} answer 503 with the reason, {@code clasp_journal_failed} is 1; reads and
 *   events go on;</li>
 *   <li>SIGTERM exits 1 ("stopped after a journal failure"); with room again the next start recovers every ACKed
 *   write with its revision (a torn tail is cut) and takes writes again.</li>
 * </ul>
 * Where the test cannot mount (no CAP_SYS_ADMIN), it runs the router under a file-size limit ({@code prlimit
 * --fsize}) instead: the journal's segment files are preallocated, so the limit bites when the first segment is made,
 * and the defined outcome is the other one — the router refuses to start with the reason (exit 1) and starts without
 * the limit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class DiskFullTest
{
    private static final long SMALL = 6L << 20;
    private static final String VALUE = "x".repeat(2_000);

    @TempDir
    Path tmp;

    @Test
    void aFullDiskStopsWritesWithError503AndRecoveryKeepsEveryAckedWrite() throws Exception
    {
        final Path disk = Files.createDirectories(tmp.resolve("disk"));
        if (!run("mount", "-t", "tmpfs", "-o", "size=" + SMALL, "clasp-test", disk.toString()))
        {
            underAFileSizeLimit(disk);
            return;
        }
        try
        {
            fillTheDiskWhileWriting(disk);
        }
        finally
        {
            run("umount", "-l", disk.toString());
        }
    }

    private void fillTheDiskWhileWriting(final Path disk) throws Exception
    {
        final int healthPort = ServerProcess.freePort();
        final int metricsPort = ServerProcess.freePort();
        // Segments of 2 MiB: the archive only starts a recording with at least one segment's worth of free space.
        try (ServerProcess server = ServerProcess.prepare("--data-dir", disk.resolve("data").toString(), "--fsync",
            "always", "--snapshot-interval", "0", "--health-port", Integer.toString(healthPort), "--metrics-port",
            Integer.toString(metricsPort))
            .jvmArgs("-Dclasp.journal.term.length=1048576", "-Dclasp.journal.segment.length=2097152"))
        {
            server.launch();
            final Map<String, long[]> acked = new HashMap<>(); // address -> {revision, sequence}
            ClaspException refusal = null;
            final CountDownLatch eventSeen = new CountDownLatch(1);
            try (ClaspClient writer = client(server); ClaspClient watcher = client(server))
            {
                watcher.subscribe("/events/**", (address, value, revision, signal) -> eventSeen.countDown());
                watcher.get("/events/barrier").exceptionally(t -> null).get(10, TimeUnit.SECONDS);
                // Up to 64 writes in flight until the router refuses one: the disk is full.
                final ArrayDeque<Object[]> inFlight = new ArrayDeque<>();
                long seq = 0;
                while (null == refusal)
                {
                    assertTrue(seq < 100_000, "6 MiB cannot take 100 000 writes of 2 KB");
                    final String address = "/full/" + (seq % 40);
                    inFlight.add(new Object[] {address, seq, writer.setConfirmed(address, VALUE + seq)});
                    seq++;
                    if (inFlight.size() >= 64)
                    {
                        refusal = settle(inFlight.poll(), acked, refusal);
                    }
                }
                while (!inFlight.isEmpty())
                {
                    refusal = settle(inFlight.poll(), acked, refusal);
                }
                assertEquals(503, refusal.code(), refusal.getMessage());
                assertTrue(refusal.getMessage().contains("journal failed"), refusal.getMessage());
                assertTrue(acked.size() > 0, "writes were ACKed before the disk filled");

                // From now on every write is refused at once; reads and events go on.
                final ExecutionException after = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> writer.setConfirmed("/full/after", 1L).get(10, TimeUnit.SECONDS));
                assertEquals(503, ((ClaspException)after.getCause()).code());
                assertNotNull(writer.get("/full/0").get(10, TimeUnit.SECONDS), "reads go on");
                writer.emit("/events/still", "flowing");
                assertTrue(eventSeen.await(10, TimeUnit.SECONDS), "events are still forwarded");
            }
            final HttpResponse<String> health = http(healthPort, "/healthz");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("journal failed"), health.body());
            assertEquals(503, http(healthPort, "/readyz").statusCode());
            assertTrue(http(metricsPort, "/metrics").body().contains("clasp_journal_failed 1"));
            assertTrue(server.log().contains("the router refuses state changes from now on"), server.log());

            assertEquals(1, server.stop(), "a run with a failed journal does not end cleanly; log:\n" + server.log());
            assertTrue(server.log().contains("stopped after a journal failure"), server.log());

            // Room again: every ACKed write is back with its revision, and writes are taken again.
            assertTrue(run("mount", "-o", "remount,size=" + (64L << 20), disk.toString()), "grow the tmpfs");
            server.note("disk grown to 64 MiB");
            server.launch();
            try (ClaspClient reader = client(server))
            {
                final Map<String, long[]> recovered = new HashMap<>();
                reader.replay("/full/*", ReplayOptions.all().limit(100_000), (address, value, revision, s, t) ->
                    recovered.put(address, new long[] {revision, Long.parseLong(((String)value).substring(
                        VALUE.length()))})).get(30, TimeUnit.SECONDS);
                for (final Map.Entry<String, long[]> e : acked.entrySet())
                {
                    final long[] got = recovered.get(e.getKey());
                    assertNotNull(got, e.getKey() + " was ACKed and is gone");
                    assertTrue(got[0] >= e.getValue()[0], e.getKey() + ": revision " + got[0] + " < ACKed " +
                        e.getValue()[0]);
                    if (got[0] == e.getValue()[0])
                    {
                        assertEquals(e.getValue()[1], got[1], e.getKey() + ": the ACKed value");
                    }
                    assertEquals(VALUE + got[1], reader.get(e.getKey()).get(10, TimeUnit.SECONDS));
                }
                final long next = reader.setConfirmed("/full/0", "again").get(10, TimeUnit.SECONDS);
                assertEquals(recovered.get("/full/0")[0] + 1, next, "revisions go on");
            }
            assertEquals(0, server.stop(), server.log());
        }
    }

    /** Wait for one write's answer; record an ACK, keep the first refusal. */
    private static ClaspException settle(final Object[] write, final Map<String, long[]> acked,
        final ClaspException refusal) throws Exception
    {
        @SuppressWarnings("unchecked")
        final CompletableFuture<Long> answer = (CompletableFuture<Long>)write[2];
        try
        {
            final long revision = answer.get(30, TimeUnit.SECONDS);
            acked.put((String)write[0], new long[] {revision, (Long)write[1]});
            return refusal;
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof ClaspException))
            {
                throw new AssertionError("a write got no answer: " + ex.getCause(), ex.getCause());
            }
            final ClaspException error = (ClaspException)ex.getCause();
            return null == refusal ? error : refusal;
        }
    }

    /**
     * No mount here: a file-size limit on the router's process. Its journal segments are preallocated, so the limit
     * stops the first segment from being made: the router says why and exits 1; without the limit it starts.
     */
    private void underAFileSizeLimit(final Path disk) throws Exception
    {
        System.out.println("DiskFullTest: cannot mount a tmpfs here; testing a file-size limit (prlimit --fsize)");
        try (ServerProcess server = ServerProcess.prepare("--data-dir", disk.resolve("data").toString())
            .commandPrefix("prlimit", "--fsize=" + (16L << 20), "--"))
        {
            final Process p = server.launchExpectingExit();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the router gives up");
            assertEquals(1, p.exitValue(), server.log());
            assertTrue(server.log().contains("cannot start: File too large"), server.log());
            server.commandPrefix();
            server.launch();
            try (ClaspClient client = client(server))
            {
                assertEquals(1L, client.setConfirmed("/full/0", "ok").get(10, TimeUnit.SECONDS));
            }
            assertEquals(0, server.stop(), server.log());
        }
    }

    private static ClaspClient client(final ServerProcess server)
    {
        final ClaspClient client = WebSocketClaspClient.create(server.url(),
            new ClientOptions().reconnect(false).getTimeoutMs(30_000));
        client.connect();
        return client;
    }

    private static HttpResponse<String> http(final int port, final String path) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** @return whether the command succeeded (its output is discarded). */
    private static boolean run(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && 0 == p.exitValue();
    }
}
