package to.clasp.benchmarks.e2e;

import io.netty.channel.EventLoopGroup;
import to.clasp.client.ClientOptions;
import to.clasp.core.Router;
import to.clasp.core.WaitStrategy;
import to.clasp.transport.ws.NettyClientTransport;
import to.clasp.transport.ws.WebSocketClaspClient;
import to.clasp.transport.ws.WebSocketEdge;

/**
 * What both end-to-end runs share: a router (in this JVM on a loopback port, or an external one given by
 * {@code -Durl=ws://...}) and Java WebSocket clients on one shared client event loop.
 */
final class E2eSetup implements AutoCloseable
{
    private final Router router;
    private final WebSocketEdge edge;
    private final EventLoopGroup clientLoop;
    private final String url;

    E2eSetup()
    {
        final String external = System.getProperty("url");
        if (external == null)
        {
            final WaitStrategy wait = WaitStrategy.parse(System.getProperty("wait", "block"));
            router = Router.launch(new Router.Context().waitStrategy(wait));
            edge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0), router.inboundPort());
            url = "ws://127.0.0.1:" + edge.localAddress().getPort() + "/";
            System.out.println("# in-process router on " + url + ", core wait strategy " + wait);
        }
        else
        {
            router = null;
            edge = null;
            url = external;
            System.out.println("# external router at " + url);
        }
        clientLoop = NettyClientTransport.newEventLoopGroup(Integer.getInteger("clientThreads", 1));
    }

    WebSocketClaspClient client(final String name)
    {
        final WebSocketClaspClient client = WebSocketClaspClient.create(url,
            new ClientOptions().name(name).reconnect(false), clientLoop);
        client.connect();
        return client;
    }

    Router router()
    {
        return router;
    }

    public void close()
    {
        if (edge != null)
        {
            router.close();
            edge.close();
        }
        clientLoop.shutdownGracefully();
    }
}
