package to.clasp.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protections of the operational HTTP server: request timeout, connection limit, routes, async answers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpEndpointServerTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpEndpointServer server;

    @AfterEach
    void close()
    {
        if (null != server)
        {
            server.close();
        }
    }

    private HttpEndpointServer start(final HttpEndpointServer.Context ctx, final HttpEndpointServer.Route slow)
    {
        server = HttpEndpointServer.builder(ctx.host("127.0.0.1"))
            .get("/ok", HttpEndpointServer.Route.of(r -> HttpAnswer.text(200, "fine")))
            .route("/slow", Set.of(HttpMethod.GET), slow)
            .route("/echo", Set.of(HttpMethod.POST), HttpEndpointServer.Route.of(r ->
                HttpAnswer.text(200, r.content().toString(StandardCharsets.UTF_8))))
            .start();
        return server;
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesMethodsAndAsyncAnswers() throws Exception
    {
        final CompletableFuture<HttpAnswer> later = new CompletableFuture<>();
        start(new HttpEndpointServer.Context(), (r, remote) -> later);
        assertEquals("fine\n", get("/ok").body());
        assertEquals(404, get("/nope").statusCode());
        assertEquals(405, get("/echo").statusCode());
        final HttpResponse<String> echo = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" +
            server.port() + "/echo")).POST(HttpRequest.BodyPublishers.ofString("body")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("body\n", echo.body());
        final CompletableFuture<HttpResponse<String>> pending = HTTP.sendAsync(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/slow")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("fine\n", get("/ok").body(), "another connection is served while one route answers later");
        later.complete(HttpAnswer.text(202, "done"));
        assertEquals(202, pending.get(5, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void silentAndTricklingConnectionsAreClosedAtTheRequestTimeout() throws Exception
    {
        start(new HttpEndpointServer.Context().requestTimeoutMs(1_000), (r, remote) -> new CompletableFuture<>());
        try (Socket silent = connect();
             Socket trickle = connect("GET /ok HTTP/1.1\r\nHost: x\r\n");
             Socket keptAlive = connect("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"))
        {
            assertTrue(readAll(keptAlive.getInputStream()).startsWith("HTTP/1.1 200"), "answered, then idle");
            assertTrue(awaitClosed(silent), "no request at all");
            assertTrue(awaitClosed(trickle), "a request never finished");
            assertTrue(awaitClosed(keptAlive), "idle after its answer");
        }
        assertTrue(server.timedOutConnections() >= 3);
    }

    @Test
    void atTheLimitTheOldestIdleConnectionMakesRoomAndBusyOnesAreKept() throws Exception
    {
        final java.util.concurrent.CountDownLatch inProgress = new java.util.concurrent.CountDownLatch(2);
        start(new HttpEndpointServer.Context().maxConnections(2), (r, remote) ->
        {
            inProgress.countDown();
            return new CompletableFuture<>();
        });
        try (Socket idle1 = connect(); Socket idle2 = connect())
        {
            assertEquals(200, get("/ok").statusCode(), "a probe gets in at the limit");
            assertTrue(awaitClosed(idle1), "the oldest idle connection made room");
            assertFalse(isClosed(idle2));
        }
        try (Socket busy1 = connect("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
             Socket busy2 = connect("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"))
        {
            assertTrue(inProgress.await(5, TimeUnit.SECONDS), "both requests are being handled");
            // Both slots hold requests in progress: nothing idle to evict, so the newcomer is refused.
            final long refusedBefore = server.refusedConnections();
            try (Socket third = connect())
            {
                assertTrue(awaitClosed(third));
            }
            assertTrue(server.refusedConnections() > refusedBefore);
            assertFalse(isClosed(busy1));
        }
    }

    @Test
    void prefixRoutesTakeEveryPathAndMethodUnderThemWithTheirOwnHeaders() throws Exception
    {
        server = HttpEndpointServer.builder(new HttpEndpointServer.Context().host("127.0.0.1"))
            .get("/api/exact", HttpEndpointServer.Route.of(r -> HttpAnswer.text(200, "exact")))
            .prefix("/api/", (r, remote) -> CompletableFuture.completedFuture(new HttpAnswer(418, "application/json",
                ("{\"path\":\"" + r.uri() + "\",\"method\":\"" + r.method() + "\",\"from\":\"" +
                    remote.getAddress().getHostAddress() + "\"}").getBytes(StandardCharsets.UTF_8),
                java.util.Map.of("X-Api", "yes"))))
            .start();
        assertEquals("exact\n", get("/api/exact").body(), "an exact route wins over a prefix");
        final HttpResponse<String> any = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" +
            server.port() + "/api/x/y")).method("DELETE", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(418, any.statusCode());
        assertEquals("{\"path\":\"/api/x/y\",\"method\":\"DELETE\",\"from\":\"127.0.0.1\"}", any.body());
        assertEquals("yes", any.headers().firstValue("x-api").orElse(null));
        assertEquals("application/json", any.headers().firstValue("content-type").orElse(null));
        assertEquals(404, get("/apiother").statusCode());
    }

    @Test
    void httpsWithACertificateAndAClearAnswerToPlainHttp(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final to.clasp.transport.ws.testing.TestCertificates certs =
            to.clasp.transport.ws.testing.TestCertificates.create(dir);
        start(new HttpEndpointServer.Context().requestTimeoutMs(2_000)
            .tls(to.clasp.transport.ws.ServerTls.load(certs.certificate(), certs.privateKey())),
            (r, remote) -> new CompletableFuture<>());
        assertEquals("https", server.scheme());
        final HttpClient https = HttpClient.newBuilder().sslContext(certs.clientContext()).build();
        assertEquals("fine\n", https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() +
            "/ok")).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        try (Socket plain = connect("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"))
        {
            plain.setSoTimeout(5_000);
            final String reply = new String(plain.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 400") && reply.contains("https://"), reply);
        }
        // A TLS client that never finishes its handshake is closed at the request timeout like any silent one.
        try (Socket silent = connect("\u0016\u0003\u0001\u0000"))
        {
            assertTrue(awaitClosed(silent));
        }
        assertEquals(200, https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() +
            "/ok")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private Socket connect() throws IOException
    {
        return connect(null);
    }

    /** Connect and, at once, write {@code request} (when not null). */
    private Socket connect(final String request) throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        if (null != request)
        {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        }
        return s;
    }

    private static String readAll(final InputStream in) throws IOException
    {
        final byte[] buffer = new byte[4096];
        final int n = in.read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    private static boolean awaitClosed(final Socket s) throws IOException
    {
        s.setSoTimeout(5_000);
        try
        {
            final InputStream in = s.getInputStream();
            while (in.read() >= 0)
            {
                // drain whatever came before the close
            }
            return true;
        }
        catch (final SocketTimeoutException open)
        {
            return false;
        }
        catch (final IOException reset)
        {
            return true;
        }
    }

    private static boolean isClosed(final Socket s) throws IOException
    {
        s.setSoTimeout(50);
        try
        {
            return s.getInputStream().read() < 0;
        }
        catch (final SocketTimeoutException open)
        {
            return false;
        }
        catch (final IOException reset)
        {
            return true;
        }
    }

}
