package to.clasp.transport.ws;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import to.clasp.client.ClientOptions;
import to.clasp.client.ClientSession;
import to.clasp.client.SessionBackedClient;

import java.net.URI;

/**
 * The Java CLASP client over WebSocket (a {@link to.clasp.client.ClaspClient}). All protocol logic lives in {@link ClientSession}; this class only binds it
 * to a {@link NettyClientTransport}.
 * <pre>{@code
 * try (ClaspClient client = WebSocketClaspClient.create("ws://localhost:7330"))
 * {
 *     client.connect();
 *     client.subscribe("/sensors/*", (address, value, revision, signal) -> System.out.println(address + " " + value));
 *     client.set("/sensors/temperature", 21.5);
 * }
 * }</pre>
 */
public final class WebSocketClaspClient extends SessionBackedClient
{
    private WebSocketClaspClient(final ClientSession session)
    {
        super(session);
    }

    /** A client for {@code url} with default options (not yet connected). */
    public static WebSocketClaspClient create(final String url)
    {
        return create(url, new ClientOptions());
    }

    /** A client for {@code url} (not yet connected). */
    public static WebSocketClaspClient create(final String url, final ClientOptions options)
    {
        return new WebSocketClaspClient(new ClientSession(options, new NettyClientTransport(URI.create(url))));
    }

    /**
     * A client for a {@code wss://} URL whose server certificate {@code ssl} trusts (e.g.
     * {@code SslContextBuilder.forClient().trustManager(caCertFile).build()}); {@link #create(String)} uses the JDK's
     * default trust store.
     */
    public static WebSocketClaspClient create(final String url, final ClientOptions options, final SslContext ssl)
    {
        return new WebSocketClaspClient(new ClientSession(options, new NettyClientTransport(URI.create(url), null, ssl)));
    }

    /** A client that shares {@code group} (see {@link NettyClientTransport#newEventLoopGroup}) with others. */
    public static WebSocketClaspClient create(final String url, final ClientOptions options, final EventLoopGroup group)
    {
        return new WebSocketClaspClient(new ClientSession(options, new NettyClientTransport(URI.create(url), group)));
    }
}
