package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.transport.ws.testing.TestWsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar as an operator runs it: start-up line, health and metrics endpoints, JSON logs, and SIGTERM
 * (clients get WebSocket close 1001, the process exits 0).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class ServerJarTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void sigtermClosesSessionsWith1001AndExitsZero() throws Exception
    {
        final int health = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start("--health-port", Integer.toString(health));
             TestWsClient client = TestWsClient.connect(server.port()))
        {
            assertEquals(200, get(health, "/readyz").statusCode());
            client.helloAsPython();
            server.process().destroy(); // SIGTERM
            assertEquals(1001, client.awaitClose(10_000), "clients are told the router is going away");
            assertTrue(server.process().waitFor(15, TimeUnit.SECONDS), "exits after draining");
            assertEquals(0, server.process().exitValue(), server.log());
            assertTrue(server.log().contains("SIGTERM received"), server.log());
            assertTrue(server.log().contains("clasp server stopped"), server.log());
        }
    }

    @Test
    void startupLineHealthAndMetricsFromTheJar() throws Exception
    {
        final int health = ServerProcess.freePort();
        final int metrics = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start("--health-port", Integer.toString(health),
            "--metrics-port", Integer.toString(metrics), "--name", "Jar Test"))
        {
            awaitLog(server, "ready:");
            assertTrue(server.log().contains("clasp server 'Jar Test' ready: WebSocket ws://127.0.0.1:" +
                server.port()), server.log());
            assertTrue(server.log().contains("health http://127.0.0.1:" + health + "/healthz"), server.log());
            assertTrue(server.log().contains("metrics http://127.0.0.1:" + metrics + "/metrics"), server.log());
            assertEquals("ok\n", get(health, "/healthz").body());
            assertEquals(200, get(health, "/readyz").statusCode());
            try (TestWsClient client = TestWsClient.connect(server.port()))
            {
                client.helloAsPython();
                final String exposition = get(metrics, "/metrics").body();
                assertTrue(exposition.contains("clasp_sessions 1.0"), exposition);
            }
            assertEquals("ok", get(server.port(), "/").body(), "plain GET on the WebSocket port");
            assertEquals(0, server.stop());
        }
    }

    @Test
    void jsonLogFormatWritesOneJsonObjectPerLine() throws Exception
    {
        try (ServerProcess server = ServerProcess.start("--log-format", "json"))
        {
            try (TestWsClient client = TestWsClient.connect(server.port()))
            {
                client.helloAsPython();
                // Over the message limit: the router closes (1009), a disconnect it logs at INFO.
                client.send(new byte[70_000]);
                client.awaitClose(10_000);
            }
            awaitLog(server, "disconnect ws");
            assertEquals(0, server.stop());
            final List<String> lines = server.log().lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
            boolean ready = false;
            boolean disconnect = false;
            for (final String line : lines)
            {
                final JsonNode event = JSON.readTree(line);
                assertTrue(event.has("level") && event.has("loggerName"), line);
                final String message = event.path("formattedMessage").asText();
                ready |= message.contains(" ready: ");
                disconnect |= message.startsWith("disconnect ws") && message.contains("code=1009");
            }
            assertTrue(ready && disconnect, "the start-up line and the router's close, as JSON: " + lines);
        }
    }

    private static void awaitLog(final ServerProcess server, final String text) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 10_000;
        while (!server.log().contains(text) && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
        }
        assertTrue(server.log().contains(text), "'" + text + "' not logged:\n" + server.log());
    }

    private static HttpResponse<String> get(final int port, final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
