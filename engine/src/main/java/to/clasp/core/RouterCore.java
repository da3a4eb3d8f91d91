package to.clasp.core;


import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.SubscriptionIndex;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SyncEncoder;
import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import to.clasp.journal.JournalWriter;
import to.clasp.journal.SnapshotTaker;
import to.clasp.state.ExpiryHandler;
import to.clasp.state.ParamStore;

/**
 * The single-writer core: owns sessions, params, locks and subscriptions, and handles inbound events one at a time
 * on one thread. {@link RouterAgent} drives it from the inbound ring; benchmarks and custom duty cycles may drive it
 * directly ({@link #onEvent}, {@link #doTimers}, {@link #endOfCycle}) — always from a single thread.
 */
public final class RouterCore implements AutoCloseable
{
    private static final long CONGESTED_RECHECK_NS = 1_000_000L;
    /** Most bytes of QoS ≥ 1 ACKs waiting for the journal to be durable (then writes are refused). */
    private static final int ACK_HOLD_MAX_BYTES = 64 * 1024 * 1024;
    /** Most params one TTL sweep removes (the rest at the next sweep), so a mass expiry is spread over cycles. */
    private static final int MAX_EXPIRED_PER_SWEEP = 10_000;

    private final Router.Context ctx;
    private final RouterMetrics metrics;
    private final CycleClock clock;
    private final SessionTable table = new SessionTable();
    private final TimerQueue timers = new TimerQueue();
    /** Compact only: the edges transcode MessagePack frames before the ring ({@link RouterInboundPort}). */
    private final FrameDecoder decoder = FrameDecoder.compactOnly();
    private final ParamStore store;
    private final ParamDirectory directory;
    private final SubscriptionIndex index;
    private final Outbox outbox;
    private final Replies replies;
    private final SnapshotSender snapshots;
    private final SessionLifecycle lifecycle;
    private final ParamHandler params;
    private final SubscribeHandler subscribes;
    private final PublishHandler publishes;
    private final BundleHandler bundles;
    private final AnnounceRegistry announces;
    private final RateLimiter rateLimiter;
    private final CoreTimer ttlTimer;
    private final RouterStats stats;
    private final ReplayPump replays;
    // Durable state (--data-dir); all null without it.
    private final JournalWriter journal;
    private final SnapshotTaker snapshotTaker;
    private final AckHold ackHold;
    private final Journaling journaling;
    private final OutboundMemoryGuard memoryGuard;
    private final AuthMetrics authMetrics;
    private final SessionAuth auth;
    private final Outbox.Resumer resumeCongested;
    private long framesOutAtLastCycle;

    /**
     * @param ctx     concluded settings.
     * @param metrics where the core publishes its counters.
     */
    public RouterCore(final Router.Context ctx, final RouterMetrics metrics)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.metrics = metrics;
        this.clock = new CycleClock(ctx.clock());
        this.store = null != ctx.initialState() ? ctx.initialState() : ctx.newParamStore();
        this.index = new SubscriptionIndex(ctx.subscriptionIndex());
        this.outbox = new Outbox(metrics, ctx.outboundSoftLimit(), ctx.outboundHardLimit());
        this.replies = new Replies(outbox, metrics);
        this.directory = new ParamDirectory(store);
        store.forEachLive(id -> directory.onWrite(id, true)); // a recovered state: index it for subscribe snapshots
        this.snapshots = new SnapshotSender(store, outbox, directory, clock, metrics, ctx.snapshotBytesPerSecond());
        final SubscriptionFilters filters = new SubscriptionFilters(timers, ctx.maxFilterAddresses());
        final FanOut fanOut = new FanOut(index, table, filters, outbox, metrics);
        final GestureCoalescer gestures = new GestureCoalescer(timers, ctx.gestureIntervalNs(), fanOut);
        this.rateLimiter = new RateLimiter(ctx.rateLimit());
        final java.util.List<String> sourceNames = new java.util.ArrayList<>();
        for (final to.clasp.security.TokenSource source : ctx.authenticator().sources())
        {
            sourceNames.add(source.name());
        }
        this.authMetrics = new AuthMetrics(sourceNames);
        this.lifecycle = new SessionLifecycle(ctx, table, timers, outbox, replies, snapshots, index, filters,
            gestures, store, rateLimiter, metrics, authMetrics);
        this.auth = new SessionAuth(ctx.authenticator(), table, lifecycle, replies, timers, clock, authMetrics);
        auth.sink(this::onHeldFrame);
        final DurableState durable = ctx.durableState();
        this.journal = null == durable ? null : durable.writer();
        this.snapshotTaker = null == durable ? null : durable.snapshots();
        // Answers to QoS >= 1 writes wait for the disk under --fsync always|batch; under never they go at once.
        this.ackHold = null == durable || FsyncPolicy.NEVER == durable.context().journal().fsync() ? null :
            new AckHold(durable.durablePosition(), table, outbox, durable.metrics().ackHold(),
                durable.metrics().ackReleaseLag(), ACK_HOLD_MAX_BYTES);
        this.journaling = null == durable ? null :
            new Journaling(journal, durable.metrics(), ackHold, durable.context().journalEvents());
        if (null != ackHold)
        {
            replies.holdAnswers(ackHold, journal);
        }
        this.params = new ParamHandler(store, directory, fanOut, replies, snapshots, outbox, clock, journaling,
            auth);
        this.resumeCongested = s -> snapshots.pump(s) && params.flushConflated(s);
        this.subscribes = new SubscribeHandler(index, filters, snapshots, replies, auth,
            ctx.maxSubscriptionsPerSession());
        this.publishes = new PublishHandler(fanOut, gestures, table, outbox, replies, clock, journaling, auth);
        this.bundles = new BundleHandler(params, publishes, store, replies, table, timers, clock,
            ctx.maxBundleAheadMicros(), journaling, auth);
        this.announces = new AnnounceRegistry(replies, metrics, auth);
        this.replays = new ReplayPump(null == durable ? null : durable.replays(), outbox, replies, auth);
        final ExpiryHandler forget = directory::remove; // expired params leave the snapshot index too
        final ExpiryHandler journalAndForget = id ->
        {
            journaling.appendRemoved(store, id, clock.epochMicros()); // the removal is journaled before it happens
            directory.remove(id);
        };
        this.ttlTimer = new CoreTimer()
        {
            void onTimer(final long nowNs)
            {
                final long nowMicros = clock.epochMicros();
                if (store.nextExpiryCheckMicros() <= nowMicros)
                {
                    // With a journal, no more expire per sweep than the journal takes removal records for now; the
                    // rest expire at the next sweep (100 ms).
                    final int expired = null == journaling ? store.expire(nowMicros, forget, MAX_EXPIRED_PER_SWEEP) :
                        store.expire(nowMicros, journalAndForget,
                            Math.min(MAX_EXPIRED_PER_SWEEP, journaling.removalsThatFit()));
                    if (expired > 0)
                    {
                        metrics.expired(expired);
                    }
                }
                timers.schedule(this, nowNs + ctx.ttlCheckIntervalNs());
            }
        };
        timers.schedule(ttlTimer, clock.source().nanoTime() + ctx.ttlCheckIntervalNs());
        this.stats = new RouterStats(ctx.clock());
        new StatsSampler(stats, table, index, store, metrics, timers, ctx.clock()).start(clock.source().nanoTime());
        this.memoryGuard = new OutboundMemoryGuard(table, timers, lifecycle, metrics, ctx.outboundSoftLimit(),
            ctx.maxOutboundMemory());
    }

    /**
     * @return the sessions, rates and busiest addresses the core samples for readers on other threads.
     */
    public RouterStats stats()
    {
        return stats;
    }

    /**
     * @return token auth's counters.
     */
    public AuthMetrics authMetrics()
    {
        return authMetrics;
    }

    /** Wakes the core when a token verified on another thread, or a token change, waits for it (any thread). */
    void authWaker(final Runnable waker)
    {
        auth.waker(waker);
    }

    /**
     * @return the counters this core writes.
     */
    public RouterMetrics metrics()
    {
        return metrics;
    }

    /**
     * Handle one inbound event.
     */
    public void onEvent(final InboundEvent event)
    {
        switch (event.kind)
        {
            case InboundEvent.FRAME:
                onFrame(event);
                break;
            case InboundEvent.CONNECT:
                lifecycle.onConnect(event.connectionId, event.connection, event.queue, event.receiveNanos);
                break;
            case InboundEvent.DISCONNECT:
                lifecycle.onDisconnect(event.connectionId);
                break;
            default:
                break;
        }
    }

    private void onFrame(final InboundEvent event)
    {
        final Session s = table.byConnection(event.connectionId);
        if (null == s || s.isGone())
        {
            return;
        }
        if (s.authPending)
        {
            // Its HELLO's token is being verified on another thread: handled in order after the verdict.
            auth.hold(s, event.buffer(), event.length, event.receiveNanos);
            return;
        }
        handleFrame(s, event.buffer(), event.length, event.receiveNanos);
    }

    /** A frame held while its session's token was verified, now that the session is accepted. */
    private void onHeldFrame(final Session s, final UnsafeBuffer buffer, final int length, final long receiveNanos)
    {
        handleFrame(s, buffer, length, receiveNanos);
    }

    private void handleFrame(final Session s, final UnsafeBuffer buffer, final int length, final long receiveNanos)
    {
        final long nowNs = clock.nanoTime();
        final int rc = decoder.decode(buffer, 0, length);

        if (Session.AWAITING_HELLO == s.state)
        {
            if (DecodeError.OK != rc || MessageType.HELLO != decoder.type())
            {
                // First frame not a decodable HELLO: close, send nothing.
                if (DecodeError.OK != rc)
                {
                    metrics.decodeError();
                }
                lifecycle.close(s, 1002, "expected HELLO");
                return;
            }
            metrics.messageIn(MessageType.HELLO);
            lifecycle.onInbound(s, receiveNanos);
            onHello(s, nowNs);
            return;
        }

        lifecycle.onInbound(s, receiveNanos);
        if (!rateLimiter.tryAcquire(s, nowNs))
        {
            metrics.rateLimitedFrame();
            if (rateLimiter.shouldReport(s, nowNs))
            {
                replies.error(s, 429, Replies.RATE_LIMITED);
            }
            return;
        }
        if (DecodeError.OK != rc)
        {
            metrics.decodeError();
            if (length >= 2 && Frame.qosOf(buffer.getByte(Frame.FLAGS_OFFSET) & 0xFF) >= Qos.CONFIRM)
            {
                replies.error(s, 101, Replies.MALFORMED);
            }
            return;
        }
        final int type = decoder.type();
        metrics.messageIn(type);
        dispatch(s, type, receiveNanos, nowNs);
    }

    private void dispatch(final Session s, final int type, final long receiveNanos, final long nowNs)
    {
        final FrameDecoder d = decoder;
        final DirectBuffer payload = d.payload();
        switch (type)
        {
            case MessageType.SET:
                params.onSet(s, d.set(), d.qos(), nowNs);
                break;
            case MessageType.PUBLISH:
                publishes.onPublish(s, d.publish(), d.qos(), nowNs);
                break;
            case MessageType.GET:
                params.onGet(s, d.get(), payload, d.qos(), nowNs);
                break;
            case MessageType.SUBSCRIBE:
                subscribes.onSubscribe(s, d.subscribe(), payload, nowNs);
                break;
            case MessageType.UNSUBSCRIBE:
                subscribes.onUnsubscribe(s, d.unsubscribe().id());
                break;
            case MessageType.BUNDLE:
                bundles.onBundle(s, d, d.qos(), nowNs);
                break;
            case MessageType.HELLO:
                onHello(s, nowNs);
                break;
            case MessageType.PING:
                replies.pong(s);
                break;
            case MessageType.SYNC:
            {
                // Exact readings, not the cycle's cached time: SYNC exists to measure clock offsets.
                final RouterClock exact = clock.source();
                final long nowMicros = exact.epochMicros();
                final long receivedMicros = nowMicros - Math.max(0, exact.nanoTime() - receiveNanos) / 1000;
                replies.send(s, SyncEncoder.reply(replies.scratch(), 0, d.sync().t1(), receivedMicros,
                    exact.epochMicros()));
                break;
            }
            case MessageType.ANNOUNCE:
                announces.onAnnounce(s, d.announce(), payload, d.qos(), nowNs);
                break;
            case MessageType.QUERY:
                announces.onQuery(s, payload, d.query().patternOffset(), d.query().patternLength(), nowNs);
                break;
            case MessageType.REPLAY:
                replays.onReplay(s, d.replay(), payload, d.qos(), nowNs);
                break;
            default:
                // PONG (activity only), ACK, ERROR, WELCOME, SNAPSHOT, RESULT, FEDERATION_SYNC from a client: ignored.
                break;
        }
    }

    private void onHello(final Session s, final long nowNs)
    {
        s.clientName = decoder.hello().name();
        auth.onHello(s, decoder.hello(), nowNs);
    }

    /**
     * Run due timers.
     *
     * @return how many fired.
     */
    public int doTimers(final long nowNs)
    {
        // The rest of the cycle (timers, end-of-cycle flushes) runs at this later reading.
        clock.nanoTime(nowNs);
        return timers.poll(nowNs);
    }

    /**
     * Start of a duty cycle: the cycle's clock readings are taken afresh on first use. {@link #endOfCycle()} does
     * the same, so callers that always end their batches need not call this; the agent calls it because it reads
     * time between cycles ({@link #nextDeadlineNs()}) and may have idled since.
     */
    public void beginCycle()
    {
        clock.advance();
    }

    /**
     * The first event of a batch is about to be handled and the caller has just read the monotonic clock: the core
     * uses that reading as this cycle's time instead of reading the clock again.
     */
    void startBatch(final long nowNs)
    {
        clock.nanoTime(nowNs);
    }

    /**
     * End of a batch: resume snapshot and conflation work for congested sessions that drained, signal every edge
     * connection that got frames (once each), then complete deferred closes.
     */
    public void endOfCycle()
    {
        if (outbox.hasCongested())
        {
            outbox.resumeCongested(resumeCongested);
        }
        if (replays.activeCount() > 0)
        {
            replays.pump();
        }
        if (null != journal)
        {
            durableWork();
        }
        auth.poll(clock.nanoTime());
        outbox.signalReady();
        final long framesOut = metrics.framesOut();
        if (framesOut != framesOutAtLastCycle)
        {
            framesOutAtLastCycle = framesOut;
            memoryGuard.onFramesQueued(clock.nanoTime());
        }
        lifecycle.completeCloses();
        snapshots.endOfCycle();
        metrics.sessions(table.openCount());
        metrics.connections(table.connectionCount());
        metrics.subscriptions(index.size());
        metrics.params(store.size());
        clock.advance();
    }

    /**
     * The durable state's share of the duty cycle: held answers (released once durable; answered with ERROR 503 if the
     * journal failed), a snapshot slice, the journal's wake-up.
     */
    private void durableWork()
    {
        final long nowNs = clock.nanoTime();
        if (null != ackHold)
        {
            if (journaling.failed())
            {
                ackHold.failAll(replies, journal.failure());
            }
            else
            {
                ackHold.release(nowNs);
            }
        }
        snapshotTaker.doWork(store, nowNs, clock.epochMicros());
        journal.endOfCycle();
    }

    /**
     * @return when the core next has timed work (monotonic ns), or {@code Long.MAX_VALUE}.
     */
    public long nextDeadlineNs()
    {
        long next = timers.nextDeadlineNs();
        if (outbox.hasCongested())
        {
            next = Math.min(next, clock.source().nanoTime() + CONGESTED_RECHECK_NS);
        }
        if (null != snapshotTaker)
        {
            next = Math.min(next, snapshotTaker.nextDeadlineNs(clock.source().nanoTime()));
        }
        return next;
    }

    /**
     * @return whether work arrived from another thread than the inbound ring (a held ACK became durable, replay frames
     * are ready): the core must run another cycle before it sleeps.
     */
    boolean hasExternalWork()
    {
        return (null != ackHold && (ackHold.releasable() || (!ackHold.isEmpty() && journaling.failed()))) ||
            (replays.activeCount() > 0 && replays.hasFrames()) || auth.hasWork();
    }

    /**
     * Close every session with the given code (shutdown).
     */
    public void closeAll(final int closeCode, final String reason)
    {
        lifecycle.closeAll(closeCode, reason);
        metrics.sessions(table.openCount());
        metrics.connections(table.connectionCount());
    }

    /**
     * Free the store's off-heap memory. The core must not be used afterwards.
     */
    public void close()
    {
        store.close();
    }
}
