package to.clasp.edge;

import org.agrona.DirectBuffer;

/**
 * Per-connection queue from the core thread to the transport's I/O thread (single producer, single consumer,
 * bounded in bytes). The core appends complete encoded frames; the transport drains them in batches.
 */
public interface OutboundQueue
{
    /**
     * @return the id that identifies this connection in {@link InboundPort} calls.
     */
    long connectionId();

    /**
     * Hand up to {@code limit} queued frames to {@code handler}, oldest first, on the transport's I/O thread.
     *
     * @return how many frames were handed over.
     */
    int drain(FrameHandler handler, int limit);

    /**
     * @return true when nothing is queued.
     */
    boolean isEmpty();

    /**
     * Receives drained frames. Each call is exactly one complete CLASP frame; the bytes are only valid during the
     * call.
     */
    @FunctionalInterface
    interface FrameHandler
    {
        void onFrame(DirectBuffer buffer, int offset, int length);
    }
}
