package to.clasp.edge;

import org.agrona.MutableDirectBuffer;

/**
 * Writes one received frame's bytes straight into the place the core reads them from (a slot of the inbound ring),
 * for {@link InboundPort#offer(long, int, FrameWriter)}: a transport's decoder copies the message out of its socket
 * buffer there itself (unmasking a WebSocket payload on the way), so nothing is staged in between.
 * <p>
 * Called at most once per offer, on the offering thread, before the offer returns; it must write exactly the
 * {@code length} bytes announced to the offer and must not call the port.
 */
@FunctionalInterface
public interface FrameWriter
{
    /**
     * @param dst    where the frame goes.
     * @param offset of the frame's first byte in {@code dst}.
     * @param length the length announced to the offer.
     */
    void writeFrame(MutableDirectBuffer dst, int offset, int length);
}
