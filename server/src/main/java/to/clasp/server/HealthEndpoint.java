package to.clasp.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (200 once the server has started: the process is alive and serving) and {@code /readyz} (200
 * while the server accepts clients; 503 while starting or draining), on their own port so orchestrators can probe
 * without touching the WebSocket port. Served by the JDK's HTTP server on one small daemon thread.
 */
final class HealthEndpoint implements AutoCloseable
{
    private final HttpServer server;

    HealthEndpoint(final String host, final int port, final BooleanSupplier live, final BooleanSupplier ready)
        throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "clasp-health");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", exchange -> answer(exchange, live.getAsBoolean(), "ok", "starting"));
        server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean(), "ready", "not ready"));
        server.createContext("/", exchange -> respond(exchange, 404, "not found"));
        server.start();
    }

    int port()
    {
        return server.getAddress().getPort();
    }

    private static void answer(
        final HttpExchange exchange, final boolean up, final String upBody, final String downBody) throws IOException
    {
        if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath()))
        {
            respond(exchange, 404, "not found");
        }
        else if (up)
        {
            respond(exchange, 200, upBody);
        }
        else
        {
            respond(exchange, 503, downBody);
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final String body) throws IOException
    {
        try (exchange)
        {
            final byte[] bytes = (body + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            final boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head)
            {
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(bytes);
                }
            }
        }
    }

    public void close()
    {
        server.stop(0);
        ((java.util.concurrent.ExecutorService)server.getExecutor()).shutdownNow();
    }
}
