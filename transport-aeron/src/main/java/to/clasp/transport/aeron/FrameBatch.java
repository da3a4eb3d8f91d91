package to.clasp.transport.aeron;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.Frame;
import to.clasp.transport.aeron.sbe.FramesEncoder;
import to.clasp.transport.aeron.sbe.MessageHeaderEncoder;

/**
 * Builds one envelope {@code Frames} message out of consecutive CLASP frames, in place in its own buffer (SBE
 * flyweights, nothing allocated per frame). Owned by one thread.
 * <p>
 * Frames are appended while {@link #isFull()} is false, so a batch exceeds the soft limit by at most one frame; the
 * buffer is sized for that. A batch that could not be offered stays intact ({@link #isPending()}) and is offered
 * again, unchanged, later: nothing is lost or reordered under back-pressure.
 */
final class FrameBatch implements OutboundQueue.FrameHandler
{
    /** Bytes an envelope adds in front of the entries: SBE message header plus the group header. */
    static final int ENVELOPE_OVERHEAD = MessageHeaderEncoder.ENCODED_LENGTH + FramesEncoder.EntriesEncoder.HEADER_SIZE;
    /** Bytes the envelope adds per frame: its u32 length. */
    static final int ENTRY_OVERHEAD = FramesEncoder.EntriesEncoder.frameHeaderLength();
    private static final int MAX_ENTRIES = 65_534;

    private final int softLimit;
    private final UnsafeBuffer buffer;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final FramesEncoder framesEncoder = new FramesEncoder();
    private FramesEncoder.EntriesEncoder entries;
    private int frames;
    private boolean pending;

    /**
     * @param softLimit envelope bytes after which no more frames are added (one more frame may overshoot it).
     */
    FrameBatch(final int softLimit)
    {
        this.softLimit = softLimit;
        this.buffer = new UnsafeBuffer(new byte[softLimit + ENVELOPE_OVERHEAD + ENTRY_OVERHEAD + Frame.MAX_FRAME_LENGTH]);
    }

    /** Start an empty batch (discarding any previous one). */
    void reset()
    {
        framesEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder);
        entries = framesEncoder.entriesCount(MAX_ENTRIES);
        frames = 0;
        pending = false;
    }

    /** Append one CLASP frame. */
    public void onFrame(final DirectBuffer src, final int offset, final int length)
    {
        entries.next().putFrame(src, offset, length);
        frames++;
    }

    /** @return whether no further frame should be added. */
    boolean isFull()
    {
        return framesEncoder.limit() >= softLimit || frames >= MAX_ENTRIES;
    }

    /** @return the number of frames in the batch. */
    int frameCount()
    {
        return frames;
    }

    /** Close the group (writes the real count); call once, before {@link #length()} is offered. */
    void seal()
    {
        entries.resetCountToIndex();
        pending = true;
    }

    /** @return whether a sealed batch is waiting to be offered. */
    boolean isPending()
    {
        return pending;
    }

    /** The pending batch went out. */
    void sent()
    {
        pending = false;
        frames = 0;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** @return the encoded length of the message, header included. */
    int length()
    {
        return framesEncoder.limit();
    }
}
