package to.clasp.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.address.Pattern;
import to.clasp.protocol.AckDecoder;
import to.clasp.protocol.BundleEncoder;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.GetEncoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.ReplayEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.UnsubscribeEncoder;
import to.clasp.protocol.WelcomeDecoder;

/**
 * The transport-independent CLASP client: handshake, state cache, pending gets, the subscription registry with
 * local pattern filtering, frame handling, and reconnection with backoff and re-subscription. A transport supplies
 * only a {@link ClientTransport} that moves whole frames.
 * <p>
 * <b>One model for threads.</b> API calls come from any thread, frames arrive on the transport's I/O thread, GET
 * timeouts and reconnects run on one small scheduler thread. All mutable state (connection, cache, pending GETs,
 * subscriptions, counters) is guarded by one lock, {@code lock}, held only for short updates: nothing inside it
 * blocks, sends, calls a listener or completes a future. A send reads the current link under the lock, encodes into
 * the calling thread's own buffer and hands the frame to the link outside it, so a link that waits for room (Aeron
 * under back-pressure) holds up only its caller. Frames of one link are decoded on its I/O thread with that link's own
 * decoder. A GET's timeout is cancelled as soon as the GET is answered or failed.
 */
public final class ClientSession implements ClaspClient
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    /** Features announced in HELLO: param, event, stream, gesture, timeline. */
    static final int FEATURES = 0xF8;
    static final int PROTOCOL_VERSION = 1;

    /** Each sending thread encodes into its own buffer (grown to the largest frame it sent), so sends share nothing. */
    private static final ThreadLocal<ExpandableArrayBuffer> SEND_BUFFER =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(256));
    private static final ThreadLocal<ExpandableArrayBuffer> ITEM_BUFFER =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(256));
    private static final Subscription[] NO_SUBSCRIPTIONS = new Subscription[0];

    private final ClientOptions options;
    private final ClientTransport transport;
    private final ScheduledThreadPoolExecutor scheduler;

    /** Guards every field below. */
    private final Object lock = new Object();
    /**
     * Held while a confirmed write is registered and sent, so two threads writing one address cannot have their
     * answers swapped (answers are matched per address in order). Apart from {@link #lock}: a send may wait.
     */
    private final Object confirmedSendLock = new Object();
    private final Map<String, Object> cache = new HashMap<>();
    private final Map<String, List<PendingGet>> pendingGets = new HashMap<>();
    /** Confirmed writes waiting for their ACK or ERROR, per address, in the order they were sent. */
    private final Map<String, ArrayDeque<PendingWrite>> pendingWrites = new HashMap<>();
    /** The REPLAY sent and not yet complete (one at a time), and those waiting their turn. */
    private PendingReplay activeReplay;
    private final ArrayDeque<PendingReplay> queuedReplays = new ArrayDeque<>();
    private final TreeMap<Integer, Subscription> subscriptions = new TreeMap<>();
    /** The values of {@link #subscriptions}, replaced on change, so frames are dispatched outside the lock. */
    private Subscription[] subscriptionList = NO_SUBSCRIPTIONS;
    private int nextSubscriptionId = 1;
    private Attempt current;
    private boolean connected;
    private boolean closed;
    private String sessionId;
    private long clockOffsetMicros;
    private ClaspException lastError;
    private int reconnectAttempt;
    private long acks;
    private long decodeErrors;

    public ClientSession(final ClientOptions options, final ClientTransport transport)
    {
        this.options = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = new ScheduledThreadPoolExecutor(1, r ->
        {
            final Thread t = new Thread(r, "clasp-client-timer");
            t.setDaemon(true);
            return t;
        });
        // Cancelled GET timeouts leave the queue at once instead of when they would have fired.
        scheduler.setRemoveOnCancelPolicy(true);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Connection
    // ------------------------------------------------------------------------------------------------------------

    public void connect()
    {
        final Attempt attempt;
        synchronized (lock)
        {
            if (closed)
            {
                throw new ClaspException("client is closed");
            }
            attempt = new Attempt();
        }
        attempt.open();
        try
        {
            attempt.welcome.get(options.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            attempt.fail(ex);
            throw new ClaspException("no WELCOME within " + options.connectTimeoutMs() + " ms", ex);
        }
        catch (final ExecutionException ex)
        {
            attempt.fail(ex.getCause());
            final int code = ex.getCause() instanceof ClaspException ? ((ClaspException)ex.getCause()).code() : 0;
            throw new ClaspException(code, "cannot connect: " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            attempt.fail(ex);
            Thread.currentThread().interrupt();
            throw new ClaspException("interrupted while connecting", ex);
        }
    }

    public boolean isConnected()
    {
        synchronized (lock)
        {
            return connected;
        }
    }

    public String sessionId()
    {
        synchronized (lock)
        {
            return sessionId;
        }
    }

    public long routerTimeMicros()
    {
        final long offset;
        synchronized (lock)
        {
            offset = clockOffsetMicros;
        }
        return currentTimeMicros() + offset;
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
        synchronized (lock)
        {
            return acks;
        }
    }

    /**
     * @return the last ERROR the router sent, or null.
     */
    public ClaspException lastError()
    {
        synchronized (lock)
        {
            return lastError;
        }
    }

    /**
     * @return frames from the router that did not decode.
     */
    public long decodeErrors()
    {
        synchronized (lock)
        {
            return decodeErrors;
        }
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
        sendSet(address, value, setOptions, setOptions.qos());
    }

    private void sendSet(final String address, final Object value, final SetOptions setOptions, final int qos)
    {
        final int flags = (setOptions.isLock() ? SetEncoder.LOCK : 0) |
            (setOptions.isUnlock() ? SetEncoder.UNLOCK : 0) |
            (setOptions.ttl() >= 0 ? SetEncoder.TTL : 0) |
            (setOptions.expectedRevision() >= 0 ? SetEncoder.REVISION : 0);
        final ClientTransport.Link link = connectedLink();
        final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
        send(link, buffer, SetEncoder.encode(buffer, 0, qos, address, value, flags,
            Math.max(0, setOptions.expectedRevision()), setOptions.ttl() >= 0 ? setOptions.wireTtl() : 0));
    }

    public CompletableFuture<Long> setConfirmed(final String address, final Object value)
    {
        return setConfirmed(address, value, SetOptions.defaults());
    }

    public CompletableFuture<Long> setConfirmed(final String address, final Object value,
        final SetOptions setOptions)
    {
        Objects.requireNonNull(address, "address");
        final PendingWrite pending = new PendingWrite(address);
        synchronized (confirmedSendLock)
        {
            synchronized (lock)
            {
                pendingWrites.computeIfAbsent(address, a -> new ArrayDeque<>(2)).add(pending);
            }
            try
            {
                sendSet(address, value, setOptions, Math.max(Qos.CONFIRM, setOptions.qos()));
            }
            catch (final RuntimeException ex)
            {
                synchronized (lock)
                {
                    pending.forgetLocked();
                }
                pending.fail(ex);
                return pending.future;
            }
        }
        pending.armTimeout();
        return pending.future;
    }

    public CompletableFuture<Long> replay(final String pattern, final ReplayOptions replayOptions,
        final ReplayListener listener)
    {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(replayOptions, "options");
        Objects.requireNonNull(listener, "listener");
        final PendingReplay replay = new PendingReplay(pattern, replayOptions, listener);
        final boolean sendNow;
        synchronized (lock)
        {
            if (closed)
            {
                throw new ClaspException("client is closed");
            }
            sendNow = null == activeReplay;
            if (sendNow)
            {
                activeReplay = replay;
            }
            else
            {
                queuedReplays.add(replay);
            }
        }
        if (sendNow)
        {
            replay.start();
        }
        return replay.future;
    }

    public CompletableFuture<Object> get(final String address)
    {
        Objects.requireNonNull(address, "address");
        final PendingGet pending = new PendingGet(address);
        synchronized (lock)
        {
            pendingGets.computeIfAbsent(address, a -> new ArrayList<>(1)).add(pending);
        }
        pending.armTimeout();
        try
        {
            // QoS Confirm: this router answers a miss with ERROR 201 at once instead of leaving us to time out.
            final ClientTransport.Link link = connectedLink();
            final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
            send(link, buffer, GetEncoder.encode(buffer, 0, Qos.CONFIRM, address));
        }
        catch (final RuntimeException ex)
        {
            synchronized (lock)
            {
                forget(pending);
            }
            pending.fail(ex);
        }
        return pending.future;
    }

    public Object cached(final String address)
    {
        synchronized (lock)
        {
            return unwrap(cache.get(address));
        }
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
        final long timestamp = routerTimeMicros();
        final ClientTransport.Link link = connectedLink();
        final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
        send(link, buffer, PublishEncoder.encode(buffer, 0, qos, signal, phase, address, indicator, value, null,
            timestamp, id, null));
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
        final ClientTransport.Link link = connectedLink();
        final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
        final ExpandableArrayBuffer itemBuffer = ITEM_BUFFER.get();
        final BundleEncoder bundleEncoder = new BundleEncoder();
        bundleEncoder.begin(buffer, 0, Qos.COMMIT, scheduled, atMicros);
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
        send(link, buffer, bundleEncoder.finish());
    }

    public int subscribe(final String pattern, final SubscriptionListener listener)
    {
        return subscribe(pattern, listener, SubscribeOptions.all());
    }

    public int subscribe(final String pattern, final SubscriptionListener listener, final SubscribeOptions opts)
    {
        final Pattern compiled = Pattern.compile(pattern);
        Objects.requireNonNull(listener);
        final Subscription subscription;
        final ClientTransport.Link link;
        synchronized (lock)
        {
            subscription = new Subscription(nextSubscriptionId++, compiled, listener, opts);
            subscriptions.put(subscription.id, subscription);
            subscriptionList = subscriptions.values().toArray(NO_SUBSCRIPTIONS);
            link = connected ? current.link : null;
        }
        if (null != link)
        {
            // If the session is being re-established right now the WELCOME handler may send it as well; the router
            // replaces a subscription with the same id, so the duplicate is harmless.
            sendSubscribe(link, subscription);
        }
        return subscription.id;
    }

    public void unsubscribe(final int subscriptionId)
    {
        final ClientTransport.Link link;
        synchronized (lock)
        {
            if (null == subscriptions.remove(subscriptionId))
            {
                return;
            }
            subscriptionList = subscriptions.values().toArray(NO_SUBSCRIPTIONS);
            link = connected ? current.link : null;
        }
        if (null != link)
        {
            final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
            send(link, buffer, UnsubscribeEncoder.encode(buffer, 0, Qos.FIRE, subscriptionId));
        }
    }

    private static void sendSubscribe(final ClientTransport.Link link, final Subscription s)
    {
        final SubscribeOptions o = s.options;
        final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
        send(link, buffer, SubscribeEncoder.encode(buffer, 0, Qos.FIRE, s.id, s.pattern.text(), o.typeMask(),
            o.maxRate() >= 0 ? o.maxRate() : null, Double.isNaN(o.epsilon()) ? null : o.epsilon(), null, null));
    }

    /** @return the link of the established session, or throws "not connected". */
    private ClientTransport.Link connectedLink()
    {
        synchronized (lock)
        {
            if (connected && null != current.link)
            {
                return current.link;
            }
        }
        throw new ClaspException("not connected");
    }

    /** Hand an encoded frame to the link; never called with the lock held (the link may wait for room). */
    private static void send(final ClientTransport.Link link, final DirectBuffer buffer, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("message does not fit one CLASP frame");
        }
        if (!link.send(buffer, 0, length))
        {
            throw new ClaspException("not connected");
        }
    }

    public void close()
    {
        final Attempt attempt;
        final List<PendingGet> failed;
        final List<Pending<?>> unanswered;
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            connected = false;
            attempt = current;
            failed = takePendingGets();
            unanswered = takeWritesAndReplays();
        }
        if (null != attempt)
        {
            attempt.abort();
        }
        failAll(failed, new ClaspException("client closed"));
        failAll(unanswered, new ClaspException("client closed"));
        scheduler.shutdownNow();
        transport.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound (transport I/O thread)
    // ------------------------------------------------------------------------------------------------------------

    private void onFrame(final Attempt attempt, final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameDecoder decoder = attempt.decoder;
        final int result = decoder.decode(buffer, offset, length);
        if (result != DecodeError.OK)
        {
            synchronized (lock)
            {
                decodeErrors++;
            }
            LOG.debug("undecodable frame from router: {}", DecodeError.describe(result));
            return;
        }
        if (decoder.type() == MessageType.WELCOME)
        {
            onWelcome(attempt, decoder.welcome());
            return;
        }
        final boolean stale;
        synchronized (lock)
        {
            stale = attempt != current;
        }
        if (stale)
        {
            if (decoder.type() == MessageType.ERROR)
            {
                // Before its WELCOME: the router refused the handshake (no, a wrong or an expired token: 300, 302;
                // router full: 503). The connect fails with the router's code (nothing when already given up on).
                final ErrorDecoder refusal = decoder.error();
                attempt.fail(new ClaspException(refusal.code(), "router error " + refusal.code() + ": " +
                    refusal.message(), null));
            }
            return; // otherwise a frame from a link we have already given up on
        }
        switch (decoder.type())
        {
            case MessageType.SET:
                if (!(decoder.hasTimestamp() && onReplayed(decoder)))
                {
                    onSet(decoder.set());
                }
                break;
            case MessageType.SNAPSHOT:
                onSnapshot(decoder.snapshot());
                break;
            case MessageType.PUBLISH:
                if (!(decoder.hasTimestamp() && onReplayed(decoder)))
                {
                    onPublish(decoder.publish());
                }
                break;
            case MessageType.PING:
                attempt.link.send(attempt.pong, 0, PongEncoder.encode(attempt.pong, 0));
                break;
            case MessageType.ACK:
                onAck(decoder.ack());
                break;
            case MessageType.ERROR:
                onError(decoder.error());
                break;
            default:
                break; // PONG, RESULT, SYNC …: nothing this client asked for
        }
    }

    /**
     * An ACK: the answer to the oldest confirmed write to its address (it carries the revision), or the end of the
     * active REPLAY (it names the pattern and carries no revision). BUNDLE ACKs (no address) are only counted.
     */
    private void onAck(final AckDecoder ack)
    {
        final String address = ack.hasAddress() ? ack.address() : null;
        PendingWrite write = null;
        PendingReplay replay = null;
        synchronized (lock)
        {
            acks++;
            if (null != address && ack.hasRevision())
            {
                write = takePendingWrite(address);
            }
            else if (null != address && null != activeReplay && activeReplay.pattern.equals(address))
            {
                replay = activeReplay;
            }
        }
        if (null != write)
        {
            write.complete(ack.revision());
        }
        if (null != replay)
        {
            replay.finish(null);
        }
    }

    /** Caller holds the lock. @return the oldest confirmed write to the address still waiting, or null. */
    private PendingWrite takePendingWrite(final String address)
    {
        final ArrayDeque<PendingWrite> queue = pendingWrites.get(address);
        if (null == queue)
        {
            return null;
        }
        final PendingWrite write = queue.poll();
        if (queue.isEmpty())
        {
            pendingWrites.remove(address);
        }
        return write;
    }

    /**
     * A SET or PUBLISH with a header timestamp while a REPLAY is active: a journal entry (the router never stamps
     * live frames), handed to the replay's listener — not to the cache, not to subscriptions.
     *
     * @return false when no replay is active (the frame is then treated as a live one).
     */
    private boolean onReplayed(final FrameDecoder decoder)
    {
        final PendingReplay replay;
        synchronized (lock)
        {
            replay = activeReplay;
            if (null != replay)
            {
                replay.entries++;
            }
        }
        if (null == replay)
        {
            return false;
        }
        try
        {
            if (MessageType.SET == decoder.type())
            {
                final SetDecoder set = decoder.set();
                replay.listener.onEntry(set.address(), set.value().toObject(), set.hasRevision() ? set.revision() : -1,
                    Signal.PARAM, decoder.timestamp());
            }
            else
            {
                final PublishDecoder publish = decoder.publish();
                replay.listener.onEntry(publish.address(), publishedValue(publish), -1, Signal.of(publish.signal()),
                    decoder.timestamp());
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("replay listener failed", ex);
        }
        return true;
    }

    private void onWelcome(final Attempt attempt, final WelcomeDecoder welcome)
    {
        final Subscription[] resubscribe;
        synchronized (lock)
        {
            if (closed || attempt.finished)
            {
                return;
            }
            sessionId = welcome.session();
            clockOffsetMicros = welcome.time() - currentTimeMicros();
            current = attempt;
            connected = true;
            reconnectAttempt = 0;
            attempt.finished = true;
            resubscribe = subscriptionList;
        }
        attempt.cancelDeadline();
        for (final Subscription s : resubscribe)
        {
            try
            {
                sendSubscribe(attempt.link, s);
            }
            catch (final ClaspException ex)
            {
                break; // the link went away again; the next WELCOME re-subscribes
            }
        }
        attempt.welcome.complete(null);
    }

    private void onSet(final SetDecoder set)
    {
        final String address = set.address();
        final Object value = set.value().toObject();
        final Subscription[] listeners;
        synchronized (lock)
        {
            cache.put(address, value == null ? NULL : value);
            listeners = subscriptionList;
        }
        dispatch(listeners, address, value, set.hasRevision() ? set.revision() : -1, Signal.PARAM);
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
            final List<PendingGet> answered;
            final Subscription[] listeners;
            synchronized (lock)
            {
                cache.put(address, value == null ? NULL : value);
                answered = pendingGets.remove(address);
                listeners = subscriptionList;
            }
            if (null != answered)
            {
                for (final PendingGet pending : answered)
                {
                    pending.complete(value);
                }
            }
            dispatch(listeners, address, value, revision, Signal.PARAM);
        }
    }

    private static Object publishedValue(final PublishDecoder publish)
    {
        if (publish.indicator() == PublishDecoder.INDICATOR_VALUE)
        {
            return publish.value().toObject();
        }
        if (publish.indicator() == PublishDecoder.INDICATOR_SAMPLES)
        {
            final double[] samples = new double[publish.sampleCount()];
            for (int i = 0; i < samples.length; i++)
            {
                samples[i] = publish.sample(i);
            }
            return samples;
        }
        return null;
    }

    private void onPublish(final PublishDecoder publish)
    {
        final Object value = publishedValue(publish);
        final Subscription[] listeners;
        synchronized (lock)
        {
            listeners = subscriptionList;
        }
        dispatch(listeners, publish.address(), value, -1, Signal.of(publish.signal()));
    }

    private void onError(final ErrorDecoder error)
    {
        final String address = error.hasAddress() ? error.address() : null;
        final ClaspException ex = new ClaspException(error.code(),
            "router error " + error.code() + ": " + error.message() + (address == null ? "" : " (" + address + ")"),
            null);
        final List<PendingGet> failed;
        PendingReplay replay = null;
        PendingWrite write = null;
        synchronized (lock)
        {
            lastError = ex;
            // A miss (201) ends the GETs waiting for the address, and so does a refused read (301 with the router's
            // read-refusal text: a refused write carries the write one and belongs to the pending write).
            final boolean readRefused = 301 == error.code() && error.message().startsWith(ErrorDecoder.READ_REFUSAL);
            failed = address != null && (error.code() == 201 || readRefused) ? pendingGets.remove(address) : null;
            if (null != address && null != activeReplay && activeReplay.pattern.equals(address) &&
                isReplayRefusal(error.code()))
            {
                replay = activeReplay;
            }
            else if (null != address && 201 != error.code() && !readRefused)
            {
                write = takePendingWrite(address);
            }
        }
        LOG.debug("{}", ex.getMessage());
        if (options.errorListener() != null)
        {
            options.errorListener().accept(ex);
        }
        failAll(failed, ex);
        if (null != write)
        {
            write.fail(ex);
        }
        if (null != replay)
        {
            replay.finish(ex);
        }
    }

    /** ERROR codes the router answers a REPLAY with (naming its pattern). */
    private static boolean isReplayRefusal(final int code)
    {
        return 501 == code || 503 == code || 202 == code || 300 == code || 301 == code;
    }

    private void dispatch(
        final Subscription[] listeners, final String address, final Object value, final long revision,
        final Signal signal)
    {
        for (final Subscription s : listeners)
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
        final boolean wasCurrent;
        final boolean reconnect;
        List<PendingGet> failed = null;
        List<Pending<?>> unanswered = null;
        synchronized (lock)
        {
            wasCurrent = attempt == current;
            if (wasCurrent)
            {
                connected = false;
                failed = takePendingGets();
                unanswered = takeWritesAndReplays();
            }
            reconnect = wasCurrent && !closed && options.reconnect();
        }
        if (wasCurrent)
        {
            LOG.debug("session {} closed ({} {})", sessionId(), code, reason);
            final ClaspException lost = new ClaspException("connection lost (" + code + ")");
            failAll(failed, lost);
            failAll(unanswered, new ClaspException("connection lost (" + code + ") before the answer: the outcome " +
                "is unknown"));
        }
        attempt.fail(new ClaspException("connection closed before WELCOME (" + code + " " + reason + ")"));
        if (reconnect)
        {
            scheduleReconnect();
        }
    }

    /** Caller holds the lock. @return every confirmed write and replay waiting for an answer, now forgotten. */
    private List<Pending<?>> takeWritesAndReplays()
    {
        final List<Pending<?>> all = new ArrayList<>();
        pendingWrites.values().forEach(all::addAll);
        pendingWrites.clear();
        if (null != activeReplay)
        {
            all.add(activeReplay);
            activeReplay = null;
        }
        all.addAll(queuedReplays);
        queuedReplays.clear();
        return all;
    }

    /** Caller holds the lock. */
    private List<PendingGet> takePendingGets()
    {
        if (pendingGets.isEmpty())
        {
            return null;
        }
        final List<PendingGet> all = new ArrayList<>();
        pendingGets.values().forEach(all::addAll);
        pendingGets.clear();
        return all;
    }

    /** Caller holds the lock. */
    private void forget(final PendingGet pending)
    {
        final List<PendingGet> list = pendingGets.get(pending.address);
        if (null != list && list.remove(pending) && list.isEmpty())
        {
            pendingGets.remove(pending.address);
        }
    }

    private static void failAll(final List<? extends Pending<?>> failed, final Throwable error)
    {
        if (null != failed)
        {
            for (final Pending<?> pending : failed)
            {
                pending.fail(error);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reconnect (scheduler thread)
    // ------------------------------------------------------------------------------------------------------------

    private void scheduleReconnect()
    {
        final int attemptNumber;
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            attemptNumber = reconnectAttempt++;
        }
        if (options.maxReconnectAttempts() > 0 && attemptNumber >= options.maxReconnectAttempts())
        {
            LOG.warn("giving up after {} reconnect attempts", attemptNumber);
            return;
        }
        schedule(this::reconnect, options.reconnectDelayMs(attemptNumber));
    }

    private void reconnect()
    {
        final Attempt attempt;
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            attempt = new Attempt();
        }
        attempt.welcome.whenComplete((ok, error) ->
        {
            if (error != null)
            {
                scheduleReconnect();
            }
        });
        attempt.deadline = schedule(() -> attempt.fail(new TimeoutException("no WELCOME")), options.connectTimeoutMs());
        attempt.open();
    }

    /** @return the scheduled task, or null when the client is closing. */
    private ScheduledFuture<?> schedule(final Runnable task, final long delayMs)
    {
        try
        {
            return scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ignore)
        {
            return null; // closing
        }
    }

    /** Placeholder for null values in the cache. */
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

    /**
     * One attempt to open a link and complete the handshake. Its fields are guarded by the session's lock, except
     * {@link #decoder} and {@link #pong}, which only the link's I/O thread uses.
     */
    private final class Attempt implements ClientTransport.LinkHandler
    {
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final FrameDecoder decoder = new FrameDecoder();
        final UnsafeBuffer pong = new UnsafeBuffer(new byte[PongEncoder.FRAME_LENGTH]);
        ClientTransport.Link link;
        boolean finished;
        /** Gives up on the handshake after the connect timeout (reconnects); cancelled once it ends. */
        ScheduledFuture<?> deadline;

        /** Open the link; once open, send HELLO (closed at once if the client closed meanwhile). */
        void open()
        {
            transport.open(this).whenComplete((opened, error) ->
            {
                if (error != null)
                {
                    fail(error);
                    return;
                }
                final boolean closeIt;
                synchronized (lock)
                {
                    link = opened;
                    closeIt = closed || finished;
                }
                if (closeIt)
                {
                    opened.close();
                    return;
                }
                final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
                opened.send(buffer, 0, HelloEncoder.encode(buffer, 0, PROTOCOL_VERSION, FEATURES, options.name(),
                    options.token()));
            });
        }

        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            ClientSession.this.onFrame(this, buffer, offset, length);
        }

        public void onClosed(final int code, final String reason)
        {
            ClientSession.this.onClosed(this, code, reason);
        }

        /** The handshake failed (or was given up on): fail its future and close its link, unless it completed. */
        void fail(final Throwable error)
        {
            final ClientTransport.Link toClose;
            synchronized (lock)
            {
                if (finished)
                {
                    return;
                }
                finished = true;
                toClose = link;
            }
            cancelDeadline();
            if (null != toClose)
            {
                toClose.close();
            }
            welcome.completeExceptionally(error);
        }

        void abort()
        {
            final ClientTransport.Link l;
            synchronized (lock)
            {
                l = link;
            }
            if (l != null)
            {
                l.close();
            }
        }

        void cancelDeadline()
        {
            final ScheduledFuture<?> d = deadline;
            if (null != d)
            {
                d.cancel(false);
            }
        }
    }

    /** A request waiting for its answer, with a timeout that is cancelled once it is answered. */
    private abstract class Pending<T>
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        private ScheduledFuture<?> timeout;
        private boolean done;

        /** Caller holds the lock: stop waiting (the timeout fired). */
        abstract void forgetLocked();

        /** @return what the timeout's exception says. */
        abstract String timeoutText();

        void armTimeout()
        {
            final ScheduledFuture<?> t = schedule(() ->
            {
                synchronized (lock)
                {
                    forgetLocked();
                }
                fail(new TimeoutException(timeoutText()));
            }, options.getTimeoutMs());
            final boolean answered;
            synchronized (lock)
            {
                timeout = t;
                answered = done;
            }
            if (answered && null != t)
            {
                t.cancel(false);
            }
        }

        void complete(final T value)
        {
            if (finish())
            {
                future.complete(value);
            }
        }

        void fail(final Throwable error)
        {
            if (finish())
            {
                future.completeExceptionally(error);
            }
        }

        /** @return true the first time: the timeout (if armed) is cancelled. */
        private boolean finish()
        {
            final ScheduledFuture<?> t;
            synchronized (lock)
            {
                if (done)
                {
                    return false;
                }
                done = true;
                t = timeout;
            }
            if (null != t)
            {
                t.cancel(false);
            }
            return true;
        }
    }

    /** A GET waiting for its SNAPSHOT (or ERROR 201). */
    private final class PendingGet extends Pending<Object>
    {
        final String address;

        PendingGet(final String address)
        {
            this.address = address;
        }

        void forgetLocked()
        {
            forget(this);
        }

        String timeoutText()
        {
            return "no SNAPSHOT for " + address + " within " + options.getTimeoutMs() + " ms";
        }
    }

    /** A confirmed SET waiting for its ACK (the revision) or ERROR. */
    private final class PendingWrite extends Pending<Long>
    {
        final String address;

        PendingWrite(final String address)
        {
            this.address = address;
        }

        void forgetLocked()
        {
            final ArrayDeque<PendingWrite> queue = pendingWrites.get(address);
            if (null != queue && queue.remove(this) && queue.isEmpty())
            {
                pendingWrites.remove(address);
            }
        }

        String timeoutText()
        {
            return "no answer to the write of " + address + " within " + options.getTimeoutMs() + " ms";
        }
    }

    /**
     * A REPLAY: sent when it becomes the active one, complete at the router's ACK{pattern}. Its timeout is about
     * progress: it fails when no entry arrived for the get timeout (a long replay may take much longer in all).
     */
    private final class PendingReplay extends Pending<Long>
    {
        final String pattern;
        final ReplayOptions replayOptions;
        final ReplayListener listener;
        /** Guarded by the lock. */
        long entries;
        private long entriesAtLastCheck = -1;

        PendingReplay(final String pattern, final ReplayOptions replayOptions, final ReplayListener listener)
        {
            this.pattern = pattern;
            this.replayOptions = replayOptions;
            this.listener = listener;
        }

        /** Send the REPLAY (this is the active one now). */
        void start()
        {
            try
            {
                final ClientTransport.Link link = connectedLink();
                final ExpandableArrayBuffer buffer = SEND_BUFFER.get();
                send(link, buffer, ReplayEncoder.encode(buffer, 0, Qos.CONFIRM, pattern, replayOptions.fromMicros(),
                    replayOptions.toMicros(), replayOptions.limit(), replayOptions.typeMask()));
            }
            catch (final RuntimeException ex)
            {
                finish(ex);
                return;
            }
            checkProgress();
        }

        private void checkProgress()
        {
            schedule(() ->
            {
                final boolean stalled;
                synchronized (lock)
                {
                    if (activeReplay != this)
                    {
                        return;
                    }
                    stalled = entries == entriesAtLastCheck;
                    entriesAtLastCheck = entries;
                }
                if (stalled)
                {
                    finish(new TimeoutException("REPLAY " + pattern + ": no entry for " + options.getTimeoutMs() +
                        " ms"));
                }
                else
                {
                    checkProgress();
                }
            }, options.getTimeoutMs());
        }

        /** Complete (null error) or fail this replay, and send the next one waiting. */
        void finish(final Throwable error)
        {
            final PendingReplay next;
            final long count;
            synchronized (lock)
            {
                if (activeReplay != this)
                {
                    return;
                }
                count = entries;
                next = queuedReplays.poll();
                activeReplay = next;
            }
            if (null == error)
            {
                complete(count);
            }
            else
            {
                fail(error);
            }
            if (null != next)
            {
                next.start();
            }
        }

        void forgetLocked()
        {
            // No overall timeout: checkProgress() ends a stalled replay.
        }

        String timeoutText()
        {
            return "REPLAY " + pattern;
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
