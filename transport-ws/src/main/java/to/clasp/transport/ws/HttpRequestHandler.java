package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.CharsetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.edge.InboundPort;

/**
 * The first handler of every connection: upgrades a WebSocket request on any path, answers plain HTTP GET/HEAD
 * with {@code 200 ok} (a health probe on the WebSocket port) and any other method with 405. After a successful
 * upgrade it puts a {@link FlyweightFrameDecoder} in place of Netty's frame decoder and replaces itself with a
 * {@link WebSocketConnection}.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    /** The subprotocol the JS client requires to be echoed (wire-protocol.md §1). */
    static final String SUBPROTOCOL = "clasp";

    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestHandler.class);
    private static final byte[] OK_BODY = "ok".getBytes(CharsetUtil.US_ASCII);

    private final WebSocketEdge.Context edgeContext;
    private final InboundPort inboundPort;
    private final WebSocketDecoderConfig decoderConfig;

    HttpRequestHandler(final WebSocketEdge.Context edgeContext, final InboundPort inboundPort,
        final WebSocketDecoderConfig decoderConfig)
    {
        this.edgeContext = edgeContext;
        this.inboundPort = inboundPort;
        this.decoderConfig = decoderConfig;
    }

    /** How upgraded connections decode frames (one per edge: it is immutable). */
    static WebSocketDecoderConfig decoderConfig(final WebSocketEdge.Context edgeContext)
    {
        return WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(edgeContext.maxFrameLength())
            .expectMaskedFrames(true)
            .allowMaskMismatch(false)
            .allowExtensions(false)
            // The connection handler closes gracefully (close frame, half-close, wait for the peer) instead of
            // Netty's write-then-close, which can reset the socket before the peer reads the close code.
            .closeOnProtocolViolation(false)
            .build();
    }

    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!request.decoderResult().isSuccess())
        {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, false);
            return;
        }
        if (isUpgrade(request))
        {
            upgrade(ctx, request);
        }
        else if (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()))
        {
            respond(ctx, request, HttpResponseStatus.OK, HttpMethod.HEAD.equals(request.method()));
        }
        else
        {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, false);
        }
    }

    private static boolean isUpgrade(final FullHttpRequest request)
    {
        final String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }

    private void upgrade(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!HttpMethod.GET.equals(request.method()))
        {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, false);
            return;
        }
        final String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        final WebSocketServerHandshakerFactory factory =
            new WebSocketServerHandshakerFactory("ws://" + host + request.uri(), SUBPROTOCOL, decoderConfig);
        final WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
        // Hixie-76 (no Sec-WebSocket-Version) frames text only, so no CLASP frame could ever cross it; the frame decoder
        // after the upgrade speaks RFC 6455 (versions 7, 8 and 13 share its framing). Answered like an unknown version.
        if (handshaker == null || handshaker.version() == WebSocketVersion.V00)
        {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }

        final ChannelFuture handshakeFuture;
        try
        {
            handshakeFuture = handshaker.handshake(ctx.channel(), request);
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("WebSocket handshake from {} rejected: {}", ctx.channel().remoteAddress(), ex.getMessage());
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, false);
            return;
        }

        // Register with the core now, on the event loop, so the connection exists before the first frame can be
        // read (the client may only send after our 101, and reads run on this same thread after we return).
        final WebSocketConnection connection = new WebSocketConnection(
            edgeContext, inboundPort, handshaker.selectedSubprotocol(), request.uri());
        addConnection(ctx.pipeline(), ctx.name(), edgeContext, connection);
        ctx.pipeline().remove(this);
        handshakeFuture.addListener((ChannelFutureListener)f ->
        {
            if (!f.isSuccess())
            {
                f.channel().close();
            }
        });
    }

    /**
     * The handlers of an upgraded connection after the frame decoder and encoder: fragments aggregated, then the
     * connection. Both upgrade paths (this one and {@link UpgradeFastPath}) end here.
     */
    static void addConnection(final ChannelPipeline pipeline, final String after,
        final WebSocketEdge.Context edgeContext, final WebSocketConnection connection)
    {
        if (edgeContext.flyweightDecoder())
        {
            // Netty's frame decoder (put in by either upgrade path) makes objects per frame; ours decodes straight into
            // the core's ring (and reassembles fragments itself, so no aggregator follows).
            final ChannelHandlerContext nettyDecoder = pipeline.context(WebSocketFrameDecoder.class);
            pipeline.replace(nettyDecoder.handler(), "ws-decoder", connection.newFrameDecoder());
            pipeline.addAfter(after, "ws-connection", connection);
            return;
        }
        pipeline.addAfter(after, "ws-aggregator", new WebSocketFrameAggregator(edgeContext.maxFrameLength()));
        // While the connection pauses reading for the core's ring, the frames already decoded from the last read wait
        // here instead of being pushed into a full ring.
        pipeline.addAfter("ws-aggregator", "ws-flow", new FlowControlHandler());
        pipeline.addAfter("ws-flow", "ws-connection", connection);
    }

    private static void respond(
        final ChannelHandlerContext ctx,
        final FullHttpRequest request,
        final HttpResponseStatus status,
        final boolean head)
    {
        final ByteBuf body = status == HttpResponseStatus.OK ?
            Unpooled.wrappedBuffer(OK_BODY) : Unpooled.copiedBuffer(status.toString() + "\n", CharsetUtil.US_ASCII);
        final int length = body.readableBytes();
        final FullHttpResponse response = new DefaultFullHttpResponse(
            request.protocolVersion(), status, head ? Unpooled.EMPTY_BUFFER : body);
        if (head)
        {
            body.release();
        }
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        if (status == HttpResponseStatus.METHOD_NOT_ALLOWED)
        {
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        final boolean keepAlive = HttpUtil.isKeepAlive(request) && status == HttpResponseStatus.OK;
        if (keepAlive)
        {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        }
        else
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("HTTP error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
