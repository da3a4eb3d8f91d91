package to.clasp.edge;

import org.agrona.DirectBuffer;

/**
 * The core's inbound side, used by transports from their own I/O threads. All methods are thread-safe: they
 * claim a slot in the core's multi-producer inbound ring, copy the data in, and publish.
 * <p>
 * When the inbound ring is full the calling I/O thread waits: that is the back-pressure a transport feels.
 */
public interface InboundPort
{
    /**
     * Register a new connection. The core creates the session state on its own thread; the returned queue is
     * usable immediately by the transport (it will be empty until the core answers the client's HELLO).
     *
     * @param connection the transport's handle for this connection.
     * @return the queue the transport drains and writes to the socket; its {@link OutboundQueue#connectionId()}
     *         identifies the connection in later calls.
     */
    OutboundQueue connect(EdgeConnection connection);

    /**
     * Hand one received message (exactly one CLASP frame, header included) to the core. The bytes are copied
     * before this returns.
     *
     * @return {@code false} when {@code length} exceeds {@link #maxFrameLength()} (nothing was queued; the
     *         transport should close the connection, WebSocket code 1009), or when the connection id is not
     *         known or the router is shutting down.
     */
    boolean onFrame(long connectionId, DirectBuffer buffer, int offset, int length);

    /**
     * The connection closed (by the peer, by an error, or after {@link EdgeConnection#close}). The core removes
     * the session, its subscriptions and its locks. Safe to call more than once.
     */
    void disconnect(long connectionId);

    /**
     * @return the largest frame {@link #onFrame} accepts, in bytes.
     */
    int maxFrameLength();
}
