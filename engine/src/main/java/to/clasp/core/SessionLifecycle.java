package to.clasp.core;

import java.util.ArrayList;
import java.util.UUID;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.SubscriptionIndex;
import to.clasp.edge.EdgeConnection;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.WelcomeEncoder;
import to.clasp.state.ParamStore;

/**
 * Connection and session lifecycle on the core thread: connect, HELLO (and a replacing second HELLO), the HELLO
 * timeout, the idle probe, forced closes (deferred to the end of the batch so no fan-out loop sees a session
 * vanish under it) and teardown (subscriptions, filters, gestures, locks).
 */
final class SessionLifecycle
{
    private final Router.Context ctx;
    private final SessionTable table;
    private final TimerQueue timers;
    private final Outbox outbox;
    private final Replies replies;
    private final SnapshotSender snapshots;
    private final SubscriptionIndex subscriptions;
    private final SubscriptionFilters filters;
    private final GestureCoalescer gestures;
    private final ParamStore store;
    private final RateLimiter rateLimiter;
    private final RouterMetrics metrics;
    private final AuthMetrics authMetrics;
    private final RouterClock clock;
    private final UnsafeBuffer nameBytes;
    private final ArrayList<Session> closing = new ArrayList<>();

    SessionLifecycle(final Router.Context ctx, final SessionTable table, final TimerQueue timers, final Outbox outbox,
        final Replies replies, final SnapshotSender snapshots, final SubscriptionIndex subscriptions,
        final SubscriptionFilters filters, final GestureCoalescer gestures, final ParamStore store,
        final RateLimiter rateLimiter, final RouterMetrics metrics, final AuthMetrics authMetrics)
    {
        this.ctx = ctx;
        this.table = table;
        this.timers = timers;
        this.outbox = outbox;
        this.replies = replies;
        this.snapshots = snapshots;
        this.subscriptions = subscriptions;
        this.filters = filters;
        this.gestures = gestures;
        this.store = store;
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
        this.authMetrics = authMetrics;
        this.clock = ctx.clock();
        this.nameBytes = new UnsafeBuffer(ctx.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        outbox.slowConsumerHandler(this::onHardLimit);
    }

    void onConnect(final long connectionId, final EdgeConnection connection, final OutboundQueue queue,
        final long nowNs)
    {
        if (null != table.byConnection(connectionId))
        {
            return;
        }
        final SessionTimerImpl timer = new SessionTimerImpl();
        final Session s = new Session(connectionId, connection, queue, table.allocateIndex(), timer);
        timer.session = s;
        s.lastInboundNs = nowNs;
        table.add(s);
        timers.schedule(timer, nowNs + ctx.helloTimeoutNs());
    }

    /**
     * A HELLO was accepted (first, or a replacement on an open session) with what its token grants.
     *
     * @param authSource the grant's source in {@link AuthMetrics#sourceNames()}.
     */
    void onHello(final Session s, final long nowNs, final to.clasp.security.Grant grant, final int authSource)
    {
        if (Session.OPEN == s.state)
        {
            // [better] Replace the session cleanly: the reference leaks the old one.
            releaseSessionState(s);
            table.forgetId(s);
            metrics.sessionClosed();
            forgetGrant(s);
        }
        else if (ctx.maxSessions() > 0 && table.openCount() >= ctx.maxSessions())
        {
            replies.error(s, 503, Replies.ROUTER_FULL);
            close(s, 1013, Replies.ROUTER_FULL);
            return;
        }

        s.assignId(UUID.randomUUID());
        table.opened(s);
        metrics.sessionOpened();
        s.grant = grant;
        s.scopes = grant.scopes();
        s.authSource = authSource;
        authMetrics.sessionOpened(authSource);
        rateLimiter.init(s, nowNs);
        s.idleProbeSent = false;
        s.lastInboundNs = nowNs;

        final UnsafeBuffer scratch = replies.scratch();
        final int length = WelcomeEncoder.encode(scratch, 0, WelcomeEncoder.VERSION,
            WelcomeEncoder.DEFAULT_FEATURES, clock.epochMicros(), s.idBytes, 0, Session.ID_LENGTH,
            nameBytes, 0, nameBytes.capacity(), null, 0, 0);
        replies.send(s, length);
        if (s.connection.wantsStateOnHello())
        {
            snapshots.start(s, null, true);
        }

        if (ctx.idleTimeoutNs() > 0)
        {
            timers.schedule(s.timer, nowNs + ctx.idleTimeoutNs());
        }
        else
        {
            timers.cancel(s.timer);
        }
    }

    /** Any inbound frame counts as activity (PONG included). */
    void onInbound(final Session s, final long nowNs)
    {
        s.lastInboundNs = nowNs;
        s.idleProbeSent = false;
        s.messagesIn++;
    }

    /**
     * Close a session from the core: nothing more is queued to it; the edge is told at the end of the batch, after
     * it was signalled to flush what is queued.
     */
    void close(final Session s, final int closeCode, final String reason)
    {
        if (s.isGone())
        {
            return;
        }
        s.state = Session.CLOSING;
        s.closeCode = closeCode;
        s.closeReason = reason;
        closing.add(s);
    }

    /** The edge reports the connection gone. */
    void onDisconnect(final long connectionId)
    {
        final Session s = table.byConnection(connectionId);
        if (null != s)
        {
            if (Session.CLOSING == s.state)
            {
                closing.remove(s);
            }
            teardown(s);
        }
    }

    /** Finish deferred closes: release state, then tell the edge. */
    void completeCloses()
    {
        for (int i = 0; i < closing.size(); i++)
        {
            final Session s = closing.get(i);
            teardown(s);
            s.connection.close(s.closeCode, s.closeReason);
        }
        closing.clear();
    }

    void closeAll(final int closeCode, final String reason)
    {
        for (final Session s : table.all())
        {
            close(s, closeCode, reason);
        }
        outbox.signalReady();
        completeCloses();
    }

    private void onHardLimit(final Session s)
    {
        metrics.slowConsumerDisconnect();
        cutSlowConsumer(s, "slow consumer");
    }

    /** A slow consumer is cut: a last {@code ERROR 503} (into the queue's reserve), then close 1008. */
    void cutSlowConsumer(final Session s, final String reason)
    {
        replies.finalError(s, 503, Replies.OVERFLOW);
        close(s, 1008, reason);
    }

    private void teardown(final Session s)
    {
        final boolean wasOpen = s.countedOpen;
        releaseSessionState(s);
        forgetGrant(s);
        s.heldFrames = null;
        s.authPending = false;
        timers.cancel(s.timer);
        table.remove(s);
        if (wasOpen)
        {
            metrics.sessionClosed();
        }
    }

    /** The session's grant is no longer counted (closed or replaced); its expiry timer stops. */
    private void forgetGrant(final Session s)
    {
        if (s.authSource >= 0)
        {
            authMetrics.sessionClosed(s.authSource);
            s.authSource = -1;
        }
        if (null != s.expiryTimer)
        {
            timers.cancel(s.expiryTimer);
        }
    }

    private void releaseSessionState(final Session s)
    {
        final org.agrona.collections.IntArrayList handles = s.filterHandles;
        for (int i = 0, n = handles.size(); i < n; i++)
        {
            filters.clear(handles.getInt(i));
        }
        handles.clear();
        s.filteredSubscriptions = 0;
        subscriptions.removeSession(s.index);
        store.releaseLocks(s.index);
        gestures.removeSession(s.index);
        s.snapshotJobs.clear();
        outbox.forget(s);
    }

    /** HELLO deadline, then the idle check, for one session. */
    private final class SessionTimerImpl extends Session.SessionTimer
    {
        void onTimer(final long nowNs)
        {
            final Session s = session;
            if (Session.AWAITING_HELLO == s.state)
            {
                metrics.helloTimeout();
                close(s, 1008, "no HELLO");
                return;
            }
            if (Session.OPEN != s.state || 0 == ctx.idleTimeoutNs())
            {
                return;
            }
            final long silentNs = nowNs - s.lastInboundNs;
            if (s.idleProbeSent)
            {
                // The probe went out idleTimeout after the last inbound frame; anything since then reset the flag.
                metrics.idleClose();
                close(s, 1001, "idle timeout");
            }
            else if (silentNs >= ctx.idleTimeoutNs())
            {
                replies.ping(s);
                s.idleProbeSent = true;
                timers.schedule(this, nowNs + ctx.idleGraceNs());
            }
            else
            {
                timers.schedule(this, s.lastInboundNs + ctx.idleTimeoutNs());
            }
        }
    }
}
