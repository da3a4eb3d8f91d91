package to.clasp.transport.aeron;

import to.clasp.client.BundleItem;
import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.client.ClientSession;
import to.clasp.client.SetOptions;
import to.clasp.client.SubscribeOptions;
import to.clasp.client.SubscriptionListener;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Java CLASP client over Aeron UDP: the same {@link ClaspClient} API and the same transport-independent
 * {@link ClientSession} as the WebSocket client, bound to an {@link AeronClientTransport} (embedded media driver by
 * default, or an external one via {@link DriverOptions#aeronDir(String)}).
 * <pre>{@code
 * try (ClaspClient client = AeronClaspClient.create("192.168.1.10:7331"))
 * {
 *     client.connect();
 *     client.subscribe("/sensors/*", (address, value, revision, signal) -> System.out.println(address + " " + value));
 *     client.set("/sensors/temperature", 21.5);
 * }
 * }</pre>
 */
public final class AeronClaspClient implements ClaspClient
{
    private final ClientSession session;
    private final AeronClientTransport transport;

    private AeronClaspClient(final ClientSession session, final AeronClientTransport transport)
    {
        this.session = session;
        this.transport = transport;
    }

    /** A client for the router's Aeron endpoint {@code HOST:PORT}, default options (not yet connected). */
    public static AeronClaspClient create(final String routerEndpoint)
    {
        return create(new ClientOptions(), new AeronClientTransport.Context().routerEndpoint(routerEndpoint));
    }

    /**
     * A client (not yet connected). Starts the transport's agent (and embedded driver) now; {@link #close()} stops
     * them.
     */
    public static AeronClaspClient create(final ClientOptions options, final AeronClientTransport.Context transport)
    {
        final AeronClientTransport aeron = new AeronClientTransport(transport);
        return new AeronClaspClient(new ClientSession(options, aeron), aeron);
    }

    /**
     * A client that shares {@code transport} (its agent thread and media driver) with other clients: one thread and
     * one driver for many sessions in one process. Closing this client closes its session only; close the transport
     * after its clients.
     */
    public static AeronClaspClient create(final ClientOptions options, final AeronClientTransport transport)
    {
        return new AeronClaspClient(new ClientSession(options, transport.shared()), transport);
    }

    /** @return the transport-independent session (counters such as ACKs received, the last router ERROR). */
    public ClientSession session()
    {
        return session;
    }

    /** @return the Aeron transport (driver directory, driver counters). */
    public AeronClientTransport transport()
    {
        return transport;
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
