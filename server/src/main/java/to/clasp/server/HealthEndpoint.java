package to.clasp.server;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import to.clasp.transport.http.HttpAnswer;
import to.clasp.transport.http.HttpEndpointServer;

/**
 * {@code /healthz} (liveness: 200 once the server has started, 503 while starting, while the core's watchdog
 * reports a stalled duty cycle and once the journal has failed, with the reason) and {@code /readyz} (200 while the server accepts clients; 503 while
 * starting, draining, stalled, or while the WebSocket edge turns new connections away), on their own port so
 * orchestrators can probe without touching the WebSocket port.
 * Served by an {@link HttpEndpointServer}: a thread that never runs the core, so a stuck core is reported rather than
 * hiding behind an unanswered probe, and idle connections cannot block it.
 */
final class HealthEndpoint implements AutoCloseable
{
    private final HttpEndpointServer server;

    /**
     * @param ready   whether the server accepts clients (false while starting and draining).
     * @param refusing why the WebSocket edge turns new clients away right now (connection limit, accept failing), or
     *                null.
     * @param stall   why the router cannot do its job — the core's stall, a failed journal — or null while it can.
     */
    HealthEndpoint(final HttpEndpointServer.Context http, final BooleanSupplier live, final BooleanSupplier ready,
        final Supplier<String> refusing, final Supplier<String> stall)
    {
        server = HttpEndpointServer.builder(http)
            .get("/healthz", HttpEndpointServer.Route.of(request ->
            {
                final String stalled = stall.get();
                if (!live.getAsBoolean())
                {
                    return HttpAnswer.text(503, "starting");
                }
                return null == stalled ? HttpAnswer.text(200, "ok") : HttpAnswer.text(503, stalled);
            }))
            .get("/readyz", HttpEndpointServer.Route.of(request ->
            {
                if (!ready.getAsBoolean())
                {
                    return HttpAnswer.text(503, "not ready");
                }
                final String stalled = stall.get();
                final String reason = null != stalled ? stalled : refusing.get();
                return null == reason ? HttpAnswer.text(200, "ready") : HttpAnswer.text(503, "not ready: " + reason);
            }))
            .start();
    }

    int port()
    {
        return server.port();
    }

    /** {@code https} with {@code --tls-cert/--tls-key}, {@code http} otherwise. */
    String scheme()
    {
        return server.scheme();
    }

    public void close()
    {
        server.close();
    }
}
