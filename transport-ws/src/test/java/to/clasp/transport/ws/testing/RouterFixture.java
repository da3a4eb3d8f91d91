package to.clasp.transport.ws.testing;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.transport.ws.WebSocketEdge;

import java.util.function.UnaryOperator;

/**
 * A real router core behind a real WebSocket edge on a free loopback port: what every transport test runs against.
 */
public final class RouterFixture implements AutoCloseable
{
    private final Router router;
    private final WebSocketEdge edge;

    private RouterFixture(final Router.Context routerContext, final WebSocketEdge.Context edgeContext)
    {
        router = Router.launch(routerContext);
        try
        {
            // As the server wires it: a shared core runs on the edge's first event loop.
            edgeContext.sharedCore(router.sharedCore());
            edge = WebSocketEdge.launch(edgeContext, router.inboundPort());
        }
        catch (final RuntimeException ex)
        {
            router.close();
            throw ex;
        }
    }

    /** A router with the server's default threading: the core shared with the edge's event loop. */
    public static RouterFixture start()
    {
        return start(CoreThreading.SHARED);
    }

    public static RouterFixture start(final CoreThreading threading)
    {
        return start(threading, c -> c, c -> c);
    }

    public static RouterFixture start(
        final UnaryOperator<Router.Context> router, final UnaryOperator<WebSocketEdge.Context> edge)
    {
        return start(CoreThreading.SHARED, router, edge);
    }

    public static RouterFixture start(final CoreThreading threading,
        final UnaryOperator<Router.Context> router, final UnaryOperator<WebSocketEdge.Context> edge)
    {
        return new RouterFixture(router.apply(new Router.Context().coreThreading(threading)),
            edge.apply(new WebSocketEdge.Context().host("127.0.0.1").port(0)));
    }

    public int port()
    {
        return edge.localAddress().getPort();
    }

    public String url()
    {
        return "ws://127.0.0.1:" + port() + "/";
    }

    public Router router()
    {
        return router;
    }

    public WebSocketEdge edge()
    {
        return edge;
    }

    public void close()
    {
        try
        {
            router.close();
        }
        finally
        {
            edge.close();
        }
    }
}
