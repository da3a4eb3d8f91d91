package to.clasp.core;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.journal.JournalWriter;
import to.clasp.protocol.AckEncoder;
import to.clasp.protocol.ErrorEncoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.PingEncoder;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.Qos;

/**
 * Unicast answers to one session (ERROR, ACK, PONG, PING probe), encoded into the core's reply scratch buffer and
 * queued as control frames. Error texts are the router-behaviour.md ones.
 */
final class Replies
{
    static final String MALFORMED = "malformed message";
    static final String INVALID_ADDRESS = "invalid address";
    static final String NOT_FOUND = "not found";
    static final String INVALID_PATTERN = "invalid pattern";
    static final String LOCK_HELD = "lock held";
    static final String STATE_FULL = "state full";
    static final String ROUTER_FULL = "router full";
    static final String RATE_LIMITED = "rate limit exceeded";
    static final String SUBSCRIPTION_LIMIT = "subscription limit reached";
    static final String P2P_UNKNOWN = "p2p target not found";
    static final String NO_JOURNAL = "replay not available: no journal";
    static final String OVERFLOW = "outbound buffer overflow";

    /** At most one ERROR per this interval for refused QoS 0 writes, per session. */
    static final long REFUSED_REPORT_INTERVAL_NS = 1_000_000_000L;

    static final String JOURNAL_BUSY = "journal busy: the disk is behind, write refused";

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer text = new UnsafeBuffer(new byte[1024]);
    private final Outbox outbox;
    private final RouterMetrics metrics;
    // With a journal under --fsync always|batch: answers to writes wait for their records (null otherwise).
    private AckHold hold;
    private JournalWriter journal;

    Replies(final Outbox outbox, final RouterMetrics metrics)
    {
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /**
     * Hold answers to QoS ≥ 1 writes until the journal has their records on disk ({@code --fsync always|batch}).
     */
    void holdAnswers(final AckHold hold, final JournalWriter journal)
    {
        this.hold = hold;
        this.journal = journal;
    }

    /**
     * ERROR with an optional address taken from a buffer (zero-copy).
     */
    void error(final Session s, final int code, final String message, final DirectBuffer address,
        final int addressOffset, final int addressLength)
    {
        final int length = encodeError(code, message, address, addressOffset, addressLength);
        if (length > 0)
        {
            outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
        }
    }

    private int encodeError(final int code, final String message, final DirectBuffer address,
        final int addressOffset, final int addressLength)
    {
        final int textLength = putText(message);
        final int length = ErrorEncoder.encode(scratch, 0, Qos.FIRE, code, text, 0, textLength,
            address, addressOffset, addressLength, false, 0);
        if (length > 0)
        {
            metrics.error(code);
        }
        return length;
    }

    /**
     * Send the answer to a QoS ≥ 1 write now in {@link #scratch}: held until the journal has the write's record on
     * disk when the write appended one (or while an earlier answer to the session is held, to keep the session's
     * answers in order); at once otherwise.
     */
    private void answerWrite(final Session s, final int length, final boolean journaled, final long nowNs)
    {
        if (length <= 0)
        {
            return;
        }
        if (null != hold && (journaled || hold.holdsFor(s)) &&
            hold.hold(s, journal.position(), scratch, 0, length, nowNs))
        {
            return;
        }
        outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
    }

    /**
     * A refused write (SET, PUBLISH, BUNDLE). At QoS ≥ 1 the client waits for an answer: every refusal gets its
     * ERROR. At QoS 0 every refusal is counted, and at most one ERROR per second per session reports them, naming how
     * many were refused since the previous one: a client writing fast into a full store must not be cut off as a slow
     * consumer by the router's own errors.
     */
    void refused(final Session s, final int qos, final long nowNs, final int code, final String message,
        final DirectBuffer address, final int addressOffset, final int addressLength)
    {
        metrics.refusedWrite();
        if (qos >= Qos.CONFIRM)
        {
            answerWrite(s, encodeError(code, message, address, addressOffset, addressLength), false, nowNs);
            return;
        }
        if (s.refusedReported && nowNs - s.lastRefusedErrorNs < REFUSED_REPORT_INTERVAL_NS)
        {
            s.refusedUnreported++;
            return;
        }
        final long unreported = s.refusedUnreported;
        s.refusedReported = true;
        s.lastRefusedErrorNs = nowNs;
        s.refusedUnreported = 0;
        error(s, code, 0 == unreported ? message : message + " (" + unreported + " more QoS 0 write(s) refused " +
            "since the previous error)", address, addressOffset, addressLength);
    }

    void error(final Session s, final int code, final String message)
    {
        error(s, code, message, null, 0, 0);
    }

    /**
     * ERROR with a String address (allocating; for rare paths such as invalid patterns).
     */
    void error(final Session s, final int code, final String message, final String address)
    {
        if (null == address)
        {
            error(s, code, message);
            return;
        }
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        error(s, code, message, new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * The last frame before a forced close: may use the queue's reserve above the hard limit.
     */
    void finalError(final Session s, final int code, final String message)
    {
        final int length = encodeError(code, message, null, 0, 0);
        if (length > 0)
        {
            outbox.sendFinal(s, scratch, 0, length);
        }
    }

    /** ACK{address, revision} of an accepted SET (held until durable when the SET was journaled). */
    void setAck(final Session s, final DirectBuffer address, final int addressOffset, final int addressLength,
        final long revision, final boolean journaled, final long nowNs)
    {
        answerWrite(s, AckEncoder.setAck(scratch, 0, address, addressOffset, addressLength, revision), journaled,
            nowNs);
    }

    /** ACK of an applied BUNDLE: the revision of its last SET, if any (held until durable when it was journaled). */
    void bundleAck(final Session s, final boolean hasRevision, final long revision, final boolean journaled,
        final long nowNs)
    {
        answerWrite(s, AckEncoder.encode(scratch, 0, Qos.FIRE, null, 0, 0, hasRevision, revision, false, false,
            null, 0, 0, false, 0), journaled, nowNs);
    }

    void ack(final Session s, final DirectBuffer address, final int addressOffset, final int addressLength,
        final boolean hasRevision, final long revision)
    {
        final int length = AckEncoder.encode(scratch, 0, Qos.FIRE, address, addressOffset, addressLength,
            hasRevision, revision, false, false, null, 0, 0, false, 0);
        outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
    }

    void pong(final Session s)
    {
        final int length = PongEncoder.encode(scratch, 0);
        outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
    }

    void ping(final Session s)
    {
        final int length = PingEncoder.encode(scratch, 0);
        outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
    }

    /** Scratch space for other unicast encoders (WELCOME, SYNC, RESULT); valid until the next reply. */
    UnsafeBuffer scratch()
    {
        return scratch;
    }

    void send(final Session s, final int length)
    {
        if (length > 0)
        {
            outbox.send(s, scratch, 0, length, Outbox.CLASS_CONTROL, -1);
        }
    }

    private int putText(final String message)
    {
        // Error texts are ASCII constants or short formatted numbers: no UTF-8 encoder needed on this path.
        final int n = Math.min(message.length(), text.capacity());
        for (int i = 0; i < n; i++)
        {
            text.putByte(i, (byte)message.charAt(i));
        }
        return n;
    }
}
