package to.clasp.transport.aeron;

import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.OutboundQueue;

/**
 * One client session of the Aeron edge: the client's publication (an image on the edge's subscription, identified
 * by its Aeron session id) inbound, and an {@link ExclusivePublication} to the client's response channel outbound.
 * <p>
 * Threads: {@link #outboundReady()} and {@link #close(int, String)} are called by the router's core thread and only
 * set flags and wake the edge; everything else runs on the edge's agent thread, the only thread that offers to the
 * publication. A blocked publication therefore never stalls the core: the edge stops draining this session's
 * {@link OutboundQueue}, keeps the one batch it could not send, and retries on its next duty cycles; meanwhile the
 * queue grows and the core's slow-consumer policy (conflation, stream dropping, disconnect at the hard limit)
 * applies exactly as on WebSocket.
 */
final class AeronSession implements EdgeConnection
{
    enum State
    {
        /** Connect received; the response publication is being added or is not yet connected. */
        CONNECTING,
        /** Connected to the core; frames flow both ways. */
        ACTIVE,
        /** The core asked to close: drain what is queued, send Disconnect, then finish. */
        CLOSING,
        /** Finished: the core was told, the publication released. Messages from the image are ignored. */
        CLOSED
    }

    final int imageSessionId;
    final String responseChannel;
    final int responseStreamId;
    final String clientName;
    final String remote;
    private final AeronEdgeAgent agent;
    final AtomicBoolean readySignalled = new AtomicBoolean();

    State state = State.CONNECTING;
    long publicationRegistrationId;
    ExclusivePublication publication;
    OutboundQueue queue;
    long connectionId = -1;
    long lastInboundNs;
    long lastOutboundNs;
    long deadlineNs;
    long notConnectedSinceNs;
    boolean inBacklog;

    private volatile int closeCode;
    private volatile String closeReason;

    /** A batch that could not be offered, kept byte-for-byte for the retry; allocated on first back-pressure. */
    private UnsafeBuffer pending;
    private int pendingLength;

    AeronSession(
        final AeronEdgeAgent agent,
        final int imageSessionId,
        final String responseChannel,
        final int responseStreamId,
        final String clientName,
        final String remote)
    {
        this.agent = agent;
        this.imageSessionId = imageSessionId;
        this.responseChannel = responseChannel;
        this.responseStreamId = responseStreamId;
        this.clientName = clientName;
        this.remote = remote;
    }

    // ---- EdgeConnection: core thread ----

    public void outboundReady()
    {
        if (!readySignalled.get() && readySignalled.compareAndSet(false, true))
        {
            agent.signal(this);
        }
    }

    public void close(final int closeCode, final String reason)
    {
        this.closeReason = reason;
        this.closeCode = closeCode;
        readySignalled.set(true);
        agent.signal(this);
    }

    public String remoteAddress()
    {
        return remote;
    }

    public String transport()
    {
        return "aeron";
    }

    // ---- edge agent thread ----

    int requestedCloseCode()
    {
        return closeCode;
    }

    String requestedCloseReason()
    {
        return closeReason;
    }

    /** Close requested by the edge itself (shutdown), handled like a close from the core. */
    void requestClose(final int code, final String reason)
    {
        if (0 == closeCode)
        {
            closeReason = reason;
            closeCode = code;
        }
    }

    boolean hasPending()
    {
        return pendingLength > 0;
    }

    /**
     * Offer the batch kept from an earlier attempt.
     *
     * @return the publication's result (positive = sent).
     */
    long offerPending()
    {
        final long result = publication.offer(pending, 0, pendingLength);
        if (result > 0)
        {
            pendingLength = 0;
        }
        return result;
    }

    /** Keep a batch that the publication refused, for {@link #offerPending()}. */
    void keep(final UnsafeBuffer buffer, final int length)
    {
        if (null == pending || pending.capacity() < length)
        {
            pending = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                Math.max(length, 4096), 64));
        }
        pending.putBytes(0, buffer, 0, length);
        pendingLength = length;
    }

    /** @return true when {@code result} means "try again later" rather than "this publication is finished". */
    static boolean isTransient(final long result)
    {
        return Publication.BACK_PRESSURED == result || Publication.NOT_CONNECTED == result ||
            Publication.ADMIN_ACTION == result;
    }

    public String toString()
    {
        return "aeron#" + connectionId + "(session " + imageSessionId + ")@" + remote;
    }
}
