package to.clasp.protocol;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Turns a whole frame with a legacy MessagePack payload (the Python client's BUNDLE and QUERY) into the same frame
 * with its compact-binary transcoding: header flags and timestamp kept, length rewritten. The router's edges call it
 * on their own threads before a frame enters the inbound ring, so the core thread never runs the MessagePack reader
 * and its heap model (wire-protocol.md §6); the core decodes the result like any compact frame.
 * <p>
 * A frame that is not MessagePack, or one that does not transcode (malformed, too large, encrypted or compressed), is
 * left alone: the core's {@link FrameDecoder} then sees the original bytes and answers exactly as it always has.
 * One instance per thread.
 */
public final class MessagePackFrames
{
    private final MessagePackTranscoder transcoder = new MessagePackTranscoder();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);

    /**
     * @return whether the frame's payload starts like a MessagePack map (a cheap look at one byte; the header is not
     *         validated here).
     */
    public static boolean isMessagePack(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= Frame.HEADER_LENGTH)
        {
            return false;
        }
        final int flags = Wire.u8(buffer, offset + Frame.FLAGS_OFFSET);
        final int payloadOffset = Frame.headerLength(flags);
        return length > payloadOffset && FrameDecoder.isMessagePack(Wire.u8(buffer, offset + payloadOffset));
    }

    /**
     * Transcode a MessagePack frame into {@link #buffer()}.
     *
     * @return the transcoded frame's length (from offset 0 of {@link #buffer()}), or -1 when the frame is left as it
     *         is (not MessagePack, not a valid frame, or a payload the core will refuse with an error).
     */
    public int transcode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < Frame.HEADER_LENGTH || Wire.u8(buffer, offset + Frame.MAGIC_OFFSET) != Frame.MAGIC)
        {
            return -1;
        }
        final int flags = Wire.u8(buffer, offset + Frame.FLAGS_OFFSET);
        if ((flags & (Frame.FLAG_ENCRYPTED | Frame.FLAG_COMPRESSED)) != 0)
        {
            return -1;
        }
        final int headerLength = Frame.headerLength(flags);
        final int payloadLength = Wire.u16(buffer, offset + Frame.LENGTH_OFFSET);
        if (length < headerLength || payloadLength == 0 || length - headerLength < payloadLength ||
            !FrameDecoder.isMessagePack(Wire.u8(buffer, offset + headerLength)))
        {
            return -1;
        }
        final int code;
        try
        {
            code = transcoder.transcode(buffer, offset + headerLength, payloadLength);
        }
        catch (final RuntimeException ex)
        {
            // A codec bug: the core transcodes the original again, counts it and answers with an error.
            return -1;
        }
        if (code != DecodeError.OK)
        {
            return -1;
        }
        final int compactLength = transcoder.payloadLength();
        frame.putBytes(0, buffer, offset, headerLength);
        frame.putShort(Frame.LENGTH_OFFSET, (short)compactLength, ByteOrder.BIG_ENDIAN);
        frame.putBytes(headerLength, transcoder.buffer(), transcoder.payloadOffset(), compactLength);
        return headerLength + compactLength;
    }

    /**
     * @return the last transcoded frame, valid until the next {@link #transcode}.
     */
    public UnsafeBuffer buffer()
    {
        return frame;
    }
}
