package to.clasp.core;

import java.util.ArrayDeque;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.HelloDecoder;
import to.clasp.security.AuthResult;
import to.clasp.security.Authenticator;
import to.clasp.security.Grant;

/**
 * Token auth on the core thread (#13, router-behaviour.md §6): the HELLO token check, the session's {@link Grant}
 * for the per-message scope checks, and the end of sessions whose token stops being valid.
 * <ul>
 *     <li><b>Where tokens are judged.</b> Table tokens (the tokens file, CPSK tokens) cost one SHA-256 and a hash
 *     lookup per source, well under a microsecond for a usual token: they are judged here, inline. A capability token
 *     costs Ed25519 verifications — about 0.6 ms each with the JDK's on a 2-vCPU machine, up to six for a five-link
 *     chain — so a storm of them on the core would stall every client: they go to the authenticator's own thread
 *     ({@link Authenticator#authenticateAsync}) and the verdict comes back through a queue this class drains once
 *     per duty cycle. Frames the client sends meanwhile are held (at most {@link #MAX_HELD_FRAMES} frames and
 *     {@link #MAX_HELD_BYTES} bytes, else the connection is closed) and handled in order after the verdict. At most
 *     {@link Authenticator#ASYNC_QUEUE} tokens wait at once; past that a HELLO gets {@code ERROR 503} and is closed.</li>
 *     <li><b>Refusals.</b> Missing, unknown or invalid token: {@code ERROR 300}; expired: {@code ERROR 302}; then the
 *     connection is closed (WebSocket 1008). A forbidden message gets {@code ERROR 301} with its address and the
 *     connection stays. Every refusal is counted ({@link AuthMetrics}); at most {@link #LOG_LINES_PER_SECOND} are
 *     logged per second, then one line says how many were left out. No log line, metric or error text carries a
 *     token.</li>
 *     <li><b>Tokens that stop being valid.</b> A session is closed with {@code ERROR 302} when its token expires (a
 *     core timer at the expiry), and with {@code ERROR 300} when the token is revoked or leaves the tokens file: the
 *     sources tell the authenticator, whose listener marks a re-check that the next duty cycle runs over the open
 *     sessions ({@link Authenticator#isCurrent}).</li>
 * </ul>
 * In open mode every session gets {@link Authenticator#OPEN}, whose scopes allow everything through two flags, so the
 * per-message checks cost a field read and a branch.
 */
final class SessionAuth
{
    static final int MAX_HELD_FRAMES = 64;
    static final int MAX_HELD_BYTES = 256 * 1024;
    static final int LOG_LINES_PER_SECOND = 10;
    static final String FORBIDDEN_WRITE = "forbidden: no write scope for this address";
    static final String FORBIDDEN_READ = ErrorDecoder.READ_REFUSAL + " for this address";
    static final String FORBIDDEN_PATTERN = ErrorDecoder.READ_REFUSAL + " covering this pattern";
    static final String TOKEN_EXPIRED = "token expired";
    static final String TOKEN_REVOKED = "token revoked";
    static final String BUSY = "authentication busy, retry later";
    /** WebSocket close code of a refused or invalidated session (policy violation). */
    static final int CLOSE_CODE = 1008;

    private static final Logger LOG = LoggerFactory.getLogger(SessionAuth.class);
    private static final long LOG_WINDOW_NS = 1_000_000_000L;

    /** A frame received while the session's token is being verified. */
    record HeldFrame(byte[] bytes, long receiveNanos)
    {
    }

    /** Where held frames go once the session is accepted: the core's normal frame path. */
    interface FrameSink
    {
        void onFrame(Session s, UnsafeBuffer buffer, int length, long receiveNanos);
    }

    private record Verdict(long connectionId, long seq, AuthResult result)
    {
    }

    private final Authenticator authenticator;
    private final SessionTable table;
    private final SessionLifecycle lifecycle;
    private final Replies replies;
    private final TimerQueue timers;
    private final CycleClock clock;
    private final AuthMetrics metrics;
    private final ManyToOneConcurrentArrayQueue<Verdict> verdicts =
        new ManyToOneConcurrentArrayQueue<>(Authenticator.ASYNC_QUEUE);
    private final int openSource;
    private FrameSink sink;
    private volatile Runnable waker = () -> { };
    private volatile boolean recheck;
    /** Tokens handed to the verification thread whose verdict has not been handled yet. */
    private int outstanding;
    private long logWindowStartNs;
    private int logLines;
    private long logSuppressed;

    SessionAuth(final Authenticator authenticator, final SessionTable table, final SessionLifecycle lifecycle,
        final Replies replies, final TimerQueue timers, final CycleClock clock, final AuthMetrics metrics)
    {
        this.authenticator = authenticator;
        this.table = table;
        this.lifecycle = lifecycle;
        this.replies = replies;
        this.timers = timers;
        this.clock = clock;
        this.metrics = metrics;
        this.openSource = metrics.sourceIndex(AuthMetrics.OPEN_SOURCE);
        authenticator.addChangeListener(() ->
        {
            recheck = true;
            waker.run();
        });
    }

    void sink(final FrameSink sink)
    {
        this.sink = sink;
    }

    /** Wakes the core when a verdict or a re-check waits (any thread). */
    void waker(final Runnable waker)
    {
        this.waker = waker;
    }

    /** A decodable HELLO (first, or a replacement on an open session): judge its token. */
    void onHello(final Session s, final HelloDecoder hello, final long nowNs)
    {
        if (!authenticator.enabled())
        {
            accept(s, Authenticator.OPEN, nowNs);
            return;
        }
        final String token = hello.tokenLength() > 0 ? hello.token() : null;
        final long nowMs = nowMs();
        if (!authenticator.isExpensive(token))
        {
            judged(s, authenticator.authenticate(token, nowMs), nowNs);
            return;
        }
        if (outstanding >= Authenticator.ASYNC_QUEUE)
        {
            busy(s, nowNs);
            return;
        }
        final long connectionId = s.connectionId;
        final long seq = ++s.authSeq;
        final boolean submitted = authenticator.authenticateAsync(token, nowMs, result ->
        {
            // Never full: at most ASYNC_QUEUE verdicts are outstanding.
            verdicts.offer(new Verdict(connectionId, seq, result));
            waker.run();
        });
        if (!submitted)
        {
            busy(s, nowNs);
            return;
        }
        outstanding++;
        s.authPending = true;
    }

    /**
     * A frame for a session whose token is being verified: keep it for after the verdict.
     *
     * @return false when the session holds too much already (it is then being closed).
     */
    void hold(final Session s, final DirectBuffer buffer, final int length, final long receiveNanos)
    {
        if (null == s.heldFrames)
        {
            s.heldFrames = new ArrayDeque<>(4);
        }
        if (s.heldFrames.size() >= MAX_HELD_FRAMES || s.heldBytes + length > MAX_HELD_BYTES)
        {
            s.heldFrames = null;
            s.heldBytes = 0;
            lifecycle.close(s, CLOSE_CODE, "too many frames before WELCOME");
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(0, copy);
        s.heldFrames.addLast(new HeldFrame(copy, receiveNanos));
        s.heldBytes += length;
    }

    /**
     * Once per duty cycle: verdicts from the verification thread, a re-check after tokens changed, the log summary.
     *
     * @return work done.
     */
    int poll(final long nowNs)
    {
        int work = 0;
        Verdict v;
        while (null != (v = verdicts.poll()))
        {
            outstanding--;
            work++;
            final Session s = table.byConnection(v.connectionId());
            if (null == s || s.isGone() || !s.authPending || s.authSeq != v.seq())
            {
                continue; // the connection closed, or sent another HELLO, meanwhile
            }
            s.authPending = false;
            AuthResult result = v.result();
            if (result.isAccepted() && !authenticator.isCurrent(result.grant(), nowMs()))
            {
                result = AuthResult.invalid(TOKEN_REVOKED); // revoked while it was being verified
            }
            judged(s, result, nowNs);
            releaseHeld(s);
        }
        if (recheck)
        {
            recheck = false;
            recheckSessions(nowNs);
            work++;
        }
        if (logSuppressed > 0 && nowNs - logWindowStartNs >= LOG_WINDOW_NS)
        {
            flushLogSummary(nowNs);
        }
        return work;
    }

    /** @return whether {@link #poll} has something to do now (so the core runs a cycle before it sleeps). */
    boolean hasWork()
    {
        return recheck || !verdicts.isEmpty();
    }

    /** A write (SET, PUBLISH, BUNDLE entry, ANNOUNCE entry) outside the session's write scopes: ERROR 301. */
    void forbiddenWrite(final Session s, final int qos, final long nowNs, final String what,
        final DirectBuffer address, final int offset, final int length)
    {
        metrics.failure(301);
        replies.refused(s, qos, nowNs, 301, FORBIDDEN_WRITE, address, offset, length);
        logForbidden(s, what, address, offset, length, nowNs);
    }

    /** A read (GET, SUBSCRIBE, REPLAY) outside the session's read scopes: ERROR 301, the connection stays. */
    void forbiddenRead(final Session s, final long nowNs, final String what, final String message,
        final DirectBuffer address, final int offset, final int length)
    {
        metrics.failure(301);
        replies.error(s, 301, message, address, offset, length);
        logForbidden(s, what, address, offset, length, nowNs);
    }

    private void judged(final Session s, final AuthResult result, final long nowNs)
    {
        if (result.isAccepted())
        {
            accept(s, result.grant(), nowNs);
            return;
        }
        final int code = result.errorCode();
        metrics.failure(code);
        if (shouldLog(nowNs))
        {
            LOG.warn("auth: HELLO refused for {} {} ({} {})", s.connection.transport(), s.connection.remoteAddress(),
                code, result.reason());
        }
        refuse(s, code, AuthResult.EXPIRED == code ? TOKEN_EXPIRED : "unauthorized: " + result.reason());
    }

    private void accept(final Session s, final Grant grant, final long nowNs)
    {
        final int source = grant == Authenticator.OPEN ? openSource : metrics.sourceIndex(grant.source());
        lifecycle.onHello(s, nowNs, grant, source);
        if (s.isOpen())
        {
            scheduleExpiry(s, grant, nowNs);
        }
    }

    private void busy(final Session s, final long nowNs)
    {
        metrics.busy();
        if (shouldLog(nowNs))
        {
            LOG.warn("auth: HELLO refused for {} {} (503: {} tokens already waiting for verification)",
                s.connection.transport(), s.connection.remoteAddress(), Authenticator.ASYNC_QUEUE);
        }
        replies.error(s, 503, BUSY);
        lifecycle.close(s, 1013, BUSY);
        s.heldFrames = null;
        s.heldBytes = 0;
    }

    private void refuse(final Session s, final int code, final String message)
    {
        replies.error(s, code, message);
        lifecycle.close(s, CLOSE_CODE, message.length() > 100 ? message.substring(0, 100) : message);
        s.heldFrames = null;
        s.heldBytes = 0;
    }

    /** Handle the frames held during the verification, in order, now that the session is accepted (or drop them). */
    private void releaseHeld(final Session s)
    {
        final ArrayDeque<HeldFrame> held = s.heldFrames;
        s.heldFrames = null;
        s.heldBytes = 0;
        if (null == held || s.isGone())
        {
            return;
        }
        for (final HeldFrame f : held)
        {
            if (s.isGone())
            {
                return;
            }
            if (s.authPending)
            {
                // A held HELLO started another verification: the rest waits for that one.
                hold(s, new UnsafeBuffer(f.bytes()), f.bytes().length, f.receiveNanos());
                continue;
            }
            sink.onFrame(s, new UnsafeBuffer(f.bytes()), f.bytes().length, f.receiveNanos());
        }
    }

    private void scheduleExpiry(final Session s, final Grant grant, final long nowNs)
    {
        if (Grant.NEVER == grant.expiresAtEpochMs())
        {
            if (null != s.expiryTimer)
            {
                timers.cancel(s.expiryTimer);
            }
            return;
        }
        if (null == s.expiryTimer)
        {
            s.expiryTimer = new ExpiryTimer(s);
        }
        timers.schedule(s.expiryTimer, nowNs + untilNs(grant.expiresAtEpochMs() - nowMs()));
    }

    private static long untilNs(final long ms)
    {
        return Math.max(0, Math.min(ms, Long.MAX_VALUE / 2_000_000L)) * 1_000_000L;
    }

    private void recheckSessions(final long nowNs)
    {
        final long nowMs = nowMs();
        for (final Session s : table.all())
        {
            if (s.isOpen() && null != s.grant && !authenticator.isCurrent(s.grant, nowMs))
            {
                invalidate(s, s.grant.isExpired(nowMs), nowNs);
            }
        }
    }

    /** An open session's token stopped being valid: ERROR 302 (expired) or 300 (revoked, removed), then close. */
    private void invalidate(final Session s, final boolean expired, final long nowNs)
    {
        metrics.invalidated();
        if (shouldLog(nowNs))
        {
            LOG.warn("auth: session {} closed ({} {}): {}", s.id, s.connection.transport(),
                s.connection.remoteAddress(), expired ? TOKEN_EXPIRED : TOKEN_REVOKED);
        }
        refuse(s, expired ? AuthResult.EXPIRED : AuthResult.UNAUTHORIZED, expired ? TOKEN_EXPIRED : TOKEN_REVOKED);
    }

    private void logForbidden(final Session s, final String what, final DirectBuffer address, final int offset,
        final int length, final long nowNs)
    {
        if (shouldLog(nowNs))
        {
            LOG.warn("auth: {} {} refused for session {} ({} {}): 301 forbidden by scope", what,
                address.getStringWithoutLengthUtf8(offset, length), s.id, s.connection.transport(),
                s.connection.remoteAddress());
        }
    }

    /** At most {@link #LOG_LINES_PER_SECOND} auth lines per second; the rest are counted and summed up once. */
    private boolean shouldLog(final long nowNs)
    {
        if (nowNs - logWindowStartNs >= LOG_WINDOW_NS)
        {
            flushLogSummary(nowNs);
        }
        if (logLines < LOG_LINES_PER_SECOND)
        {
            logLines++;
            return true;
        }
        logSuppressed++;
        metrics.logSuppressed(1);
        return false;
    }

    private void flushLogSummary(final long nowNs)
    {
        if (logSuppressed > 0)
        {
            LOG.warn("auth: {} more auth failure(s) not logged (at most {} lines per second)", logSuppressed,
                LOG_LINES_PER_SECOND);
        }
        logSuppressed = 0;
        logLines = 0;
        logWindowStartNs = nowNs;
    }

    private long nowMs()
    {
        return clock.epochMicros() / 1000;
    }

    /** Closes its session when the session's token expires. */
    private final class ExpiryTimer extends CoreTimer
    {
        private final Session session;

        ExpiryTimer(final Session session)
        {
            this.session = session;
        }

        void onTimer(final long nowNs)
        {
            final Session s = session;
            if (!s.isOpen() || null == s.grant || Grant.NEVER == s.grant.expiresAtEpochMs())
            {
                return;
            }
            final long leftMs = s.grant.expiresAtEpochMs() - nowMs();
            if (leftMs > 0)
            {
                // The wall clock and the monotonic clock drifted apart: wait for the rest.
                timers.schedule(this, nowNs + untilNs(leftMs));
                return;
            }
            invalidate(s, true, nowNs);
        }
    }
}
