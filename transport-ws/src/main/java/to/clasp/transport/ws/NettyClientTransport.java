package to.clasp.transport.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.client.ClientTransport;
import to.clasp.protocol.Frame;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket {@link ClientTransport}: Netty's client handshake offering subprotocol {@code clasp}, one binary
 * message per CLASP frame each way. Owns a one-thread event loop unless given a shared one.
 */
public final class NettyClientTransport implements ClientTransport
{
    private final URI uri;
    private final SslContext ssl;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Class<? extends SocketChannel> channelClass;

    /**
     * @param uri {@code ws://host:port/path}.
     */
    public NettyClientTransport(final URI uri)
    {
        this(uri, null);
    }

    /**
     * @param uri   {@code ws://host:port/path}.
     * @param group event loop group to share between many clients (from {@link #newEventLoopGroup(int)}), or null
     *              for a private one-thread group.
     */
    public NettyClientTransport(final URI uri, final EventLoopGroup group)
    {
        this(uri, group, null);
    }

    /**
     * @param uri   {@code ws://host:port/path} or {@code wss://host:port/path}.
     * @param group shared event loop group, or null for a private one.
     * @param ssl   the client TLS context for {@code wss://} (e.g. trusting a private CA); null = the JDK's default
     *              trust store. Ignored for {@code ws://}.
     */
    public NettyClientTransport(final URI uri, final EventLoopGroup group, final SslContext ssl)
    {
        final boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"ws".equalsIgnoreCase(uri.getScheme()))
        {
            throw new IllegalArgumentException("only ws:// and wss:// URLs are supported: " + uri);
        }
        this.uri = uri;
        try
        {
            this.ssl = !secure ? null : ssl != null ? ssl : SslContextBuilder.forClient().build();
        }
        catch (final javax.net.ssl.SSLException ex)
        {
            throw new IllegalStateException("cannot set up TLS", ex);
        }
        this.ownsGroup = group == null;
        final boolean epoll = Epoll.isAvailable();
        this.group = group != null ? group : new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("clasp-client-io", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        // A shared group must come from newEventLoopGroup, which makes the same epoll/NIO choice.
        this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * @return a new shared event loop group (epoll when available) for {@link #NettyClientTransport(URI,
     * EventLoopGroup)}; the caller shuts it down.
     */
    public static EventLoopGroup newEventLoopGroup(final int threads)
    {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("clasp-client-io", true),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    public CompletableFuture<Link> open(final LinkHandler handler)
    {
        final CompletableFuture<Link> opened = new CompletableFuture<>();
        final int port = uri.getPort() > 0 ? uri.getPort() : ssl != null ? 443 : 80;
        final WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .subprotocol(HttpRequestHandler.SUBPROTOCOL)
            .maxFramePayloadLength(Frame.MAX_FRAME_LENGTH)
            .handleCloseFrames(false)
            .dropPongFrames(true)
            .handshakeTimeoutMillis(10_000)
            .build();
        final Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    if (ssl != null)
                    {
                        // Host name for SNI and for checking the server's certificate.
                        final SslHandler tls = ssl.newHandler(ch.alloc(), uri.getHost(), port);
                        final javax.net.ssl.SSLParameters params = tls.engine().getSSLParameters();
                        params.setEndpointIdentificationAlgorithm("HTTPS");
                        tls.engine().setSSLParameters(params);
                        ch.pipeline().addLast(tls);
                    }
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(HANDSHAKE_RESPONSE_LIMIT))
                        .addLast(new WebSocketClientProtocolHandler(config))
                        .addLast(new WebSocketFrameAggregator(Frame.MAX_FRAME_LENGTH))
                        .addLast(new LinkChannelHandler(handler, opened));
                }
            });
        final ChannelFuture connect = bootstrap.connect(uri.getHost(), port);
        connect.addListener(f ->
        {
            if (!f.isSuccess())
            {
                opened.completeExceptionally(f.cause());
            }
        });
        return opened;
    }

    private static final int HANDSHAKE_RESPONSE_LIMIT = 16 * 1024;

    public void close()
    {
        if (ownsGroup)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** The channel side of one link: completes {@code opened} after the handshake, forwards frames and the close. */
    private static final class LinkChannelHandler extends ChannelInboundHandlerAdapter implements Link
    {
        private final LinkHandler handler;
        private final CompletableFuture<Link> opened;
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        private volatile Channel channel;
        private int closeCode = -1;
        private String closeReason = "";
        private byte[] copy;

        LinkChannelHandler(final LinkHandler handler, final CompletableFuture<Link> opened)
        {
            this.handler = handler;
            this.opened = opened;
        }

        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            channel = ctx.channel();
        }

        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
            {
                opened.complete(this);
            }
            else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT)
            {
                opened.completeExceptionally(new java.util.concurrent.TimeoutException("WebSocket handshake"));
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            try
            {
                if (msg instanceof BinaryWebSocketFrame)
                {
                    final ByteBuf content = ((BinaryWebSocketFrame)msg).content();
                    final int length = content.readableBytes();
                    if (content.hasMemoryAddress())
                    {
                        view.wrap(content.memoryAddress() + content.readerIndex(), length);
                    }
                    else if (content.hasArray())
                    {
                        view.wrap(content.array(), content.arrayOffset() + content.readerIndex(), length);
                    }
                    else
                    {
                        if (copy == null || copy.length < length)
                        {
                            copy = new byte[Math.max(length, 1024)];
                        }
                        content.getBytes(content.readerIndex(), copy, 0, length);
                        view.wrap(copy, 0, length);
                    }
                    handler.onFrame(view, 0, length);
                }
                else if (msg instanceof CloseWebSocketFrame)
                {
                    final CloseWebSocketFrame close = (CloseWebSocketFrame)msg;
                    closeCode = close.statusCode();
                    closeReason = close.reasonText();
                    // Answer the close (RFC 6455 §5.5.1), then let the server close the socket.
                    ctx.writeAndFlush(new CloseWebSocketFrame(closeCode < 0 ? 1000 : closeCode, ""))
                        .addListener(f -> ctx.close());
                }
            }
            finally
            {
                ReferenceCountUtil.release(msg);
            }
        }

        public void channelInactive(final ChannelHandlerContext ctx)
        {
            opened.completeExceptionally(new java.io.IOException("connection closed during the handshake"));
            handler.onClosed(closeCode, closeReason);
            ctx.fireChannelInactive();
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            opened.completeExceptionally(cause);
            ctx.close();
        }

        public boolean send(final DirectBuffer buffer, final int offset, final int length)
        {
            final Channel ch = channel;
            if (ch == null || !ch.isActive())
            {
                return false;
            }
            final ByteBuf out = ch.alloc().directBuffer(length);
            final int index = out.writerIndex();
            final java.nio.ByteBuffer nio = out.internalNioBuffer(index, length);
            buffer.getBytes(offset, nio, nio.position(), length);
            out.writerIndex(index + length);
            ch.writeAndFlush(new BinaryWebSocketFrame(out), ch.voidPromise());
            return true;
        }

        public void close()
        {
            final Channel ch = channel;
            if (ch != null && ch.isActive())
            {
                ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(f -> ch.close());
                ch.eventLoop().schedule(() -> { ch.close(); }, 1, TimeUnit.SECONDS);
            }
        }
    }
}
