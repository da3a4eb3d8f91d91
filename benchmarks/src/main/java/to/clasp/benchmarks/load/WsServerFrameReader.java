package to.clasp.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Server-to-client WebSocket frames (unmasked, RFC 6455 §5.1) read in place, in the generator's receiving path after
 * the handshake, instead of Netty's frame decoder: no frame object and no payload buffer per message, and only a frame
 * that straddles two reads is copied. The subscriber of a flood must read faster than the router delivers, or the
 * router rightly cuts it as a slow consumer: with a frame object per delivery the generator's one receiving thread was
 * the slower side of an unwindowed flood once the router decoded its own input without objects.
 * <p>
 * Binary messages go to the {@link Sink} (fragments are reassembled, though the router sends each message
 * in one frame); a ping is answered, a close frame closes the connection, text and pongs are ignored. A frame the
 * generator cannot read (reserved bits, a masked frame, a length past {@link #maxMessageLength}) counts as an error
 * and closes the connection. Confined to the channel's event loop.
 */
final class WsServerFrameReader extends ChannelInboundHandlerAdapter
{
    /** Where the messages go ({@link ClaspInbound} in the generator). Called on the event loop. */
    interface Sink
    {
        /** A binary message; {@code buffer} is valid only during the call. */
        void onFrame(DirectBuffer buffer, int offset, int length);

        /** The router sent a frame this reader cannot read; the connection is being closed. */
        void onError(Throwable cause);
    }

    private static final int OPCODE_CONTINUATION = 0x0;
    private static final int OPCODE_BINARY = 0x2;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PING = 0x9;

    private final Sink sink;
    private final int maxMessageLength;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    /** The start of a frame that straddles reads; null otherwise. */
    private ByteBuf cumulation;
    /** A fragmented binary message being reassembled, or null. */
    private ByteBuf fragments;
    private boolean failed;

    WsServerFrameReader(final Sink sink, final int maxMessageLength)
    {
        this.sink = sink;
        this.maxMessageLength = maxMessageLength;
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf)msg;
        try
        {
            if (cumulation != null)
            {
                cumulation.writeBytes(in);
                in.release();
                in = cumulation;
                cumulation = null;
            }
            read(ctx, in);
            if (in.isReadable() && !failed)
            {
                cumulation = ctx.alloc().heapBuffer(Math.max(in.readableBytes(), 1024));
                cumulation.writeBytes(in);
            }
        }
        finally
        {
            in.release();
        }
    }

    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        release();
    }

    public void channelInactive(final ChannelHandlerContext ctx)
    {
        release();
        ctx.fireChannelInactive();
    }

    private void release()
    {
        if (cumulation != null)
        {
            cumulation.release();
            cumulation = null;
        }
        if (fragments != null)
        {
            fragments.release();
            fragments = null;
        }
    }

    /** Handle every complete frame at the start of {@code in}; leave an incomplete last one unread. */
    private void read(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        while (!failed && in.readableBytes() >= 2)
        {
            final int index = in.readerIndex();
            final int b0 = in.getUnsignedByte(index);
            final int b1 = in.getUnsignedByte(index + 1);
            final int length7 = b1 & 0x7F;
            final int header = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
            if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0)
            {
                fail(ctx, "reserved bits or a masked frame from the router");
                return;
            }
            if (in.readableBytes() < header)
            {
                return;
            }
            final long length = length7 == 126 ? in.getUnsignedShort(index + 2) :
                length7 == 127 ? in.getLong(index + 2) : length7;
            if (length < 0 || length > maxMessageLength)
            {
                fail(ctx, "frame of " + length + " bytes");
                return;
            }
            if (in.readableBytes() < header + length)
            {
                return;
            }
            in.readerIndex(index + header + (int)length);
            onFrame(ctx, in, (b0 & 0x80) != 0, b0 & 0x0F, index + header, (int)length);
        }
    }

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf in, final boolean fin, final int opcode,
        final int payload, final int length)
    {
        switch (opcode)
        {
            case OPCODE_BINARY:
                if (fin)
                {
                    deliver(in, payload, length);
                }
                else
                {
                    fragments = ctx.alloc().heapBuffer(length * 2);
                    fragments.writeBytes(in, payload, length);
                }
                break;

            case OPCODE_CONTINUATION:
                if (fragments != null)
                {
                    if (fragments.readableBytes() + length > maxMessageLength)
                    {
                        fail(ctx, "reassembled message too long");
                        return;
                    }
                    fragments.writeBytes(in, payload, length);
                    if (fin)
                    {
                        final ByteBuf message = fragments;
                        fragments = null;
                        deliver(message, message.readerIndex(), message.readableBytes());
                        message.release();
                    }
                }
                break;

            case OPCODE_PING:
                // From the tail: through the client's WebSocket encoder, wherever it sits relative to this reader.
                ctx.channel().writeAndFlush(new PongWebSocketFrame(Unpooled.copiedBuffer(in.slice(payload, length))));
                break;

            case OPCODE_CLOSE:
                failed = true; // nothing after the close frame is read
                ctx.close();
                break;

            default: // text (never sent by the router) and pongs
                break;
        }
    }

    private void deliver(final ByteBuf buffer, final int index, final int length)
    {
        if (buffer.hasMemoryAddress())
        {
            view.wrap(buffer.memoryAddress() + index, length);
        }
        else if (buffer.hasArray())
        {
            view.wrap(buffer.array(), buffer.arrayOffset() + index, length);
        }
        else
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(index, copy);
            view.wrap(copy);
        }
        sink.onFrame(view, 0, length);
    }

    private void fail(final ChannelHandlerContext ctx, final String why)
    {
        failed = true;
        sink.onError(new java.io.IOException("unreadable frame: " + why));
        ctx.close();
    }
}
