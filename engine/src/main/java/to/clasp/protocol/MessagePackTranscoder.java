package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Transcodes legacy MessagePack payloads to compact binary (in progress).
 */
final class MessagePackTranscoder
{
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);

    int transcode(final DirectBuffer buffer, final int offset, final int length)
    {
        return DecodeError.BAD_MESSAGEPACK;
    }

    DirectBuffer buffer()
    {
        return scratch;
    }

    int payloadOffset()
    {
        return Frame.HEADER_LENGTH;
    }

    int payloadLength()
    {
        return 0;
    }
}
