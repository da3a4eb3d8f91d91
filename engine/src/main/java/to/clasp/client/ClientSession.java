package to.clasp.client;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.address.Pattern;
import to.clasp.protocol.BundleEncoder;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.GetEncoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.UnsubscribeEncoder;
import to.clasp.protocol.WelcomeDecoder;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport-independent CLASP client: handshake, state cache, pending gets, the subscription registry with
 * local pattern filtering, frame handling, and reconnection with backoff and re-subscription. A transport supplies
 * only a {@link ClientTransport} that moves whole frames.
 * <p>
 * Threads: API calls from any thread encode into one send buffer under a lock (a client sends from few threads, and
 * the lock keeps frames whole and ordered); frames arrive on the transport's I/O thread and are decoded there with
 * one reused {@link FrameDecoder}; timeouts and reconnects run on one small scheduler thread.
 */
public final class ClientSession implements ClaspClient
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    /** Features announced in HELLO: param, event, stream, gesture, timeline. */
    static final int FEATURES = 0xF8;
    static final int PROTOCOL_VERSION = 1;

    private final ClientOptions options;
    private final ClientTransport transport;
    private final ScheduledExecutorService scheduler;

    private final Map<String, Object> cache = new ConcurrentHashMap<>();
    private final Map<String, CopyOnWriteArrayList<CompletableFuture<Object>>> pendingGets = new ConcurrentHashMap<>();
    private final Map<Integer, Subscription> subscriptions = new ConcurrentSkipListMap<>();
    private final AtomicInteger nextSubscriptionId = new AtomicInteger(1);

    private final Object sendLock = new Object();
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer itemBuffer = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer pongBuffer = new UnsafeBuffer(new byte[PongEncoder.FRAME_LENGTH]);
    private final BundleEncoder bundleEncoder = new BundleEncoder();
    private final FrameDecoder decoder = new FrameDecoder();

    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private volatile Attempt current;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile boolean everConnected;
    private volatile String sessionId;
    private volatile long clockOffsetMicros;
    private volatile ClaspException lastError;
    private int reconnectAttempt;

    public ClientSession(final ClientOptions options, final ClientTransport transport)
    {
        this.options = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "clasp-client-timer");
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Connection
    // ------------------------------------------------------------------------------------------------------------

    public void connect()
    {
        if (closed)
        {
            throw new ClaspException("client is closed");
        }
        final Attempt attempt = startAttempt();
        try
        {
            attempt.welcome.get(options.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            attempt.failed(ex);
            attempt.abort();
            throw new ClaspException("no WELCOME within " + options.connectTimeoutMs() + " ms", ex);
        }
        catch (final ExecutionException ex)
        {
            attempt.failed(ex.getCause());
            attempt.abort();
            throw new ClaspException("cannot connect: " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            attempt.failed(ex);
            attempt.abort();
            Thread.currentThread().interrupt();
            throw new ClaspException("interrupted while connecting", ex);
        }
    }

    private Attempt startAttempt()
    {
        final Attempt attempt = new Attempt();
        transport.open(attempt).whenComplete((link, error) ->
        {
            if (error != null)
            {
                attempt.failed(error);
                return;
            }
            attempt.link = link;
            if (closed)
            {
                link.close();
                return;
            }
            synchronized (sendLock)
            {
                final int length = HelloEncoder.encode(sendBuffer, 0, PROTOCOL_VERSION, FEATURES, options.name(),
                    options.token());
                link.send(sendBuffer, 0, length);
            }
        });
        return attempt;
    }

    public boolean isConnected()
    {
        return connected;
    }

    public String sessionId()
    {
        return sessionId;
    }

    public long routerTimeMicros()
    {
        return currentTimeMicros() + clockOffsetMicros;
    }

    private static long currentTimeMicros()
    {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * @return ACKs received (the router ACKs SET at QoS ≥ 1 and BUNDLE).
     */
    public long acksReceived()
    {
        return acks.get();
    }

    /**
     * @return the last ERROR the router sent, or null.
     */
    public ClaspException lastError()
    {
        return lastError;
    }

    /**
     * @return frames from the router that did not decode.
     */
    public long decodeErrors()
    {
        return decodeErrors.get();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Operations
    // ------------------------------------------------------------------------------------------------------------

    public void set(final String address, final Object value)
    {
        set(address, value, SetOptions.defaults());
    }

    public void set(final String address, final Object value, final SetOptions setOptions)
    {
        Objects.requireNonNull(address, "address");
        final int flags = (setOptions.isLock() ? SetEncoder.LOCK : 0) |
            (setOptions.isUnlock() ? SetEncoder.UNLOCK : 0) |
            (setOptions.ttl() >= 0 ? SetEncoder.TTL : 0) |
            (setOptions.expectedRevision() >= 0 ? SetEncoder.REVISION : 0);
        synchronized (sendLock)
        {
            final int length = SetEncoder.encode(sendBuffer, 0, setOptions.qos(), address, value, flags,
                Math.max(0, setOptions.expectedRevision()), setOptions.ttl() >= 0 ? setOptions.wireTtl() : 0);
            send(length);
        }
    }

    public CompletableFuture<Object> get(final String address)
    {
        Objects.requireNonNull(address, "address");
        final CompletableFuture<Object> future = new CompletableFuture<>();
        pendingGets.computeIfAbsent(address, a -> new CopyOnWriteArrayList<>()).add(future);
        future.whenComplete((v, t) -> removePending(address, future));
        scheduler.schedule(() -> future.completeExceptionally(
            new TimeoutException("no SNAPSHOT for " + address + " within " + options.getTimeoutMs() + " ms")),
            options.getTimeoutMs(), TimeUnit.MILLISECONDS);
        try
        {
            synchronized (sendLock)
            {
                // QoS Confirm: this router answers a miss with ERROR 201 at once instead of leaving us to time out.
                send(GetEncoder.encode(sendBuffer, 0, Qos.CONFIRM, address));
            }
        }
        catch (final RuntimeException ex)
        {
            future.completeExceptionally(ex);
        }
        return future;
    }

    private void removePending(final String address, final CompletableFuture<Object> future)
    {
        pendingGets.computeIfPresent(address, (a, list) ->
        {
            list.remove(future);
            return list.isEmpty() ? null : list;
        });
    }

    public Object cached(final String address)
    {
        return unwrap(cache.get(address));
    }

    public void emit(final String address, final Object payload)
    {
        publish(Qos.CONFIRM, SignalType.EVENT, 0, address, payload, null);
    }

    public void stream(final String address, final Object value)
    {
        publish(Qos.FIRE, SignalType.STREAM, 0, address, value, null);
    }

    public void gesture(final String address, final long gestureId, final int phase, final Object payload)
    {
        if (phase < GesturePhases.START || phase > GesturePhases.CANCEL)
        {
            throw new IllegalArgumentException("phase must be 0..3: " + phase);
        }
        publish(Qos.FIRE, SignalType.GESTURE, phase, address, payload, gestureId);
    }

    private void publish(
        final int qos, final int signal, final int phase, final String address, final Object value, final Long id)
    {
        Objects.requireNonNull(address, "address");
        final int indicator = value == null ? PublishDecoder.INDICATOR_NONE : PublishDecoder.INDICATOR_VALUE;
        synchronized (sendLock)
        {
            send(PublishEncoder.encode(sendBuffer, 0, qos, signal, phase, address, indicator, value, null,
                routerTimeMicros(), id, null));
        }
    }

    public void bundle(final List<BundleItem> items)
    {
        bundle(items, false, 0);
    }

    public void bundle(final List<BundleItem> items, final long atMicros)
    {
        bundle(items, true, atMicros);
    }

    private void bundle(final List<BundleItem> items, final boolean scheduled, final long atMicros)
    {
        if (items.isEmpty())
        {
            throw new IllegalArgumentException("empty bundle");
        }
        synchronized (sendLock)
        {
            bundleEncoder.begin(sendBuffer, 0, Qos.COMMIT, scheduled, atMicros);
            for (final BundleItem item : items)
            {
                final int length = item.isSet() ?
                    SetEncoder.encode(itemBuffer, 0, Qos.FIRE, item.address(), item.value(), 0, 0, 0) :
                    PublishEncoder.encode(itemBuffer, 0, Qos.FIRE, SignalType.EVENT, 0, item.address(),
                        item.value() == null ? PublishDecoder.INDICATOR_NONE : PublishDecoder.INDICATOR_VALUE,
                        item.value(), null, null, null, null);
                if (length < 0 || !bundleEncoder.addFrame(itemBuffer, 0, length))
                {
                    throw new IllegalArgumentException("bundle does not fit one frame at " + item);
                }
            }
            send(bundleEncoder.finish());
        }
    }

    public int subscribe(final String pattern, final SubscriptionListener listener)
    {
        return subscribe(pattern, listener, SubscribeOptions.all());
    }

    public int subscribe(final String pattern, final SubscriptionListener listener, final SubscribeOptions opts)
    {
        final Subscription subscription = new Subscription(
            nextSubscriptionId.getAndIncrement(), Pattern.compile(pattern), Objects.requireNonNull(listener), opts);
        subscriptions.put(subscription.id, subscription);
        if (connected)
        {
            // If the session is being re-established right now the WELCOME handler may send it as well; the router
            // replaces a subscription with the same id, so the duplicate is harmless.
            sendSubscribe(subscription);
        }
        return subscription.id;
    }

    public void unsubscribe(final int subscriptionId)
    {
        if (subscriptions.remove(subscriptionId) != null && connected)
        {
            synchronized (sendLock)
            {
                send(UnsubscribeEncoder.encode(sendBuffer, 0, Qos.FIRE, subscriptionId));
            }
        }
    }

    private void sendSubscribe(final Subscription s)
    {
        synchronized (sendLock)
        {
            final SubscribeOptions o = s.options;
            send(SubscribeEncoder.encode(sendBuffer, 0, Qos.FIRE, s.id, s.pattern.text(), o.typeMask(),
                o.maxRate() >= 0 ? o.maxRate() : null, Double.isNaN(o.epsilon()) ? null : o.epsilon(), null, null));
        }
    }

    /** Caller holds {@link #sendLock}. */
    private void send(final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("message does not fit one CLASP frame");
        }
        final Attempt attempt = current;
        if (!connected || attempt == null || attempt.link == null || !attempt.link.send(sendBuffer, 0, length))
        {
            throw new ClaspException("not connected");
        }
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        connected = false;
        final Attempt attempt = current;
        if (attempt != null)
        {
            attempt.abort();
        }
        failPendingGets(new ClaspException("client closed"));
        scheduler.shutdownNow();
        transport.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound (transport I/O thread)
    // ------------------------------------------------------------------------------------------------------------

    private void onFrame(final Attempt attempt, final DirectBuffer buffer, final int offset, final int length)
    {
        final int result = decoder.decode(buffer, offset, length);
        if (result != DecodeError.OK)
        {
            decodeErrors.incrementAndGet();
            LOG.debug("undecodable frame from router: {}", DecodeError.describe(result));
            return;
        }
        if (decoder.type() == MessageType.WELCOME)
        {
            onWelcome(attempt, decoder.welcome());
            return;
        }
        if (attempt != current)
        {
            return; // a frame from a link we have already given up on
        }
        switch (decoder.type())
        {
            case MessageType.SET:
                onSet(decoder.set());
                break;
            case MessageType.SNAPSHOT:
                onSnapshot(decoder.snapshot());
                break;
            case MessageType.PUBLISH:
                onPublish(decoder.publish());
                break;
            case MessageType.PING:
                final int pong = PongEncoder.encode(pongBuffer, 0);
                attempt.link.send(pongBuffer, 0, pong);
                break;
            case MessageType.ACK:
                acks.incrementAndGet();
                break;
            case MessageType.ERROR:
                onError(decoder.error());
                break;
            default:
                break; // PONG, RESULT, SYNC …: nothing this client asked for
        }
    }

    private void onWelcome(final Attempt attempt, final WelcomeDecoder welcome)
    {
        if (closed || attempt.finished.get())
        {
            return;
        }
        sessionId = welcome.session();
        clockOffsetMicros = welcome.time() - currentTimeMicros();
        current = attempt;
        connected = true;
        everConnected = true;
        synchronized (this)
        {
            reconnectAttempt = 0;
        }
        for (final Subscription s : subscriptions.values())
        {
            try
            {
                sendSubscribe(s);
            }
            catch (final ClaspException ex)
            {
                break; // the link went away again; the next WELCOME re-subscribes
            }
        }
        attempt.finished.set(true);
        attempt.welcome.complete(null);
    }

    private void onSet(final SetDecoder set)
    {
        final String address = set.address();
        final Object value = set.value().toObject();
        cache.put(address, value == null ? NULL : value);
        dispatch(address, value, set.hasRevision() ? set.revision() : -1, Signal.PARAM);
    }

    private void onSnapshot(final SnapshotDecoder snapshot)
    {
        final int count = snapshot.count();
        for (int i = 0; i < count; i++)
        {
            final SnapshotDecoder entry = snapshot.entry(i);
            final String address = entry.address();
            final Object value = entry.value().toObject();
            final long revision = entry.revision();
            cache.put(address, value == null ? NULL : value);
            final CopyOnWriteArrayList<CompletableFuture<Object>> waiting = pendingGets.get(address);
            if (waiting != null)
            {
                for (final CompletableFuture<Object> future : waiting)
                {
                    future.complete(value);
                }
            }
            dispatch(address, value, revision, Signal.PARAM);
        }
    }

    private void onPublish(final PublishDecoder publish)
    {
        final Object value;
        if (publish.indicator() == PublishDecoder.INDICATOR_VALUE)
        {
            value = publish.value().toObject();
        }
        else if (publish.indicator() == PublishDecoder.INDICATOR_SAMPLES)
        {
            final double[] samples = new double[publish.sampleCount()];
            for (int i = 0; i < samples.length; i++)
            {
                samples[i] = publish.sample(i);
            }
            value = samples;
        }
        else
        {
            value = null;
        }
        dispatch(publish.address(), value, -1, Signal.of(publish.signal()));
    }

    private void onError(final ErrorDecoder error)
    {
        final String address = error.hasAddress() ? error.address() : null;
        final ClaspException ex = new ClaspException(error.code(),
            "router error " + error.code() + ": " + error.message() + (address == null ? "" : " (" + address + ")"),
            null);
        lastError = ex;
        LOG.debug("{}", ex.getMessage());
        if (options.errorListener() != null)
        {
            options.errorListener().accept(ex);
        }
        if (address != null && error.code() == 201)
        {
            final CopyOnWriteArrayList<CompletableFuture<Object>> waiting = pendingGets.get(address);
            if (waiting != null)
            {
                for (final CompletableFuture<Object> future : waiting)
                {
                    future.completeExceptionally(ex);
                }
            }
        }
    }

    private void dispatch(final String address, final Object value, final long revision, final Signal signal)
    {
        for (final Subscription s : subscriptions.values())
        {
            if (s.options.accepts(signal) && s.pattern.matches(address))
            {
                try
                {
                    s.listener.onSignal(address, value, revision, signal);
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("subscription {} listener failed on {}", s.id, address, ex);
                }
            }
        }
    }

    private void onClosed(final Attempt attempt, final int code, final String reason)
    {
        final boolean wasCurrent = attempt == current;
        if (wasCurrent)
        {
            connected = false;
            LOG.debug("session {} closed ({} {})", sessionId, code, reason);
            failPendingGets(new ClaspException("connection lost (" + code + ")"));
        }
        attempt.failed(new ClaspException("connection closed before WELCOME (" + code + " " + reason + ")"));
        if (wasCurrent && !closed && options.reconnect())
        {
            scheduleReconnect();
        }
    }

    private void failPendingGets(final ClaspException ex)
    {
        for (final CopyOnWriteArrayList<CompletableFuture<Object>> list : pendingGets.values())
        {
            for (final CompletableFuture<Object> future : list)
            {
                future.completeExceptionally(ex);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reconnect (scheduler thread)
    // ------------------------------------------------------------------------------------------------------------

    private void scheduleReconnect()
    {
        if (closed || scheduler.isShutdown())
        {
            return;
        }
        final int attemptNumber;
        synchronized (this)
        {
            attemptNumber = reconnectAttempt++;
        }
        if (options.maxReconnectAttempts() > 0 && attemptNumber >= options.maxReconnectAttempts())
        {
            LOG.warn("giving up after {} reconnect attempts", attemptNumber);
            return;
        }
        final long delay = options.reconnectDelayMs(attemptNumber);
        try
        {
            scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.RejectedExecutionException ignore)
        {
            // closing
        }
    }

    private void reconnect()
    {
        if (closed)
        {
            return;
        }
        final Attempt attempt = startAttempt();
        attempt.welcome.whenComplete((ok, error) ->
        {
            if (error != null && !closed)
            {
                scheduleReconnect();
            }
        });
        scheduler.schedule(() ->
        {
            if (!attempt.welcome.isDone())
            {
                attempt.abort();
                attempt.failed(new TimeoutException("no WELCOME"));
            }
        }, options.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Placeholder for null values in the cache (ConcurrentHashMap holds no nulls). */
    private static final Object NULL = new Object()
    {
        public String toString()
        {
            return "null";
        }
    };

    /** A cached null value is returned as null, like an unknown address. */
    private static Object unwrap(final Object cached)
    {
        return cached == NULL ? null : cached;
    }

    /** One attempt to open a link and complete the handshake. */
    private final class Attempt implements ClientTransport.LinkHandler
    {
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final AtomicBoolean finished = new AtomicBoolean();
        volatile ClientTransport.Link link;

        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            ClientSession.this.onFrame(this, buffer, offset, length);
        }

        public void onClosed(final int code, final String reason)
        {
            ClientSession.this.onClosed(this, code, reason);
        }

        void failed(final Throwable error)
        {
            if (finished.compareAndSet(false, true))
            {
                welcome.completeExceptionally(error);
            }
        }

        void abort()
        {
            final ClientTransport.Link l = link;
            if (l != null)
            {
                l.close();
            }
        }
    }

    /** A registered subscription: id, compiled pattern (for local filtering), listener and options. */
    private static final class Subscription
    {
        final int id;
        final Pattern pattern;
        final SubscriptionListener listener;
        final SubscribeOptions options;

        Subscription(final int id, final Pattern pattern, final SubscriptionListener listener,
            final SubscribeOptions options)
        {
            this.id = id;
            this.pattern = pattern;
            this.listener = listener;
            this.options = options;
        }
    }
}
