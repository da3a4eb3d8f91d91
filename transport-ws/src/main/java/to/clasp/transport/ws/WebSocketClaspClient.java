package to.clasp.transport.ws;

import io.netty.channel.EventLoopGroup;
import to.clasp.client.BundleItem;
import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.client.ClientSession;
import to.clasp.client.SetOptions;
import to.clasp.client.SubscribeOptions;
import to.clasp.client.SubscriptionListener;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Java CLASP client over WebSocket. All protocol logic lives in {@link ClientSession}; this class only binds it
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
public final class WebSocketClaspClient implements ClaspClient
{
    private final ClientSession session;

    private WebSocketClaspClient(final ClientSession session)
    {
        this.session = session;
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

    /** A client that shares {@code group} (see {@link NettyClientTransport#newEventLoopGroup}) with others. */
    public static WebSocketClaspClient create(final String url, final ClientOptions options, final EventLoopGroup group)
    {
        return new WebSocketClaspClient(new ClientSession(options, new NettyClientTransport(URI.create(url), group)));
    }

    /** @return the transport-independent session (counters such as ACKs received, the last router ERROR). */
    public ClientSession session()
    {
        return session;
    }

    public void connect()
    {
        session.connect();
    }

    public boolean isConnected()
    {
        return session.isConnected();
    }

    public String sessionId()
    {
        return session.sessionId();
    }

    public long routerTimeMicros()
    {
        return session.routerTimeMicros();
    }

    public void set(final String address, final Object value)
    {
        session.set(address, value);
    }

    public void set(final String address, final Object value, final SetOptions options)
    {
        session.set(address, value, options);
    }

    public CompletableFuture<Object> get(final String address)
    {
        return session.get(address);
    }

    public Object cached(final String address)
    {
        return session.cached(address);
    }

    public void emit(final String address, final Object payload)
    {
        session.emit(address, payload);
    }

    public void stream(final String address, final Object value)
    {
        session.stream(address, value);
    }

    public void gesture(final String address, final long gestureId, final int phase, final Object payload)
    {
        session.gesture(address, gestureId, phase, payload);
    }

    public void bundle(final List<BundleItem> items)
    {
        session.bundle(items);
    }

    public void bundle(final List<BundleItem> items, final long atMicros)
    {
        session.bundle(items, atMicros);
    }

    public int subscribe(final String pattern, final SubscriptionListener listener)
    {
        return session.subscribe(pattern, listener);
    }

    public int subscribe(final String pattern, final SubscriptionListener listener, final SubscribeOptions options)
    {
        return session.subscribe(pattern, listener, options);
    }

    public void unsubscribe(final int subscriptionId)
    {
        session.unsubscribe(subscriptionId);
    }

    public void close()
    {
        session.close();
    }
}
