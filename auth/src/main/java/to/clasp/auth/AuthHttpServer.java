package to.clasp.auth;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.transport.ws.ServerTls;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The auth API on {@code --auth-port}: a thin Netty HTTP/1.1 binding of {@link AuthApi} (HTTPS with
 * {@code --tls-cert/--tls-key}). Requests are at most 16 KiB (the reference's limit; larger ones get 413);
 * connections idle for 10 s are closed, at most 256 are open at once; the blocking work (Argon2, SQLite) runs on two
 * worker threads with a bounded queue, and a request that finds the queue full gets 503 — a login flood cannot
 * grow memory or starve the event loop.
 * <p>
 * Until the shared HTTP-serving class of the health and metrics endpoints exists, this binding is separate; the
 * request → response logic stays in {@link AuthApi} so that moving it is a small change.
 */
public final class AuthHttpServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AuthHttpServer.class);
    static final int MAX_REQUEST_BYTES = 16 * 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int IDLE_SECONDS = 10;

    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final Channel serverChannel;
    private final AtomicInteger open = new AtomicInteger();
    private final boolean https;

    private AuthHttpServer(final String host, final int port, final AuthApi api, final ServerTls tls)
        throws InterruptedException
    {
        this.https = tls != null;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("clasp-auth-io", true),
            NioIoHandler.newFactory());
        workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
            new DefaultThreadFactory("clasp-auth-worker", true));
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    if (open.incrementAndGet() > MAX_CONNECTIONS)
                    {
                        open.decrementAndGet();
                        ch.close();
                        return;
                    }
                    ch.closeFuture().addListener(f -> open.decrementAndGet());
                    if (tls != null)
                    {
                        ch.pipeline().addLast("tls-detect", tls.newDetector());
                    }
                    ch.pipeline()
                        .addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS))
                        .addLast("http", new HttpServerCodec())
                        .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast("api", new Handler(api));
                }
            });
        try
        {
            serverChannel = bootstrap.bind(host, port).sync().channel();
        }
        catch (final Throwable t)
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownNow();
            throw t;
        }
    }

    /** Bind and serve. */
    public static AuthHttpServer start(final String host, final int port, final AuthApi api, final ServerTls tls)
    {
        try
        {
            return new AuthHttpServer(host, port, api, tls);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", ex);
        }
    }

    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** {@code http} or {@code https}. */
    public String scheme()
    {
        return https ? "https" : "http";
    }

    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final AuthApi api;

        Handler(final AuthApi api)
        {
            this.api = api;
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess())
            {
                write(ctx, new AuthApi.Response(400, new java.util.LinkedHashMap<>(),
                    "{\"error\":\"Bad request\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), false);
                return;
            }
            final String ip = ((InetSocketAddress)ctx.channel().remoteAddress()).getAddress().getHostAddress();
            final AuthApi.Request call = new AuthApi.Request(request.method().name(),
                new QueryStringDecoder(request.uri()).path(), ip, request.headers().get(HttpHeaderNames.ORIGIN),
                request.headers().get(HttpHeaderNames.AUTHORIZATION), ByteBufUtil.getBytes(request.content()));
            try
            {
                workers.execute(() ->
                {
                    AuthApi.Response response;
                    try
                    {
                        response = api.handle(call);
                    }
                    catch (final RuntimeException ex)
                    {
                        LOG.error("auth API failed on {} {}", call.method, call.path, ex);
                        response = new AuthApi.Response(500, new java.util.LinkedHashMap<>(),
                            "{\"error\":\"Internal error\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    final AuthApi.Response done = response;
                    ctx.executor().execute(() -> write(ctx, done, keepAlive));
                });
            }
            catch (final RejectedExecutionException ex)
            {
                write(ctx, new AuthApi.Response(503, new java.util.LinkedHashMap<>(),
                    "{\"error\":\"Busy, try again\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), false);
            }
        }

        private void write(final ChannelHandlerContext ctx, final AuthApi.Response response, final boolean keepAlive)
        {
            final FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status), Unpooled.wrappedBuffer(response.body));
            for (final Map.Entry<String, String> header : response.headers.entrySet())
            {
                out.headers().set(header.getKey(), header.getValue());
            }
            HttpUtil.setContentLength(out, response.body.length);
            if (keepAlive)
            {
                HttpUtil.setKeepAlive(out, true);
                ctx.writeAndFlush(out);
            }
            else
            {
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // Resets, read timeouts, TLS garbage: nothing to answer; never log request contents.
            LOG.debug("auth API connection closed: {}", cause.toString());
            ctx.close();
        }
    }
}
