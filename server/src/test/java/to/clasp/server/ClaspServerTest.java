package to.clasp.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.TestWsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wired server in-process (flags → contexts → router + edge + endpoints), checked over real HTTP and WebSocket:
 * health, readiness, metrics, and the flags whose effect a client can see.
 */
@Timeout(60)
final class ClaspServerTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String HELLO = "53 01 00 1a 01 01 e0 00 13 43 4c 41 53 50 20 50 79 74 68 6f 6e 20 43 6c 69 " +
        "65 6e 74 00 00";

    @Test
    void healthReadinessAndMetricsOverHttp() throws Exception
    {
        try (ClaspServer server = start("--health-port", "0", "--metrics-port", "0"))
        {
            assertEquals(200, get(server.healthPort(), "/healthz").statusCode());
            assertEquals("ok\n", get(server.healthPort(), "/healthz").body());
            assertEquals(200, get(server.healthPort(), "/readyz").statusCode());
            assertEquals(404, get(server.healthPort(), "/nope").statusCode());

            try (TestWsClient client = TestWsClient.connect(server.wsPort()))
            {
                client.helloAsPython();
                client.send("53 01 00 0e 10 00 00 00 01 00 05 2f 6d 2f 2a 2a ff 00");       // subscribe /m/**
                client.send("53 01 00 10 21 05 00 04 2f 6d 2f 61 00 00 00 00 00 00 00 01"); // set /m/a = 1
                client.receive(5_000);                                                      // its broadcast
                client.send("53 01 00 0f 21 05 00 03 62 61 64 00 00 00 00 00 00 00 01");    // set "bad": invalid
                final byte[] error = client.receive(5_000);
                assertEquals(0x51, error[4], Hex.of(error));
                final int code = ByteBuffer.wrap(error, 5, 2).getShort();

                final String metrics = get(server.metricsPort(), "/metrics").body();
                assertMetric(metrics, "clasp_sessions", 1);
                assertMetric(metrics, "clasp_subscriptions", 1);
                assertMetric(metrics, "clasp_params", 1);
                assertMetric(metrics, "clasp_messages_in_total{type=\"SET\"}", 2);
                assertMetric(metrics, "clasp_messages_in_total{type=\"HELLO\"}", 1);
                assertMetric(metrics, "clasp_errors_total{code=\"" + code + "\"}", 1);
                assertMetric(metrics, "clasp_fanout_count", 1);
                assertTrue(metrics.contains("clasp_dropped_messages_total"), metrics);
                assertTrue(metrics.contains("# TYPE clasp_fanout histogram"), metrics);
                // Connect, HELLO, SUBSCRIBE and two SETs went through the ring and the core before the ERROR came back.
                assertTrue(metricValue(metrics, "clasp_ring_wait_seconds_count") >= 5, metrics);
                assertTrue(metricValue(metrics, "clasp_core_batch_mean_service_seconds_count") >= 5, metrics);
                assertTrue(metricValue(metrics, "clasp_core_batch_mean_service_seconds_sum") > 0, metrics);
                assertMetric(metrics, "clasp_query_results_truncated_total", 0);
            }
        }
    }

    @Test
    void healthEndpointSays503WhileStartingOrDraining() throws Exception
    {
        final AtomicBoolean live = new AtomicBoolean(false);
        final AtomicBoolean ready = new AtomicBoolean(false);
        final java.util.concurrent.atomic.AtomicReference<String> stall = new java.util.concurrent.atomic.AtomicReference<>();
        final java.util.concurrent.atomic.AtomicReference<String> refusing =
            new java.util.concurrent.atomic.AtomicReference<>();
        try (HealthEndpoint health = new HealthEndpoint(
            new to.clasp.transport.http.HttpEndpointServer.Context().host("127.0.0.1"), live::get, ready::get,
            refusing::get, stall::get))
        {
            assertEquals(503, get(health.port(), "/healthz").statusCode(), "starting");
            assertEquals(503, get(health.port(), "/readyz").statusCode(), "starting");
            live.set(true);
            ready.set(true);
            assertEquals(200, get(health.port(), "/healthz").statusCode());
            assertEquals(200, get(health.port(), "/readyz").statusCode());
            refusing.set("at the connection limit (10)");
            assertEquals(200, get(health.port(), "/healthz").statusCode(), "alive while refusing connections");
            assertEquals("not ready: at the connection limit (10)\n", get(health.port(), "/readyz").body());
            refusing.set(null);
            stall.set("core stalled: test");
            assertEquals(503, get(health.port(), "/healthz").statusCode(), "a stalled core is not live");
            assertEquals("core stalled: test\n", get(health.port(), "/healthz").body());
            assertEquals(503, get(health.port(), "/readyz").statusCode());
            stall.set(null);
            ready.set(false);
            assertEquals(200, get(health.port(), "/healthz").statusCode(), "still alive while draining");
            assertEquals(503, get(health.port(), "/readyz").statusCode(), "draining");
        }
    }

    @Test
    void aStuckCoreTurnsHealthzTo503WithTheReasonAndShutdownStillEndsInTime() throws Exception
    {
        final java.util.concurrent.CountDownLatch unblock = new java.util.concurrent.CountDownLatch(1);
        final ClaspServer server = start("--health-port", "0", "--metrics-port", "0", "--stall-timeout", "300ms",
            "--drain-timeout", "1s");
        try
        {
            // Here the WebSocket event loop hosting the core gets stuck inside a duty cycle.
            final to.clasp.edge.InboundPort port = server.router().inboundPort();
            final long id = port.connect(new to.clasp.testing.BlockingConnection(unblock)).connectionId();
            final byte[] hello = Hex.bytes(HELLO);
            assertTrue(port.onFrame(id, new org.agrona.concurrent.UnsafeBuffer(hello), 0, hello.length));
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            HttpResponse<String> health = get(server.healthPort(), "/healthz");
            while (health.statusCode() == 200 && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
                health = get(server.healthPort(), "/healthz");
            }
            assertEquals(503, health.statusCode(), "the watchdog saw the stall; health is served off the core");
            assertTrue(health.body().startsWith("core stalled: no duty cycle completed"), health.body());
            assertTrue(get(server.metricsPort(), "/metrics").body().contains("clasp_core_stalled 1.0"));

            final long start = System.nanoTime();
            server.close();
            final long tookMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMs < 8_000, "shutdown ended although the core never ran again: " + tookMs + " ms");
        }
        finally
        {
            unblock.countDown();
            server.close();
        }
    }

    @Test
    void closeTurnsReadinessOffAndSendsGoingAway() throws Exception
    {
        final ClaspServer server = start("--health-port", "0");
        try (TestWsClient client = TestWsClient.connect(server.wsPort()))
        {
            client.helloAsPython();
            assertTrue(server.isReady());
            server.close();
            assertTrue(!server.isReady());
            assertEquals(1001, client.awaitClose(5_000));
        }
        finally
        {
            server.close();
        }
    }

    @Test
    void nameIsSentInWelcome() throws Exception
    {
        try (ClaspServer server = start("--name", "Studio A");
             TestWsClient client = TestWsClient.connect(server.wsPort()))
        {
            final byte[] welcome = client.helloAsPython()[0];
            final ByteBuffer b = ByteBuffer.wrap(welcome, 15, welcome.length - 15);
            final int sessionLength = b.getShort();
            b.position(b.position() + sessionLength);
            final byte[] name = new byte[b.getShort()];
            b.get(name);
            assertEquals("Studio A", new String(name, StandardCharsets.UTF_8));
        }
    }

    @Test
    void maxSessionsRefusesTheNextClientWith503() throws Exception
    {
        try (ClaspServer server = start("--max-sessions", "1");
             TestWsClient first = TestWsClient.connect(server.wsPort());
             TestWsClient second = TestWsClient.connect(server.wsPort()))
        {
            first.helloAsPython();
            second.send(HELLO);
            final byte[] error = second.receive(5_000);
            assertEquals(0x51, error[4], Hex.of(error));
            assertEquals(503, ByteBuffer.wrap(error, 5, 2).getShort());
            second.awaitClose(5_000);
            first.send("53 01 00 01 41").expect("53 01 00 01 42");
        }
    }

    @Test
    void idleTimeoutPingsASilentSession() throws Exception
    {
        try (ClaspServer server = start("--idle-timeout", "300ms");
             TestWsClient client = TestWsClient.connect(server.wsPort()))
        {
            client.helloAsPython();
            assertEquals("53 01 00 01 41", Hex.of(client.receive(5_000)), "the router's idle PING");
        }
    }

    @Test
    void paramTtlExpiresParamsWrittenWithoutOne() throws Exception
    {
        try (ClaspServer server = start("--param-ttl", "1");
             TestWsClient client = TestWsClient.connect(server.wsPort()))
        {
            client.helloAsPython();
            client.send("53 01 00 10 21 05 00 04 2f 74 2f 61 00 00 00 00 00 00 00 01"); // set /t/a = 1
            client.send("53 41 00 07 22 00 04 2f 74 2f 61");                              // GET at QoS 1
            assertEquals(0x23, client.receive(5_000)[4], "present at first");
            final long deadline = System.currentTimeMillis() + 8_000;
            byte[] reply;
            do
            {
                Thread.sleep(250);
                client.send("53 41 00 07 22 00 04 2f 74 2f 61");
                reply = client.receive(5_000);
            }
            while (reply[4] == 0x23 && System.currentTimeMillis() < deadline);
            assertEquals(0x51, reply[4], "expired: ERROR 201 " + Hex.of(reply));
            assertEquals(201, ByteBuffer.wrap(reply, 5, 2).getShort());
        }
    }

    @Test
    void maxParamsRejectsANewAddressAtCapacity() throws Exception
    {
        try (ClaspServer server = start("--max-params", "1");
             TestWsClient client = TestWsClient.connect(server.wsPort()))
        {
            client.helloAsPython();
            client.send("53 01 00 10 21 05 00 04 2f 63 2f 61 00 00 00 00 00 00 00 01"); // set /c/a
            client.send("53 01 00 10 21 05 00 04 2f 63 2f 62 00 00 00 00 00 00 00 01"); // set /c/b: full
            final byte[] error = client.receive(5_000);
            assertEquals(0x51, error[4], Hex.of(error));
            assertEquals(400, ByteBuffer.wrap(error, 5, 2).getShort());
        }
    }

    @Test
    void rateLimitDropsTheExcessWith429() throws Exception
    {
        try (ClaspServer server = start("--rate-limit", "5");
             TestWsClient client = TestWsClient.connect(server.wsPort()))
        {
            client.helloAsPython();
            for (int i = 0; i < 20; i++)
            {
                client.send("53 01 00 01 41");
            }
            final List<byte[]> frames = new ArrayList<>(client.collect(1_000));
            final long pongs = frames.stream().filter(f -> f[4] == 0x42).count();
            final long errors429 = frames.stream()
                .filter(f -> f[4] == 0x51 && ByteBuffer.wrap(f, 5, 2).getShort() == 429).count();
            assertTrue(pongs >= 1 && pongs < 20, "some PINGs dropped: " + pongs + " PONGs");
            assertEquals(1, errors429, "one ERROR 429 per second at most");
        }
    }

    @Test
    void spinWaitAndTwoIoThreadsServeClients() throws Exception
    {
        try (ClaspServer server = start("--wait", "spin", "--io-threads", "2"))
        {
            for (int i = 0; i < 3; i++)
            {
                try (TestWsClient client = TestWsClient.connect(server.wsPort()))
                {
                    assertEquals(0x02, client.helloAsPython()[0][4]);
                    client.send("53 01 00 01 41").expect("53 01 00 01 42");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"shared", "aeron", "dedicated"})
    void aeronEndpointServesAeronClientsBesideWebSocketAndShutdownSaysGoingAway(final String coreThread)
        throws Exception
    {
        final ClaspServer server = start("--aeron-endpoint", "127.0.0.1:0", "--metrics-port", "0",
            "--core-thread", coreThread);
        final to.clasp.client.ClaspClient ws = to.clasp.transport.ws.WebSocketClaspClient.create(
            "ws://127.0.0.1:" + server.wsPort() + "/", new to.clasp.client.ClientOptions().reconnect(false));
        final to.clasp.transport.aeron.AeronClaspClient aeron = to.clasp.transport.aeron.AeronClaspClient.create(
            new to.clasp.client.ClientOptions().reconnect(false),
            new to.clasp.transport.aeron.AeronClientTransport.Context()
                .routerEndpoint(server.aeronEdge().localEndpoint()));
        try
        {
            ws.connect();
            aeron.connect();
            // Each writer reads its own write back first: order holds per connection, not across them.
            aeron.set("/both/x", 5L);
            assertEquals(5L, aeron.get("/both/x").get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(5L, ws.get("/both/x").get(5, java.util.concurrent.TimeUnit.SECONDS));
            ws.set("/both/y", 6.5);
            assertEquals(6.5, ws.get("/both/y").get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(6.5, aeron.get("/both/y").get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, server.router().metrics().sessions());
            final String scrape = get(server.metricsPort(), "/metrics").body();
            assertTrue(scrape.contains("clasp_aeron_sessions 1"), scrape);
            assertTrue(scrape.matches("(?s).*clasp_aeron_bytes_received_total [1-9].*"), "driver counters exported");
            assertTrue(scrape.contains("clasp_aeron_naks_sent_total"), scrape);

            server.close();
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (aeron.isConnected() && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertTrue(!aeron.isConnected(), "the Aeron client was told the server went away");
            assertEquals(0, server.aeronEdge().openConnections());
        }
        finally
        {
            aeron.close();
            ws.close();
            server.close();
        }
    }

    static ClaspServer start(final String... flags)
    {
        return ClaspServer.start(context(flags));
    }

    /** The context of {@code clasp server --host 127.0.0.1 --port 0 FLAGS}. */
    static ClaspServer.Context context(final String... flags)
    {
        final String[] args = new String[flags.length + 4];
        args[0] = "--host";
        args[1] = "127.0.0.1";
        args[2] = "--port";
        args[3] = "0";
        System.arraycopy(flags, 0, args, 4, flags.length);
        return ServerCommandTest.parse(args).context();
    }

    static HttpResponse<String> get(final int port, final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static double metricValue(final String exposition, final String name)
    {
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not found in:\n" + exposition);
    }

    private static void assertMetric(final String exposition, final String name, final double expected)
    {
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                assertEquals(expected, Double.parseDouble(line.substring(name.length() + 1).trim()), line);
                return;
            }
        }
        throw new AssertionError(name + " not found in:\n" + exposition);
    }
}
