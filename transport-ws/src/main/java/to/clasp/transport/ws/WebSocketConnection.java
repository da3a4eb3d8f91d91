package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.edge.EdgeConnection;
import to.clasp.edge.FrameWriter;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upgraded WebSocket connection: the {@link EdgeConnection} the core talks to, and the last inbound handler of
 * the channel's pipeline.
 * <ul>
 *     <li>Inbound: the {@link FlyweightFrameDecoder} before it in the pipeline hands each binary message over as a
 *     {@link FrameWriter}, and {@link InboundPort#offer(long, int, FrameWriter)} has it unmask the payload straight
 *     from the socket's buffer into the core's ring slot: no frame object, no staging copy. Text messages are
 *     ignored, pings answered.</li>
 *     <li>Back-pressure ({@link InboundGate}): when the core's ring is above its high-water mark after an offer (or
 *     refuses one), reading stops (auto-read off: the kernel's receive window then pushes back on the client) and
 *     resumes once the ring has drained to its low-water mark. A frame the ring refused is kept and offered first,
 *     and so are the frames decoded after it from the read in progress (copies in the gate). Writes are not
 *     affected.</li>
 *     <li>Outbound: {@link #outboundReady()} (core thread) schedules at most one drain on the event loop; the drain
 *     writes every queued frame through a {@link FrameBatchWriter} and flushes once. It stops while the channel is
 *     unwritable and resumes on {@link #channelWritabilityChanged}.</li>
 * </ul>
 * All state except {@link #drainScheduled} is confined to the channel's event loop.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter
    implements EdgeConnection, InboundGate.Listener, FlyweightFrameDecoder.Listener
{
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    /** Frames taken from the queue per {@link OutboundQueue#drain} call; the batch is flushed after the loop. */
    static final int DRAIN_CHUNK = 256;
    /** Frames written per event-loop task before yielding to other connections on the same loop. */
    static final int DRAIN_BUDGET = 4096;
    /** A WebSocket close reason is at most 123 bytes of UTF-8. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final WebSocketEdge.Context edgeContext;
    private final InboundPort inboundPort;
    /** The subprotocol echoed in the 101 ({@code clasp}), or null. */
    private final String subprotocol;
    private final String path;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ByteBufView inboundView = new ByteBufView();
    private final Runnable drainTask = this::drainFromTask;
    /** Usually passes frames straight to the ring (the host thread never sees a full ring). */
    private InboundGate gate;
    /** Null with Netty's decoder. */
    private FlyweightFrameDecoder decoder;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private OutboundQueue queue;
    private FrameBatchWriter writer;
    private long connectionId = -1;
    private String remoteAddress = "?";
    private boolean closing;
    /** The close code of the handshake: the one this side sent, else the peer's, else 1006 (none exchanged). */
    private int closeCode = WebSocketCloseStatus.ABNORMAL_CLOSURE.code();
    /** Who chose {@link #closeCode}, for the log line. */
    private String closedBy = "no close frame";
    /** This side sent the close first: the disconnect is logged at INFO (otherwise at DEBUG). */
    private boolean closedByRouter;
    private ScheduledFuture<?> closeTimeout;

    WebSocketConnection(
        final WebSocketEdge.Context edgeContext,
        final InboundPort inboundPort,
        final String subprotocol,
        final String path)
    {
        this.edgeContext = edgeContext;
        this.inboundPort = inboundPort;
        this.subprotocol = subprotocol;
        this.path = path;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle (event loop)
    // ------------------------------------------------------------------------------------------------------------

    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.channel = ctx.channel();
        final String remote = String.valueOf(channel.remoteAddress());
        // No regex: replaceFirst compiled a Pattern per connection (seen in a connection storm's profile).
        this.remoteAddress = remote.startsWith("/") ? remote.substring(1) : remote;
        this.writer = new FrameBatchWriter(ctx);
        this.queue = inboundPort.connect(this);
        this.connectionId = queue.connectionId();
        this.gate = new InboundGate(inboundPort, channel.eventLoop(), this).connectionId(connectionId);
        // DEBUG: one INFO line per connect made the logging path (formatting, a write to stdout, and its JIT
        // compilation) a visible share of a connection storm on the thread that admits connections.
        LOG.debug("connect ws id={} remote={} path={} subprotocol={}",
            connectionId, remoteAddress, path, subprotocol == null ? "-" : subprotocol);
        if (!channel.isActive())
        {
            // Closed between the upgrade and now: channelInactive will not come to this handler.
            onClosed();
        }
    }

    public void channelInactive(final ChannelHandlerContext ctx)
    {
        onClosed();
        ctx.fireChannelInactive();
    }

    private void onClosed()
    {
        if (connectionId < 0)
        {
            return;
        }
        final long id = connectionId;
        connectionId = -1;
        if (closeTimeout != null)
        {
            closeTimeout.cancel(false);
        }
        writer.release();
        gate.close();
        inboundPort.disconnect(id);
        if (closedByRouter)
        {
            // The router's own decision (slow consumer, protocol error, limits, shutdown): what operators look for.
            LOG.info("disconnect ws id={} remote={} code={} ({})", id, remoteAddress, closeCode, closedBy);
        }
        else
        {
            LOG.debug("disconnect ws id={} remote={} code={} ({})", id, remoteAddress, closeCode, closedBy);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound (event loop)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * With Netty's decoder and aggregator (the default) frame objects arrive here; with the flyweight decoder
     * ({@code -Dclasp.ws.flyweight.decoder=true}) frames come through {@link FlyweightFrameDecoder.Listener} instead.
     */
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        try
        {
            if (msg instanceof BinaryWebSocketFrame)
            {
                if (!closing)
                {
                    final ByteBuf content = ((BinaryWebSocketFrame)msg).content();
                    offer(inboundView.wrap(content), content.readableBytes());
                }
            }
            else if (msg instanceof PingWebSocketFrame)
            {
                if (!closing)
                {
                    ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame)msg).content().retain()));
                }
            }
            else if (msg instanceof CloseWebSocketFrame)
            {
                onPeerClose((CloseWebSocketFrame)msg);
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    private void offer(final DirectBuffer frame, final int length)
    {
        if (length > edgeContext.maxFrameLength())
        {
            initiateClose(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
            return;
        }
        if (gate.offer(frame, 0, length) == InboundPort.REFUSED)
        {
            refused(length);
        }
    }

    private void refused(final int length)
    {
        final boolean tooBig = length > inboundPort.maxFrameLength();
        initiateClose(tooBig ? WebSocketCloseStatus.MESSAGE_TOO_BIG.code() :
            WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), tooBig ? "frame rejected" : "router shutting down");
    }

    /** {@link FlyweightFrameDecoder}: a binary message goes to the core; text is ignored (wire-protocol.md §1). */
    public void onMessage(final boolean text, final FrameWriter message, final int length)
    {
        if (text || closing)
        {
            return;
        }
        if (length > edgeContext.maxFrameLength())
        {
            initiateClose(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
            return;
        }
        // A frame the ring cannot take now is kept (and any decoded after it) and reading pauses until it drained.
        if (gate.offer(length, message) == InboundPort.REFUSED)
        {
            refused(length);
        }
    }

    /** {@link FlyweightFrameDecoder}: answered with the same application data. */
    public void onPing(final DirectBuffer payload, final int length)
    {
        if (!closing)
        {
            ctx.writeAndFlush(new PongWebSocketFrame(copy(payload, length)));
        }
    }

    /** {@link FlyweightFrameDecoder}: pongs are ignored. */
    public void onPong(final DirectBuffer payload, final int length)
    {
    }

    /** {@link FlyweightFrameDecoder}: the peer's close frame, already checked. */
    public void onClose(final DirectBuffer body, final int length)
    {
        final CloseWebSocketFrame frame = new CloseWebSocketFrame(true, 0, copy(body, length));
        try
        {
            onPeerClose(frame);
        }
        finally
        {
            frame.release();
        }
    }

    /** {@link FlyweightFrameDecoder}: a protocol violation, too long a message or a malformed close frame. */
    public void onViolation(final int closeCode, final String reason)
    {
        LOG.debug("ws id={} protocol violation: {}", connectionId, reason);
        initiateClose(closeCode, closeCode == WebSocketCloseStatus.MESSAGE_TOO_BIG.code() ?
            "message too big" : "protocol error");
    }

    private ByteBuf copy(final DirectBuffer bytes, final int length)
    {
        final ByteBuf copy = ctx.alloc().buffer(length);
        for (int i = 0; i < length; i++)
        {
            copy.writeByte(bytes.getByte(i));
        }
        return copy;
    }

    /**
     * {@link InboundGate}: stop reading for the ring, or resume (not while closing: input is no longer wanted). The
     * flyweight decoder stops at the pause too and, on resume, first decodes what waited, which may pause again.
     */
    public void readingPaused(final boolean paused)
    {
        if (paused)
        {
            if (decoder != null)
            {
                decoder.pause();
            }
            channel.config().setAutoRead(false);
        }
        else if (!closing && (decoder == null || decoder.resume()))
        {
            channel.config().setAutoRead(true);
        }
    }

    /** The flyweight decoder in front of this connection (one per connection). */
    FlyweightFrameDecoder newFrameDecoder()
    {
        decoder = new FlyweightFrameDecoder(edgeContext.maxFrameLength(), this);
        return decoder;
    }

    /** {@link InboundGate}: a kept frame was refused when offered again: the router is shutting down. */
    public void keptFrameRefused()
    {
        initiateClose(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "router shutting down");
    }

    private void onPeerClose(final CloseWebSocketFrame frame)
    {
        if (closing)
        {
            // Our close was answered: the handshake is complete, the socket can go.
            channel.close();
            return;
        }
        closing = true;
        closeCode = frame.statusCode();
        closedBy = "client";
        // Echo the peer's close (RFC 6455 §5.5.1), then close the socket once it is written.
        channel.writeAndFlush(new CloseWebSocketFrame(true, 0, frame.content().retain()))
            .addListener(ChannelFutureListener.CLOSE);
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof CorruptedWebSocketFrameException)
        {
            final WebSocketCloseStatus status = ((CorruptedWebSocketFrameException)cause).closeStatus();
            onViolation(status.code(), cause.getMessage());
            return;
        }
        if (cause instanceof TooLongFrameException)
        {
            onViolation(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), cause.getMessage());
            return;
        }
        LOG.debug("ws id={} error: {}", connectionId, cause.toString());
        // A reset after our close frame (a client that never read it) keeps the code we sent in the log.
        ctx.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Outbound
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Core thread. Coalesces wake-ups: only the first call after a drain started schedules another one.
     */
    public void outboundReady()
    {
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
        {
            channel.eventLoop().execute(drainTask);
        }
    }

    private void drainFromTask()
    {
        // Clear before reading the queue (a volatile write, so it is ordered before the reads): a frame the core
        // appends after this point either is seen by this drain or schedules the next one.
        drainScheduled.set(false);
        drain(false);
    }

    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (channel.isWritable())
        {
            drain(false);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Write queued frames, one flush per call.
     *
     * @param ignoreWritability true when closing: whatever is queued goes out before the close frame (the queue is
     *                          bounded, so this is bounded too).
     */
    private void drain(final boolean ignoreWritability)
    {
        if (connectionId < 0 || (closing && !ignoreWritability))
        {
            return;
        }
        int budget = ignoreWritability ? Integer.MAX_VALUE : DRAIN_BUDGET;
        while (budget > 0 && (ignoreWritability || channel.isWritable()))
        {
            final int drained = queue.drain(writer, Math.min(budget, DRAIN_CHUNK));
            if (drained == 0)
            {
                break;
            }
            budget -= drained;
            // Hand the bytes to the channel now so writability reflects them before the next chunk.
            writer.writePending();
        }
        if (writer.hasWritten())
        {
            writer.flush();
        }
        if (budget <= 0 && !queue.isEmpty())
        {
            // Fairness: other connections on this event loop get a turn before the rest of this backlog.
            outboundReady();
        }
    }

    /**
     * Core thread. Flush what is queued (for 1008, a cut slow consumer: only what the socket takes now), send a close
     * frame with the code, then close.
     */
    public void close(final int closeCode, final String reason)
    {
        channel.eventLoop().execute(() ->
        {
            if (!closing)
            {
                // A slow consumer (1008) is cut because it does not read: what it has not read stays in the queue
                // (and is freed with it) instead of moving into the socket's buffers; others get their backlog.
                drain(closeCode != WebSocketCloseStatus.POLICY_VIOLATION.code());
                initiateClose(closeCode, reason);
            }
        });
    }

    /**
     * Send a close frame, half-close our side so the peer sees the close frame followed by EOF, and close the socket
     * when the peer answers or after the close timeout. Input that arrives meanwhile is read and dropped, so the
     * kernel never resets the connection over unread bytes (which can destroy the close frame in flight).
     */
    private void initiateClose(final int code, final String reason)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        closeCode = code;
        closedBy = "router: " + reason;
        closedByRouter = true;
        final Channel ch = channel;
        ch.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener((ChannelFutureListener)f ->
        {
            if (!f.isSuccess())
            {
                ch.close();
            }
            else if (ch instanceof DuplexChannel)
            {
                ((DuplexChannel)ch).shutdownOutput();
            }
        });
        closeTimeout = ch.eventLoop().schedule(
            () -> { ch.close(); }, edgeContext.closeTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private static String truncate(final String reason)
    {
        if (reason == null)
        {
            return "";
        }
        final byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES)
        {
            return reason;
        }
        int end = Math.min(reason.length(), MAX_CLOSE_REASON_BYTES);
        while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES)
        {
            end--;
        }
        return reason.substring(0, end);
    }

    public String remoteAddress()
    {
        return remoteAddress;
    }

    public String transport()
    {
        return "ws";
    }

    public String toString()
    {
        return "ws#" + connectionId + "@" + remoteAddress;
    }
}
