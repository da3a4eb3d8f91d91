package to.clasp.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.OutboundQueue;

/**
 * One connection's state on the core thread: handshake stage, session id, activity, rate-limit bucket, slow-consumer
 * state and pending snapshot work. Only the core thread touches it.
 */
final class Session
{
    static final int AWAITING_HELLO = 0;
    static final int OPEN = 1;
    /** Decided to close (e.g. slow consumer); torn down at the end of the current batch. Receives nothing. */
    static final int CLOSING = 2;
    static final int CLOSED = 3;

    /** Session ids are UUID v4 strings: 36 ASCII bytes. */
    static final int ID_LENGTH = 36;

    final long connectionId;
    final EdgeConnection connection;
    final OutboundQueue queue;
    final int index;
    final UnsafeBuffer idBytes = new UnsafeBuffer(new byte[ID_LENGTH]);
    final SessionTimer timer;

    int state = AWAITING_HELLO;
    boolean countedOpen;
    String id;
    long idMsb;
    long idLsb;
    long lastInboundNs;
    boolean idleProbeSent;

    // For the inspector (StatsSampler): the client's HELLO name and its inbound frame count.
    String clientName;
    long messagesIn;
    long messagesInSampled;

    // Rate limit (token bucket, tokens scaled by 1e9 to stay integral).
    long rateTokens;
    long rateRefillNs;
    long lastRateErrorNs;
    boolean rateErrorSent;

    // Refused QoS 0 writes: at most one ERROR per second reports them (Replies.refused).
    boolean refusedReported;
    long lastRefusedErrorNs;
    long refusedUnreported;

    /** Journal position of this session's last answer held in the AckHold (answers above its release are held). */
    long lastHeldPosition = Long.MIN_VALUE;

    // Snapshot byte budget (SnapshotSender): tokens in bytes, refilled with time.
    long snapshotTokens;
    long snapshotRefillNs;

    /** Outbound signalling and slow-consumer state: {@link Outbox}'s alone. */
    final Outbox.State outbound = new Outbox.State();
    int closeCode;
    String closeReason;
    final ArrayDeque<SnapshotSender.Job> snapshotJobs = new ArrayDeque<>(2);

    // Token auth (#13). Open mode: the open grant, whose scopes allow everything by two flags.
    /** What the session's token grants; null until a HELLO is accepted. */
    to.clasp.security.Grant grant;
    /** {@code grant.scopes()}, the per-message checks. */
    to.clasp.security.ScopeSet scopes = to.clasp.security.ScopeSet.NONE;
    /** Index of the grant's source in {@link AuthMetrics#sourceNames()}, -1 while none is counted. */
    int authSource = -1;
    /** A HELLO's token is being verified off the core: frames are held until the verdict. */
    boolean authPending;
    /** Which HELLO of this connection a verdict answers. */
    long authSeq;
    /** Frames received while {@link #authPending} (bounded; null when none). */
    ArrayDeque<SessionAuth.HeldFrame> heldFrames;
    int heldBytes;
    /** Closes the session when its token expires (null for tokens that never expire). */
    CoreTimer expiryTimer;

    /** How many of this session's subscriptions carry maxRate/epsilon options (0 = the fast path). */
    int filteredSubscriptions;
    /** Subscription handles of this session that carry a filter, for teardown. */
    final org.agrona.collections.IntArrayList filterHandles = new org.agrona.collections.IntArrayList(0, -1);

    Session(final long connectionId, final EdgeConnection connection, final OutboundQueue queue, final int index,
        final SessionTimer timer)
    {
        this.connectionId = connectionId;
        this.connection = connection;
        this.queue = queue;
        this.index = index;
        this.timer = timer;
    }

    void assignId(final java.util.UUID uuid)
    {
        id = uuid.toString();
        idMsb = uuid.getMostSignificantBits();
        idLsb = uuid.getLeastSignificantBits();
        idBytes.putBytes(0, id.getBytes(StandardCharsets.US_ASCII));
    }

    boolean isOpen()
    {
        return OPEN == state;
    }

    boolean isGone()
    {
        return state >= CLOSING;
    }

    /**
     * The session's single timer: HELLO deadline while awaiting HELLO, then the idle check.
     */
    abstract static class SessionTimer extends CoreTimer
    {
        Session session;
    }
}
