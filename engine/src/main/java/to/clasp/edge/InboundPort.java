package to.clasp.edge;

import org.agrona.DirectBuffer;

/**
 * The core's inbound side, used by transports from their own I/O threads. All methods are thread-safe: they
 * claim a slot in the core's multi-producer inbound ring, copy the data in, and publish.
 *
 * <h2>Back-pressure: the contract every transport follows</h2>
 * The ring is bounded. A full ring is an answer, never a reason to park a thread that the core needs (Agrona's
 * {@code ManyToOneRingBuffer.tryClaim} returning false is the model):
 * <ul>
 *     <li><b>Read with {@link #offer}.</b> It never waits for another thread. On the thread that hosts the core
 *     ({@code --core-thread shared} or {@code aeron}) a full ring makes it run core duty cycles itself until there is
 *     room, so the host never sees {@link #BACK_PRESSURED}. On any other thread it answers {@link #BACK_PRESSURED}
 *     at once: nothing was queued; keep the frame and offer it again later.</li>
 *     <li><b>Stop reading while {@link #isBackPressured()}.</b> A transport checks it after each offer (one volatile
 *     read) and, when it is true, stops reading the connection (TCP: Netty auto-read off, so the kernel's windows
 *     push back on the sender; Aeron: stop polling the subscription, so Aeron's flow control pushes back; UDP
 *     without flow control: drop and count), then registers {@link #whenDrained} to resume. Resuming at a lower mark
 *     than stopping gives hysteresis. Writes must keep flowing while reading is paused.</li>
 *     <li><b>{@link #onFrame} waits with a bound.</b> For callers that are not I/O loops (an embedding
 *     application's thread, the in-process edge): it offers and, while back-pressured, waits for room at most
 *     {@link #producerWaitTimeoutNs()}; then it gives up and returns {@code false}.</li>
 *     <li>{@link #connect} and {@link #disconnect} always get through: the ring keeps a reserve of slots that
 *     frames may not use, so they wait only if thousands of connections open or close in one instant.</li>
 *     <li><b>Control before data.</b> A connection's first frames, while they are control frames, may go through
 *     {@link #offerControl}: a control lane the core empties before it takes the next data frame, so a new client's
 *     HELLO, SUBSCRIBE and PING are answered within a duty cycle however deep the flood of others' frames is. Such a
 *     connection is never paused for the ring.</li>
 *     <li>The core thread itself never calls this port (it would wait for itself), and no callback from the core
 *     ({@link EdgeConnection}, {@link #whenDrained}) may block.</li>
 * </ul>
 */
public interface InboundPort
{
    /** {@link #offer}: the frame is in the ring. */
    int OFFERED = 0;
    /** {@link #offer}: the ring is full; nothing was queued. Offer the same frame again after {@link #whenDrained}. */
    int BACK_PRESSURED = 1;
    /**
     * {@link #offer}: refused for good: longer than {@link #maxFrameLength()} (close with WebSocket code 1009), an
     * unknown connection, or the router is shutting down. Close the connection.
     */
    int REFUSED = 2;
    /**
     * {@link #offerControl}: not taken ahead of the data (not a control frame, or the control lane is full): offer
     * it with {@link #offer}, and every later frame of the connection too.
     */
    int NOT_TAKEN = 3;

    /**
     * Register a new connection, ahead of the data frames waiting in the ring (as {@link #offerControl}). The core
     * creates the session state on its own thread; the returned queue is usable immediately by the transport (it
     * will be empty until the core answers the client's HELLO).
     *
     * @param connection the transport's handle for this connection.
     * @return the queue the transport drains and writes to the socket; its {@link OutboundQueue#connectionId()}
     *         identifies the connection in later calls.
     */
    OutboundQueue connect(EdgeConnection connection);

    /**
     * Hand one received message (exactly one CLASP frame, header included) to the core without waiting for another
     * thread. The bytes are copied before this returns.
     *
     * @return {@link #OFFERED}, {@link #BACK_PRESSURED} or {@link #REFUSED}.
     */
    int offer(long connectionId, DirectBuffer buffer, int offset, int length);

    /**
     * {@link #offer(long, DirectBuffer, int, int)} for a transport that writes the frame into place itself: once
     * there is room, {@code writer} is called (on this thread, before this returns) to write exactly {@code length}
     * bytes where the core will read them — the router's port hands it the ring slot, so a decoder can copy (and
     * unmask) a message out of its socket buffer without staging it anywhere. Not called when the answer is
     * {@link #BACK_PRESSURED} or {@link #REFUSED}.
     * <p>
     * This default stages the frame in a new buffer and offers that (ports for tests and embedding); the router's
     * port overrides it.
     *
     * @return {@link #OFFERED}, {@link #BACK_PRESSURED} or {@link #REFUSED}.
     */
    default int offer(long connectionId, int length, FrameWriter writer)
    {
        if (length < 0 || length > maxFrameLength())
        {
            return REFUSED;
        }
        final org.agrona.concurrent.UnsafeBuffer staged = new org.agrona.concurrent.UnsafeBuffer(new byte[length]);
        writer.writeFrame(staged, 0, length);
        return offer(connectionId, staged, 0, length);
    }

    /**
     * Hand a control frame (HELLO, SUBSCRIBE, UNSUBSCRIBE, PING) to the core ahead of the data frames already waiting
     * in the ring: a new client's handshake must not queue behind other clients' flood. Only for a connection none of
     * whose frames went through {@link #offer} yet — the caller keeps that promise, so the connection's own order
     * holds: its frames go this way until the first answer {@link #NOT_TAKEN}, then all through {@link #offer}.
     * Never waits; the control lane is small and bounded, so it can never be a way around back-pressure.
     * <p>
     * This default takes nothing ahead (ports for tests and embedding).
     *
     * @return {@link #OFFERED}, {@link #REFUSED} (as for {@link #offer}) or {@link #NOT_TAKEN}.
     */
    default int offerControl(long connectionId, DirectBuffer buffer, int offset, int length)
    {
        return NOT_TAKEN;
    }

    /**
     * {@link #offer}, waiting for room while back-pressured, at most {@link #producerWaitTimeoutNs()}. For threads
     * that may wait (not an I/O loop that serves other connections).
     *
     * @return {@code true} when the frame is in the ring; {@code false} when it was refused (see {@link #REFUSED}) or
     *         the ring stayed full for the whole wait (the core is stalled: close the connection with 1013).
     */
    boolean onFrame(long connectionId, DirectBuffer buffer, int offset, int length);

    /**
     * The connection closed (by the peer, by an error, or after {@link EdgeConnection#close}). The core removes
     * the session, its subscriptions and its locks. Safe to call more than once.
     */
    void disconnect(long connectionId);

    /**
     * @return the largest frame {@link #offer} accepts, in bytes.
     */
    int maxFrameLength();

    /**
     * @return {@code true} while the ring holds more unprocessed events than its high-water mark: transports stop
     *         reading the connections they offer for, until {@link #whenDrained}.
     */
    boolean isBackPressured();

    /**
     * Run {@code callback} once, as soon as the ring holds no more than its low-water mark (at once, on this
     * thread, when it already does). It usually runs on the core's thread at the end of a duty cycle, so it must
     * only hand work to the transport's own thread (e.g. {@code eventLoop.execute(...)}) and never block.
     */
    void whenDrained(Runnable callback);

    /**
     * @return the longest {@link #onFrame} waits for room, in nanoseconds.
     */
    long producerWaitTimeoutNs();
}
