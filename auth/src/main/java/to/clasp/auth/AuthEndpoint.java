package to.clasp.auth;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.transport.http.HttpAnswer;
import to.clasp.transport.http.HttpEndpointServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The auth API on {@code --auth-port}: {@link AuthApi} served under {@code /auth/} by an {@link HttpEndpointServer}
 * (HTTPS when the server context carries a certificate). Requests are at most 16 KiB (the reference's limit; larger
 * ones get 413); a connection must complete a request within the server's request timeout (10 s); at most 256 are
 * open at once. The blocking work (Argon2, SQLite) runs on two worker threads with a bounded queue, and a request
 * that finds the queue full gets 503 — a login flood cannot grow memory or stall the event loop.
 */
public final class AuthEndpoint implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AuthEndpoint.class);
    /** Largest request body (the reference's limit). */
    public static final int MAX_REQUEST_BYTES = 16 * 1024;
    /** Most connections open at once. */
    public static final int MAX_CONNECTIONS = 256;
    private static final int WORKERS = 2;
    private static final int QUEUED = 64;

    private final ThreadPoolExecutor workers;
    private final HttpEndpointServer server;

    private AuthEndpoint(final HttpEndpointServer.Context http, final AuthApi api)
    {
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED),
            new DefaultThreadFactory("clasp-auth-worker", true));
        try
        {
            server = HttpEndpointServer.builder(http.maxBodyBytes(MAX_REQUEST_BYTES).maxConnections(MAX_CONNECTIONS))
                .prefix("/auth/", (request, remote) -> handle(api, request, remote))
                .start();
        }
        catch (final RuntimeException ex)
        {
            workers.shutdownNow();
            throw ex;
        }
    }

    /**
     * Bind and serve.
     *
     * @param http where and how to serve (host, port, TLS, event loop group); its body and connection limits are set
     *             here.
     */
    public static AuthEndpoint start(final HttpEndpointServer.Context http, final AuthApi api)
    {
        return new AuthEndpoint(http, api);
    }

    public int port()
    {
        return server.port();
    }

    /** {@code http} or {@code https}. */
    public String scheme()
    {
        return server.scheme();
    }

    public void close()
    {
        server.close();
        workers.shutdownNow();
    }

    /** Event loop: copy what the API needs out of the request, answer from a worker. */
    private CompletionStage<HttpAnswer> handle(final AuthApi api, final FullHttpRequest request,
        final InetSocketAddress remote)
    {
        final AuthApi.Request call = new AuthApi.Request(request.method().name(),
            new QueryStringDecoder(request.uri()).path(), remote.getAddress().getHostAddress(),
            request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.AUTHORIZATION),
            ByteBufUtil.getBytes(request.content()));
        final CompletableFuture<HttpAnswer> answer = new CompletableFuture<>();
        try
        {
            workers.execute(() ->
            {
                try
                {
                    answer.complete(toAnswer(api.handle(call)));
                }
                catch (final RuntimeException ex)
                {
                    LOG.error("auth API failed on {} {}", call.method, call.path, ex);
                    answer.complete(json(500, "{\"error\":\"Internal error\"}"));
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            answer.complete(json(503, "{\"error\":\"Busy, try again\"}"));
        }
        return answer;
    }

    private static HttpAnswer toAnswer(final AuthApi.Response response)
    {
        final Map<String, String> headers = new LinkedHashMap<>(response.headers);
        final String type = headers.remove("Content-Type");
        return new HttpAnswer(response.status, null == type ? "application/json" : type, response.body, headers);
    }

    private static HttpAnswer json(final int status, final String body)
    {
        return new HttpAnswer(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
