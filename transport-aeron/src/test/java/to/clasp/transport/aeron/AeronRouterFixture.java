package to.clasp.transport.aeron;

import java.util.function.UnaryOperator;

import to.clasp.client.ClientOptions;
import to.clasp.core.CoreThreading;
import to.clasp.core.Router;

/**
 * A real router core behind a real Aeron edge (embedded media driver, UDP on 127.0.0.1, a free port), and real
 * Aeron clients (each with its own embedded driver) against it.
 */
final class AeronRouterFixture implements AutoCloseable
{
    private final Router router;
    private final AeronEdge edge;

    private AeronRouterFixture(final Router.Context routerContext, final AeronEdge.Context edgeContext)
    {
        router = Router.launch(routerContext);
        try
        {
            // A shared core runs on the edge's agent (as `clasp server --core-thread aeron` wires it).
            edge = AeronEdge.launch(edgeContext.sharedCore(router.sharedCore()), router.inboundPort());
        }
        catch (final RuntimeException ex)
        {
            router.close();
            throw ex;
        }
    }

    static AeronRouterFixture start()
    {
        return start(c -> c, c -> c);
    }

    /** The core on the Aeron edge's agent thread ({@code CoreThreading.SHARED}). */
    static AeronRouterFixture startWithCoreOnEdge(final UnaryOperator<AeronEdge.Context> edge)
    {
        return start(r -> r.coreThreading(CoreThreading.SHARED), edge);
    }

    static AeronRouterFixture start(
        final UnaryOperator<Router.Context> router, final UnaryOperator<AeronEdge.Context> edge)
    {
        return new AeronRouterFixture(router.apply(new Router.Context()),
            edge.apply(new AeronEdge.Context().endpoint("127.0.0.1:0")));
    }

    Router router()
    {
        return router;
    }

    AeronEdge edge()
    {
        return edge;
    }

    String endpoint()
    {
        return edge.localEndpoint();
    }

    /** A connected client with its own embedded driver; no reconnect, so a lost session shows. */
    AeronClaspClient client(final String name)
    {
        final AeronClaspClient client = AeronClaspClient.create(
            new ClientOptions().name(name).reconnect(false).getTimeoutMs(3_000),
            new AeronClientTransport.Context().routerEndpoint(endpoint()).clientName(name));
        try
        {
            client.connect();
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
        return client;
    }

    public void close()
    {
        try
        {
            edge.stopAccepting();
            router.close();
            try
            {
                edge.awaitConnectionsClosed(2_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        finally
        {
            edge.close();
        }
    }
}
