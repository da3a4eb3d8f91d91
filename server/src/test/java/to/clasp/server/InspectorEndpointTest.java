package to.clasp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.server.inspector.InspectorAccess;
import to.clasp.transport.ws.testing.TestWsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspector's HTTP side on the WebSocket port: the page and its files, the info and stats JSON (cut to what a
 * token may see), and what stays as it was: {@code GET /} and {@code HEAD /} answer {@code 200 ok}, WebSocket
 * upgrades work on any path (the inspector's included), {@code --no-inspector} serves no page.
 */
@Timeout(60)
final class InspectorEndpointTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesThePageItsFilesAndLeavesProbesAndUpgradesAlone() throws Exception
    {
        try (ClaspServer server = start())
        {
            final int port = server.wsPort();
            final HttpResponse<String> page = get(port, "/inspector/", null);
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElse(""));
            assertTrue(page.body().contains("<script type=\"module\" src=\"inspector.js\">"), page.body());
            for (final String file : new String[] {"inspector.js", "clasp.js", "inspector.css"})
            {
                assertEquals(200, get(port, "/inspector/" + file, null).statusCode(), file);
            }
            assertEquals("text/javascript; charset=utf-8",
                get(port, "/inspector/clasp.js", null).headers().firstValue("content-type").orElse(""));
            final HttpResponse<String> redirect = get(port, "/inspector", null);
            assertEquals(301, redirect.statusCode());
            assertEquals("/inspector/", redirect.headers().firstValue("location").orElse(""));
            assertEquals(404, get(port, "/inspector/nope.js", null).statusCode());
            assertEquals(405, send(port, "/inspector/", "POST").statusCode());
            final HttpResponse<String> head = send(port, "/inspector/clasp.js", "HEAD");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());

            // Unchanged: the probe on / and upgrades on any path, the inspector's too.
            assertEquals("ok", get(port, "/", null).body());
            assertEquals(200, send(port, "/", "HEAD").statusCode());
            assertEquals(200, get(port, "/anything", null).statusCode());
            try (TestWsClient client = TestWsClient.connect("ws://127.0.0.1:" + port + "/inspector/", "clasp"))
            {
                final byte[][] welcome = client.helloAsPython();
                assertEquals(0x02, welcome[0][4], "WELCOME over an upgrade on /inspector/");
            }
        }
    }

    @Test
    void infoAndStatsDescribeTheRouter() throws Exception
    {
        try (ClaspServer server = start("--name", "Studio A"))
        {
            final int port = server.wsPort();
            final JsonNode info = JSON.readTree(get(port, "/inspector/api/info", null).body());
            assertEquals("Studio A", info.path("name").asText());
            assertEquals(false, info.path("tokenRequired").asBoolean());

            try (TestWsClient client = TestWsClient.connect(server.wsPort()))
            {
                client.helloAsPython();
                client.send("53 01 00 0e 10 00 00 00 01 00 05 2f 6d 2f 2a 2a ff 00");       // subscribe /m/**
                client.send("53 01 00 10 21 05 00 04 2f 6d 2f 61 00 00 00 00 00 00 00 01"); // set /m/a = 1
                client.receive(5_000);
                final JsonNode stats = awaitStats(port, null, s -> s.path("sessionCount").asInt() == 1);
                assertEquals(1, stats.path("params").asInt());
                assertEquals(1, stats.path("subscriptions").asInt());
                final JsonNode session = stats.path("sessions").get(0);
                assertEquals("CLASP Python Client", session.path("name").asText());
                assertEquals("ws", session.path("transport").asText());
                assertEquals(1, session.path("subscriptions").asInt());
                assertEquals(3, session.path("messagesIn").asInt(), "HELLO, SUBSCRIBE, SET");
                assertTrue(stats.path("rates").has("SET"), stats.toString());
                assertEquals(60, stats.path("history").path("SET").size());
            }
        }
    }

    @Test
    void statsNeedAToken() throws Exception
    {
        // The router's tokens behind the JSON data: a token that may read /public/** but is not admin sees no
        // sessions and only the busiest addresses it may read; an admin sees the sessions; no token or an unknown one
        // gets 401. (The router itself stays open here: only the inspector's access is under test.)
        final to.clasp.security.IssuedTokens tokens = new to.clasp.security.IssuedTokens();
        tokens.put(to.clasp.security.Secrets.TokenDigest.of("reader-token"), new to.clasp.security.Grant(
            to.clasp.security.ScopeSet.parse("read:/public/**"), to.clasp.security.Grant.NEVER, null, "cpsk"));
        tokens.put(to.clasp.security.Secrets.TokenDigest.of("admin-token"), new to.clasp.security.Grant(
            to.clasp.security.ScopeSet.parse("admin:/**"), to.clasp.security.Grant.NEVER, null, "cpsk"));
        final InspectorAccess access = new TokenInspectorAccess(
            new to.clasp.security.Authenticator(java.util.List.of(tokens)), System::currentTimeMillis);
        final ClaspServer.Context ctx = ClaspServerTest.context().inspectorAccess(access).drainTimeoutMs(DRAIN_MS);
        try (ClaspServer server = ClaspServer.start(ctx))
        {
            final int port = server.wsPort();
            assertEquals(true, JSON.readTree(get(port, "/inspector/api/info", null).body())
                .path("tokenRequired").asBoolean());
            final HttpResponse<String> none = get(port, "/inspector/api/stats", null);
            assertEquals(401, none.statusCode());
            assertEquals("Bearer realm=\"clasp\"", none.headers().firstValue("www-authenticate").orElse(""));
            assertEquals(401, get(port, "/inspector/api/stats", "wrong").statusCode());

            try (TestWsClient client = TestWsClient.connect(server.wsPort()))
            {
                client.helloAsPython();
                // Two busy params, one readable: write each several times across two samples.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                JsonNode stats = null;
                for (int i = 0; i < 400 && System.nanoTime() < deadline; i++)
                {
                    client.send("53 01 00 16 21 05 00 0a 2f 70 75 62 6c 69 63 2f 61 31 00 00 00 00 00 00 00 01");
                    client.send("53 01 00 16 21 05 00 0a 2f 73 65 63 72 65 74 2f 61 31 00 00 00 00 00 00 00 01");
                    stats = JSON.readTree(get(port, "/inspector/api/stats", "reader-token").body());
                    if (stats.path("topAddresses").size() > 0)
                    {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertEquals(1, stats.path("topAddresses").size(), "only /public/a1 is named: " + stats);
                assertEquals("/public/a1", stats.path("topAddresses").get(0).path("address").asText());
                assertTrue(stats.path("sessions").isNull(), "no sessions without admin");
                assertEquals(1, stats.path("sessionCount").asInt(), "the count is not an address");
                final JsonNode asAdmin = JSON.readTree(get(port, "/inspector/api/stats", "admin-token").body());
                assertEquals(1, asAdmin.path("sessions").size(), asAdmin.toString());
                assertEquals("[\"/public/**\"]", JSON.readTree(get(port, "/inspector/api/scopes", "reader-token")
                    .body()).path("read").toString());
                assertEquals(401, get(port, "/inspector/api/scopes", "wrong").statusCode());
            }
        }
    }

    @Test
    void aBurstOfPipelinedRequestsInOneWriteIsAnsweredAndClientsStillConnect() throws Exception
    {
        try (ClaspServer server = start())
        {
            final int requests = 200;
            final StringBuilder burst = new StringBuilder();
            for (int i = 0; i < requests; i++)
            {
                burst.append(i % 2 == 0 ? "GET /inspector/api/stats" : "GET /inspector/clasp.js")
                    .append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            burst.append("BLAH\r\n\r\n"); // garbage at the end: 400 and close
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.wsPort()))
            {
                socket.getOutputStream().write(burst.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                try (TestWsClient client = TestWsClient.connect(server.wsPort()))
                {
                    assertEquals(0x02, client.helloAsPython()[0][4], "a WebSocket client is served meanwhile");
                }
                final String answers = new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
                assertEquals(requests, answers.split("HTTP/1.1 200 OK", -1).length - 1, "every request answered");
                assertTrue(answers.contains(" 400 Bad Request"), "then the garbage refused: " +
                    answers.substring(Math.max(0, answers.length() - 300)));
            }
        }
    }

    @Test
    void noInspectorServesNoPage() throws Exception
    {
        try (ClaspServer server = start("--no-inspector"))
        {
            final HttpResponse<String> page = get(server.wsPort(), "/inspector/", null);
            assertEquals(200, page.statusCode(), "the probe answers every plain GET");
            assertEquals("ok", page.body());
            assertEquals("ok", get(server.wsPort(), "/inspector/api/stats", null).body());
        }
    }

    /** The HTTP client keeps its connections open: shutdown need not wait the default 5 s for them. */
    private static final long DRAIN_MS = 200;

    private static ClaspServer start(final String... flags)
    {
        return ClaspServer.start(ClaspServerTest.context(flags).drainTimeoutMs(DRAIN_MS));
    }

    private static JsonNode awaitStats(final int port, final String token,
        final java.util.function.Predicate<JsonNode> condition) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode last = null;
        while (System.nanoTime() < deadline)
        {
            last = JSON.readTree(get(port, "/inspector/api/stats", token).body());
            if (last.path("ready").asBoolean() && condition.test(last))
            {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching stats; last: " + last);
    }

    private static HttpResponse<String> get(final int port, final String path, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(final int port, final String path, final String method) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
