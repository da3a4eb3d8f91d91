package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.edge.OutboundQueue;

import java.nio.ByteBuffer;

/**
 * Turns drained CLASP frames into server-to-client WebSocket binary frames, many per pooled {@link ByteBuf}.
 * <p>
 * Why not one {@code BinaryWebSocketFrame} per message: that costs a frame object, a buffer and a trip through
 * Netty's encoder (which allocates a second buffer for the header) per message, and one {@code write} per message.
 * Server frames are unmasked, so the header is 2 bytes (payload ≤ 125), 4 bytes (≤ 65 535) or 10 bytes; writing it
 * ourselves lets a whole drain batch share one buffer and one {@code write} (see docs/benchmarks.md §4.5).
 * These raw buffers pass through Netty's WebSocket encoder untouched (it only encodes {@code WebSocketFrame}s), and
 * share the channel's ordering with the pongs and close frames Netty encodes.
 * <p>
 * Event loop only.
 */
final class FrameBatchWriter implements OutboundQueue.FrameHandler
{
    /** Size of a batch buffer; a frame that does not fit starts a new one (sized for it when larger). */
    static final int BATCH_CAPACITY = 64 * 1024;
    /** FIN + opcode 0x2 (binary). */
    private static final int FIN_BINARY = 0x82;
    private static final int MAX_HEADER_LENGTH = 10;
    /**
     * Measurement switch only ({@code -Dclasp.ws.frameObjects=true}): write one {@code BinaryWebSocketFrame} per
     * message through Netty's encoder instead, to compare (docs/benchmarks.md §4.5). Static final, so the JIT drops
     * the branch that is not taken.
     */
    static final boolean FRAME_OBJECTS = Boolean.getBoolean("clasp.ws.frameObjects");

    private final ChannelHandlerContext ctx;
    private final UnsafeBuffer target = new UnsafeBuffer(0, 0);
    private ByteBuf batch;
    private boolean written;

    FrameBatchWriter(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (FRAME_OBJECTS)
        {
            final ByteBuf payload = ctx.alloc().directBuffer(length);
            final ByteBuffer nio = payload.internalNioBuffer(0, length);
            buffer.getBytes(offset, nio, nio.position(), length);
            payload.writerIndex(length);
            ctx.write(new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(payload), ctx.voidPromise());
            written = true;
            return;
        }
        final int needed = MAX_HEADER_LENGTH + length;
        if (batch != null && batch.writableBytes() < needed)
        {
            writePending();
        }
        if (batch == null)
        {
            batch = ctx.alloc().directBuffer(Math.max(BATCH_CAPACITY, needed));
        }
        writeHeader(batch, length);
        copy(buffer, offset, length);
    }

    static void writeHeader(final ByteBuf out, final int length)
    {
        out.writeByte(FIN_BINARY);
        if (length <= 125)
        {
            out.writeByte(length);
        }
        else if (length <= 0xFFFF)
        {
            out.writeByte(126);
            out.writeShort(length);
        }
        else
        {
            out.writeByte(127);
            out.writeLong(length);
        }
    }

    private void copy(final DirectBuffer src, final int offset, final int length)
    {
        final ByteBuf out = batch;
        final int index = out.writerIndex();
        if (out.hasMemoryAddress())
        {
            target.wrap(out.memoryAddress() + index, length);
            src.getBytes(offset, target, 0, length);
        }
        else
        {
            final ByteBuffer nio = out.internalNioBuffer(index, length);
            src.getBytes(offset, nio, nio.position(), length);
        }
        out.writerIndex(index + length);
    }

    /**
     * Pass the current batch buffer to the channel (no flush). Ownership moves to Netty.
     */
    void writePending()
    {
        final ByteBuf out = batch;
        if (out != null)
        {
            batch = null;
            if (out.isReadable())
            {
                ctx.write(out, ctx.voidPromise());
                written = true;
            }
            else
            {
                out.release();
            }
        }
    }

    boolean hasWritten()
    {
        return written || (batch != null && batch.isReadable());
    }

    /**
     * Write what is pending and flush once.
     */
    void flush()
    {
        writePending();
        written = false;
        ctx.flush();
    }

    /**
     * Drop a half-filled buffer when the connection is gone.
     */
    void release()
    {
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
    }
}
