package to.clasp.transport.aeron;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.transport.aeron.sbe.FramesDecoder;
import to.clasp.transport.aeron.sbe.MessageHeaderDecoder;

/**
 * Walks the entries of an envelope {@code Frames} message in place, checking every length against the message's
 * bounds before use (a hostile or corrupt envelope can never make it read outside the fragment). Owned by one thread.
 */
final class FramesReader
{
    /** Receives each CLASP frame; the bytes are valid only during the call. */
    @FunctionalInterface
    interface FrameSink
    {
        void onFrame(DirectBuffer buffer, int offset, int length);
    }

    private static final int GROUP_HEADER = FramesDecoder.EntriesDecoder.HEADER_SIZE;
    private static final int ENTRY_HEADER = FramesDecoder.EntriesDecoder.frameHeaderLength();

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    /**
     * @param buffer holding the message (SBE header first).
     * @param offset of the SBE message header.
     * @param length of the whole message.
     * @return the number of frames handed to {@code sink}, or -1 when the envelope is malformed (frames before the
     *         fault were delivered; nothing after it).
     */
    int forEach(final DirectBuffer buffer, final int offset, final int length, final FrameSink sink)
    {
        final int end = offset + length;
        int position = offset + MessageHeaderDecoder.ENCODED_LENGTH + FramesDecoder.BLOCK_LENGTH;
        if (position + GROUP_HEADER > end)
        {
            return -1;
        }
        final int blockLength = buffer.getShort(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(position + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        position += GROUP_HEADER;
        for (int i = 0; i < count; i++)
        {
            position += blockLength;
            if (position + ENTRY_HEADER > end)
            {
                return -1;
            }
            final long frameLength = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            position += ENTRY_HEADER;
            if (frameLength > end - position)
            {
                return -1;
            }
            view.wrap(buffer, position, (int)frameLength);
            sink.onFrame(view, 0, (int)frameLength);
            position += (int)frameLength;
        }
        return count;
    }
}
