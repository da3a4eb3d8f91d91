package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.FrameWriter;

import java.nio.ByteOrder;

/**
 * The server side of RFC 6455 framing without frame objects: parses the frames straight out of the socket's buffer
 * and hands each complete message to its {@link Listener} as a {@link FrameWriter} that unmasks the payload while it
 * copies it to wherever the listener points it (the core's ring slot). A message in one frame is never staged; only
 * a fragmented message is reassembled, in a buffer of the connection's own. Bytes are cumulated only when a frame
 * straddles two reads, and then only that frame's.
 * <p>
 * It enforces what Netty's {@code WebSocket13FrameDecoder} (masked frames expected, no extensions) and
 * {@code WebSocketFrameAggregator} enforced here before, with the same close codes: 1002 for set RSV bits, an unmasked
 * frame, a reserved opcode, a fragmented or longer-than-125-byte control frame, a continuation outside a fragmented
 * message or a new message inside one, a length that is not minimally encoded or negative, a close frame with a
 * one-byte body or an invalid status code; 1007 for a close reason that is not UTF-8; 1009 for a frame or a
 * reassembled message longer than the limit. After a violation, or after the peer's close frame, everything that
 * arrives is dropped (except after a reassembled message grew too long: the rest of that message is dropped, and a
 * close frame that follows is still seen, as the aggregator did).
 * <p>
 * Confined to the channel's event loop. Never throws for any input; a listener's exception goes on to the pipeline.
 */
final class FlyweightFrameDecoder extends ChannelInboundHandlerAdapter
{
    /** What the decoder hands on. Every buffer passed is valid only during the call. */
    interface Listener
    {
        /**
         * A complete data message.
         *
         * @param text    a text message (opcode 1) rather than binary (opcode 2).
         * @param message writes the message's unmasked bytes; call it at most once, during this call.
         * @param length  the message's length in bytes.
         */
        void onMessage(boolean text, FrameWriter message, int length);

        /** A ping; {@code payload} holds its unmasked application data, 0..125 bytes. */
        void onPing(DirectBuffer payload, int length);

        /** A pong; {@code payload} holds its unmasked application data. */
        void onPong(DirectBuffer payload, int length);

        /**
         * The peer's close frame, checked (a valid status code and a UTF-8 reason, or an empty body). Nothing after it
         * is decoded.
         */
        void onClose(DirectBuffer body, int length);

        /**
         * The peer broke the protocol: close with {@code closeCode} (1002, 1007 or 1009). Nothing after it is decoded,
         * except after a reassembled message over the limit (see the class comment).
         */
        void onViolation(int closeCode, String reason);
    }

    static final int OPCODE_CONTINUATION = 0x0;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PING = 0x9;
    static final int OPCODE_PONG = 0xA;
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_PAYLOAD = 1007;
    static final int MESSAGE_TOO_BIG = 1009;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int MASK_LENGTH = 4;
    /** Reassembly capacity kept after a fragmented message; a larger buffer is given back. */
    private static final int RETAINED_ASSEMBLY = 8 * 1024;

    private final int maxMessageLength;
    private final Listener listener;
    private final UnsafeBuffer source = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[MAX_CONTROL_PAYLOAD]);
    private final FrameWriter unmaskingWriter = this::writeUnmasked;
    private final FrameWriter assembledWriter = this::writeAssembled;
    /** The frame {@link #unmaskingWriter} copies: set only while the listener has it. */
    private ByteBuf frame;
    private int framePayloadIndex;
    private int frameMask;
    /** A fragmented message being reassembled. */
    private boolean fragmented;
    private boolean fragmentedText;
    /** The fragmented message grew past the limit (1009 reported): its remaining fragments are dropped. */
    private boolean droppingFragments;
    private UnsafeBuffer assembled;
    private int assembledLength;
    /** After a violation or the peer's close frame: every byte is dropped. */
    private boolean discarding;
    /** The start of a frame that straddles reads, or what arrived after a pause; null otherwise. */
    private ByteBuf cumulation;
    /** The connection stopped reading (the core's ring is full): frames after this point wait in the cumulation. */
    private boolean paused;

    /**
     * @param maxMessageLength the longest frame, and the longest reassembled message, accepted (else 1009).
     */
    FlyweightFrameDecoder(final int maxMessageLength, final Listener listener)
    {
        this.maxMessageLength = maxMessageLength;
        this.listener = listener;
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final ByteBuf in = (ByteBuf)msg;
        try
        {
            read(ctx.alloc(), in);
        }
        finally
        {
            in.release();
        }
    }

    public void channelInactive(final ChannelHandlerContext ctx)
    {
        releaseCumulation();
        ctx.fireChannelInactive();
    }

    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        releaseCumulation();
    }

    /**
     * Stop decoding: the connection paused reading for the core's ring. What is left of the read in progress, and
     * anything read before reading stops, waits undecoded (as Netty's {@code FlowControlHandler} held decoded frames).
     */
    void pause()
    {
        paused = true;
    }

    /**
     * Decode what waited while paused.
     *
     * @return false when that paused decoding again (reading must stay off until the next resume).
     */
    boolean resume()
    {
        paused = false;
        if (cumulation != null && !discarding)
        {
            decode(cumulation);
            if (discarding || !cumulation.isReadable())
            {
                releaseCumulation();
            }
        }
        return !paused;
    }

    /**
     * Decode every complete frame of {@code in} (after the one that straddled the last read, if any) and keep the
     * start of an incomplete last frame, or everything after a pause. Consumes {@code in}; the caller releases it.
     */
    void read(final ByteBufAllocator alloc, final ByteBuf in)
    {
        if (discarding)
        {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (cumulation != null && (paused || !holdsOnePartialFrame()))
        {
            // Frames wait from a pause: what was read goes behind them.
            cumulation.writeBytes(in);
            if (!paused)
            {
                decode(cumulation);
            }
            if (discarding || !cumulation.isReadable())
            {
                releaseCumulation();
            }
            return;
        }
        if (cumulation != null)
        {
            completeStraddlingFrame(in);
            if (cumulation.isReadable() && !discarding)
            {
                return; // in is used up and the frame is still incomplete
            }
            releaseCumulation();
        }
        decode(in);
        if (discarding)
        {
            in.skipBytes(in.readableBytes());
        }
        else if (in.isReadable())
        {
            cumulation = alloc.buffer(in.readableBytes());
            cumulation.writeBytes(in);
        }
    }

    /** Move from {@code in} only the bytes the straddling frame still needs, then decode it once it is whole. */
    private void completeStraddlingFrame(final ByteBuf in)
    {
        while (!discarding)
        {
            final long required = required(cumulation, cumulation.readerIndex(), cumulation.readableBytes());
            if (required < 0)
            {
                return;
            }
            final int have = cumulation.readableBytes();
            if (have >= required)
            {
                decode(cumulation);
                return;
            }
            if (!in.isReadable())
            {
                return;
            }
            cumulation.writeBytes(in, (int)Math.min(required - have, in.readableBytes()));
        }
    }

    private boolean holdsOnePartialFrame()
    {
        return required(cumulation, cumulation.readerIndex(), cumulation.readableBytes()) > cumulation.readableBytes();
    }

    private void releaseCumulation()
    {
        if (cumulation != null)
        {
            cumulation.release();
            cumulation = null;
        }
    }

    /** Decode the complete frames at the start of {@code buf}; stop at an incomplete one. */
    private void decode(final ByteBuf buf)
    {
        while (!discarding && !paused && buf.isReadable())
        {
            final int index = buf.readerIndex();
            final long required = required(buf, index, buf.readableBytes());
            if (required < 0 || required > buf.readableBytes())
            {
                return;
            }
            buf.readerIndex(index + (int)required);
            onFrame(buf, index, (int)required);
        }
    }

    /**
     * Check the header of the frame at {@code index} as far as it is there.
     *
     * @return the bytes the whole frame takes when its length is known, else the bytes needed to learn more of the
     *         header (more than {@code available} either way when it is incomplete); -1 after a violation (reported).
     */
    private long required(final ByteBuf buf, final int index, final int available)
    {
        if (available < 2)
        {
            return 2;
        }
        final int b0 = buf.getByte(index);
        final int b1 = buf.getByte(index + 1);
        final boolean fin = (b0 & 0x80) != 0;
        final int opcode = b0 & 0x0F;
        final int length7 = b1 & 0x7F;
        if ((b0 & 0x70) != 0)
        {
            return violation(PROTOCOL_ERROR, "RSV bits set without an extension");
        }
        if ((b1 & 0x80) == 0)
        {
            return violation(PROTOCOL_ERROR, "unmasked client frame");
        }
        if (opcode > 7)
        {
            if (!fin)
            {
                return violation(PROTOCOL_ERROR, "fragmented control frame");
            }
            if (length7 > MAX_CONTROL_PAYLOAD)
            {
                return violation(PROTOCOL_ERROR, "control frame longer than 125 bytes");
            }
            if (opcode != OPCODE_CLOSE && opcode != OPCODE_PING && opcode != OPCODE_PONG)
            {
                return violation(PROTOCOL_ERROR, "reserved control opcode " + opcode);
            }
            if (opcode == OPCODE_CLOSE && length7 == 1)
            {
                return violation(PROTOCOL_ERROR, "close frame with a one-byte body");
            }
        }
        else
        {
            if (opcode != OPCODE_CONTINUATION && opcode != OPCODE_TEXT && opcode != OPCODE_BINARY)
            {
                return violation(PROTOCOL_ERROR, "reserved data opcode " + opcode);
            }
            if (!fragmented && opcode == OPCODE_CONTINUATION)
            {
                return violation(PROTOCOL_ERROR, "continuation outside a fragmented message");
            }
            if (fragmented && opcode != OPCODE_CONTINUATION)
            {
                return violation(PROTOCOL_ERROR, "new message inside a fragmented message");
            }
        }
        final int extended = extendedLengthBytes(length7);
        if (available < 2 + extended)
        {
            return 2 + extended;
        }
        final long length;
        if (length7 == 126)
        {
            length = buf.getUnsignedShort(index + 2);
            if (length < 126)
            {
                return violation(PROTOCOL_ERROR, "length not minimally encoded");
            }
        }
        else if (length7 == 127)
        {
            length = buf.getLong(index + 2);
            if (length < 0)
            {
                return violation(PROTOCOL_ERROR, "negative length");
            }
            if (length < 65_536)
            {
                return violation(PROTOCOL_ERROR, "length not minimally encoded");
            }
        }
        else
        {
            length = length7;
        }
        if (length > maxMessageLength)
        {
            return violation(MESSAGE_TOO_BIG, "message too big");
        }
        return 2 + extended + MASK_LENGTH + length;
    }

    private static int extendedLengthBytes(final int length7)
    {
        return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    }

    private long violation(final int closeCode, final String reason)
    {
        discarding = true;
        listener.onViolation(closeCode, reason);
        return -1;
    }

    /** A whole, checked frame of {@code size} bytes at {@code index}. */
    private void onFrame(final ByteBuf buf, final int index, final int size)
    {
        final int b0 = buf.getByte(index);
        final boolean fin = (b0 & 0x80) != 0;
        final int opcode = b0 & 0x0F;
        final int header = 2 + extendedLengthBytes(buf.getByte(index + 1) & 0x7F) + MASK_LENGTH;
        final int payload = index + header;
        final int length = size - header;
        final int mask = buf.getIntLE(payload - MASK_LENGTH);
        switch (opcode)
        {
            case OPCODE_PING:
            case OPCODE_PONG:
            case OPCODE_CLOSE:
                unmask(buf, payload, mask, control, 0, length);
                onControl(opcode, length);
                break;

            case OPCODE_CONTINUATION:
                onContinuation(buf, payload, mask, length, fin);
                break;

            default: // text or binary, checked in required()
                final boolean text = opcode == OPCODE_TEXT;
                if (fin)
                {
                    frame = buf;
                    framePayloadIndex = payload;
                    frameMask = mask;
                    try
                    {
                        listener.onMessage(text, unmaskingWriter, length);
                    }
                    finally
                    {
                        frame = null;
                    }
                }
                else
                {
                    fragmented = true;
                    fragmentedText = text;
                    droppingFragments = false;
                    assembledLength = 0;
                    append(buf, payload, mask, length);
                }
                break;
        }
    }

    private void onControl(final int opcode, final int length)
    {
        if (opcode == OPCODE_PING)
        {
            listener.onPing(control, length);
        }
        else if (opcode == OPCODE_PONG)
        {
            listener.onPong(control, length);
        }
        else
        {
            discarding = true;
            if (length >= 2 && !isValidCloseCode(control.getShort(0, ByteOrder.BIG_ENDIAN) & 0xFFFF))
            {
                listener.onViolation(PROTOCOL_ERROR, "invalid close code");
            }
            else if (length > 2 && !isUtf8(control, 2, length - 2))
            {
                listener.onViolation(INVALID_PAYLOAD, "close reason is not UTF-8");
            }
            else
            {
                listener.onClose(control, length);
            }
        }
    }

    private void onContinuation(final ByteBuf buf, final int payload, final int mask, final int length, final boolean fin)
    {
        if (!droppingFragments)
        {
            if (length > maxMessageLength - assembledLength)
            {
                droppingFragments = true;
                listener.onViolation(MESSAGE_TOO_BIG, "message too big");
            }
            else
            {
                append(buf, payload, mask, length);
            }
        }
        if (fin)
        {
            fragmented = false;
            if (!droppingFragments)
            {
                listener.onMessage(fragmentedText, assembledWriter, assembledLength);
            }
            droppingFragments = false;
            assembledLength = 0;
            if (assembled.capacity() > RETAINED_ASSEMBLY)
            {
                assembled = null;
            }
        }
    }

    private void append(final ByteBuf buf, final int payload, final int mask, final int length)
    {
        final int needed = assembledLength + length;
        if (assembled == null || assembled.capacity() < needed)
        {
            final UnsafeBuffer grown = new UnsafeBuffer(
                new byte[BitUtil.findNextPositivePowerOfTwo(Math.max(needed, 1024))]);
            if (assembled != null)
            {
                grown.putBytes(0, assembled, 0, assembledLength);
            }
            assembled = grown;
        }
        unmask(buf, payload, mask, assembled, assembledLength, length);
        assembledLength = needed;
    }

    private void writeUnmasked(final MutableDirectBuffer dst, final int offset, final int length)
    {
        unmask(frame, framePayloadIndex, frameMask, dst, offset, length);
    }

    private void writeAssembled(final MutableDirectBuffer dst, final int offset, final int length)
    {
        dst.putBytes(offset, assembled, 0, length);
    }

    /** Copy {@code length} bytes from {@code src} at {@code index} to {@code dst}, unmasking them. */
    private void unmask(
        final ByteBuf src, final int index, final int mask, final MutableDirectBuffer dst, final int offset,
        final int length)
    {
        if (src.hasMemoryAddress())
        {
            source.wrap(src.memoryAddress() + index, length);
        }
        else if (src.hasArray())
        {
            source.wrap(src.array(), src.arrayOffset() + index, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                dst.putByte(offset + i, (byte)(src.getByte(index + i) ^ (mask >>> ((i & 3) << 3))));
            }
            return;
        }
        unmask(source, mask, dst, offset, length);
    }

    /**
     * Unmask eight bytes at a time: {@code mask} holds the masking key little-endian (key byte 0 in the low bits), so
     * the payload's byte {@code i} is XORed with key byte {@code i % 4}.
     */
    static void unmask(
        final DirectBuffer src, final int mask, final MutableDirectBuffer dst, final int offset, final int length)
    {
        final long mask64 = (mask & 0xFFFF_FFFFL) | ((long)mask << 32);
        int i = 0;
        for (final int end = length - 7; i < end; i += 8)
        {
            dst.putLong(offset + i, src.getLong(i, ByteOrder.LITTLE_ENDIAN) ^ mask64, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < length; i++)
        {
            dst.putByte(offset + i, (byte)(src.getByte(i) ^ (mask >>> ((i & 3) << 3))));
        }
    }

    /** The status codes Netty's decoder let through (RFC 6455 §7.4: 1000-1003, 1007-1014, 3000 and up). */
    static boolean isValidCloseCode(final int code)
    {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || code >= 3000;
    }

    /**
     * Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), as Netty's validator checked a close
     * reason: a sequence cut off by the end of the reason is not an error (the validator was never told the end).
     */
    static boolean isUtf8(final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int lead = buffer.getByte(i) & 0xFF;
            if (lead < 0x80)
            {
                i++;
                continue;
            }
            final int continuations;
            if (lead >= 0xC2 && lead <= 0xDF)
            {
                continuations = 1;
            }
            else if (lead >= 0xE0 && lead <= 0xEF)
            {
                continuations = 2;
            }
            else if (lead >= 0xF0 && lead <= 0xF4)
            {
                continuations = 3;
            }
            else
            {
                return false;
            }
            for (int k = 1; k <= continuations; k++)
            {
                if (i + k >= end)
                {
                    return true;
                }
                final int b = buffer.getByte(i + k) & 0xFF;
                if ((b & 0xC0) != 0x80)
                {
                    return false;
                }
                if (k == 1 && ((lead == 0xE0 && b < 0xA0) || (lead == 0xED && b > 0x9F) ||
                    (lead == 0xF0 && b < 0x90) || (lead == 0xF4 && b > 0x8F)))
                {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }
}
