package to.clasp.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link ClaspClient} API of a transport-specific client: every call goes to the transport-independent
 * {@link ClientSession}, so a transport's client class holds only how it is created and what its transport exposes.
 */
public abstract class SessionBackedClient implements ClaspClient
{
    private final ClientSession session;

    protected SessionBackedClient(final ClientSession session)
    {
        this.session = session;
    }

    /** @return the transport-independent session (counters such as ACKs received, the last router ERROR). */
    public final ClientSession session()
    {
        return session;
    }

    public final void connect()
    {
        session.connect();
    }

    public final boolean isConnected()
    {
        return session.isConnected();
    }

    public final String sessionId()
    {
        return session.sessionId();
    }

    public final long routerTimeMicros()
    {
        return session.routerTimeMicros();
    }

    public final void set(final String address, final Object value)
    {
        session.set(address, value);
    }

    public final void set(final String address, final Object value, final SetOptions options)
    {
        session.set(address, value, options);
    }

    public final CompletableFuture<Long> setConfirmed(final String address, final Object value)
    {
        return session.setConfirmed(address, value);
    }

    public final CompletableFuture<Long> setConfirmed(final String address, final Object value,
        final SetOptions options)
    {
        return session.setConfirmed(address, value, options);
    }

    public final CompletableFuture<Long> replay(final String pattern, final ReplayOptions options,
        final ReplayListener listener)
    {
        return session.replay(pattern, options, listener);
    }

    public final CompletableFuture<Object> get(final String address)
    {
        return session.get(address);
    }

    public final Object cached(final String address)
    {
        return session.cached(address);
    }

    public final void emit(final String address, final Object payload)
    {
        session.emit(address, payload);
    }

    public final void stream(final String address, final Object value)
    {
        session.stream(address, value);
    }

    public final void gesture(final String address, final long gestureId, final int phase, final Object payload)
    {
        session.gesture(address, gestureId, phase, payload);
    }

    public final void bundle(final List<BundleItem> items)
    {
        session.bundle(items);
    }

    public final void bundle(final List<BundleItem> items, final long atMicros)
    {
        session.bundle(items, atMicros);
    }

    public final int subscribe(final String pattern, final SubscriptionListener listener)
    {
        return session.subscribe(pattern, listener);
    }

    public final int subscribe(final String pattern, final SubscriptionListener listener, final SubscribeOptions options)
    {
        return session.subscribe(pattern, listener, options);
    }

    public final void unsubscribe(final int subscriptionId)
    {
        session.unsubscribe(subscriptionId);
    }

    public void close()
    {
        session.close();
    }
}
