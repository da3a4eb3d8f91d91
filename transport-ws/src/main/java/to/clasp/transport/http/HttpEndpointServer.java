package to.clasp.transport.http;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.transport.ws.ServerTls;

/**
 * A small HTTP/1.1 server for operational endpoints (health, readiness, metrics, an admin API), on Netty, that idle or
 * unfinished connections cannot block:
 * <ul>
 *     <li><b>Request timeout.</b> A connection must deliver a complete request within {@link Context#requestTimeoutMs()}
 *     of connecting, and of its previous answer on a kept-alive connection; otherwise it is closed. A client that
 *     trickles a request byte by byte (slowloris) is closed as surely as a silent one.</li>
 *     <li><b>Connection limit.</b> At most {@link Context#maxConnections()} at once. A new connection at the limit
 *     takes the place of the oldest one that has no request in progress (a probe needs milliseconds, so the oldest
 *     is almost always idle); when every connection is busy the new one is closed.</li>
 *     <li><b>Bounded requests.</b> Request line 4 KiB, headers 8 KiB, body {@link Context#maxBodyBytes()}.</li>
 *     <li><b>One request at a time per connection</b>, in order (pipelined requests wait their turn). A route may
 *     answer later ({@link CompletionStage}): long work (a password hash, a database) belongs on another executor,
 *     never on the event loop.</li>
 *     <li><b>HTTPS</b> when given a certificate ({@link Context#tls}); a plain-HTTP client then gets a 400 that says
 *     so.</li>
 * </ul>
 * Every connection of one server lives on one event loop (chosen from {@link Context#group()} at start), so the
 * bookkeeping above needs no locks. Routes are exact paths; unknown paths get 404, other methods 405.
 */
public final class HttpEndpointServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointServer.class);
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADERS = 8192;

    /** Answers one request; runs on the server's event loop and must not block there. */
    @FunctionalInterface
    public interface Route
    {
        /**
         * @param request the complete request (released by the server after the answer is written).
         * @param remote  the client's address.
         * @return the answer, now or later.
         */
        CompletionStage<HttpAnswer> handle(FullHttpRequest request, InetSocketAddress remote);

        /** A route that answers at once. */
        static Route of(final java.util.function.Function<FullHttpRequest, HttpAnswer> answer)
        {
            return (request, remote) -> CompletableFuture.completedFuture(answer.apply(request));
        }
    }

    private record Binding(Set<HttpMethod> methods, Route route)
    {
    }

    private final Context ctx;
    private final Map<String, Binding> routes;
    /** Routes for every path under a prefix (longest first), consulted when no exact route matches. */
    private final List<Map.Entry<String, Route>> prefixRoutes;
    private final EventLoopGroup ownGroup;
    private final EventLoop loop;
    private final Channel serverChannel;
    /** Open connections, oldest first (event loop only). */
    private final LinkedHashMap<Channel, Connection> open = new LinkedHashMap<>();
    private volatile long evicted;
    private volatile long refused;
    private volatile long timedOut;

    private HttpEndpointServer(final Context ctx, final Map<String, Binding> routes,
        final List<Map.Entry<String, Route>> prefixRoutes) throws InterruptedException
    {
        this.ctx = ctx;
        this.routes = routes;
        this.prefixRoutes = prefixRoutes;
        ownGroup = null == ctx.group() ? newEventLoopGroup() : null;
        loop = (null == ownGroup ? ctx.group() : ownGroup).next();
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(loop, loop)
            .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    admit(ch);
                }
            });
        try
        {
            serverChannel = bootstrap.bind(ctx.host(), ctx.port()).sync().channel();
        }
        catch (final Throwable t)
        {
            if (null != ownGroup)
            {
                ownGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw t;
        }
    }

    /**
     * @return a one-thread event loop group ({@code clasp-http}, epoll when available) that several servers can share
     *         through {@link Context#group}; the caller shuts it down after closing them.
     */
    public static EventLoopGroup newEventLoopGroup()
    {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("clasp-http", true),
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * @return a builder of routes for a server.
     */
    public static Builder builder(final Context ctx)
    {
        return new Builder(ctx);
    }

    /**
     * @return the port actually bound (useful with port 0).
     */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** @return {@code https} when the server speaks TLS ({@link Context#tls}), {@code http} otherwise. */
    public String scheme()
    {
        return null == ctx.tls() ? "http" : "https";
    }

    /** @return connections closed to make room for a new one at the connection limit. */
    public long evictedConnections()
    {
        return evicted;
    }

    /** @return new connections closed because every open one had a request in progress. */
    public long refusedConnections()
    {
        return refused;
    }

    /** @return connections closed for not completing a request within the request timeout. */
    public long timedOutConnections()
    {
        return timedOut;
    }

    public void close()
    {
        serverChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        loop.execute(() ->
        {
            for (final Channel ch : open.keySet().toArray(new Channel[0]))
            {
                ch.close();
            }
        });
        if (null != ownGroup)
        {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Event loop: a new connection; make room under the limit or refuse it. */
    private void admit(final SocketChannel ch)
    {
        if (open.size() >= ctx.maxConnections())
        {
            final Iterator<Map.Entry<Channel, Connection>> it = open.entrySet().iterator();
            Channel victim = null;
            while (it.hasNext())
            {
                final Map.Entry<Channel, Connection> e = it.next();
                if (!e.getValue().busy)
                {
                    victim = e.getKey();
                    it.remove();
                    break;
                }
            }
            if (null == victim)
            {
                refused++;
                ch.close();
                return;
            }
            evicted++;
            victim.close();
        }
        final Connection connection = new Connection();
        open.put(ch, connection);
        ch.closeFuture().addListener(f -> open.remove(ch));
        if (null != ctx.tls())
        {
            // TLS first; a plain-HTTP client gets a 400 saying the port speaks TLS.
            ch.pipeline().addLast("tls-detect", ctx.tls().newDetector());
        }
        ch.pipeline()
            .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
            .addLast("aggregator", new HttpObjectAggregator(ctx.maxBodyBytes()))
            .addLast("one-at-a-time", new FlowControlHandler())
            .addLast("routes", connection);
    }

    /** One connection's request handling (event loop). */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        boolean busy;
        private ScheduledFuture<?> deadline;

        Connection()
        {
            super(false);
        }

        public void channelActive(final ChannelHandlerContext ctx)
        {
            armTimeout(ctx);
            ctx.fireChannelActive();
        }

        public void channelInactive(final ChannelHandlerContext ctx)
        {
            cancelTimeout();
            ctx.fireChannelInactive();
        }

        private void armTimeout(final ChannelHandlerContext chc)
        {
            cancelTimeout();
            deadline = chc.executor().schedule(() ->
            {
                timedOut++;
                chc.close();
            }, HttpEndpointServer.this.ctx.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        }

        private void cancelTimeout()
        {
            if (null != deadline)
            {
                deadline.cancel(false);
                deadline = null;
            }
        }

        protected void channelRead0(final ChannelHandlerContext chc, final FullHttpRequest request)
        {
            cancelTimeout();
            busy = true;
            // Nothing more is read (and no later request is handed here) until this one is answered.
            chc.channel().config().setAutoRead(false);
            CompletionStage<HttpAnswer> answer;
            try
            {
                answer = dispatch(request, chc.channel());
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("HTTP route {} failed", request.uri(), ex);
                answer = CompletableFuture.completedFuture(HttpAnswer.text(500, "internal error"));
            }
            answer.whenComplete((a, t) -> chc.executor().execute(() ->
            {
                final HttpAnswer out = null != a ? a : HttpAnswer.text(500, "internal error");
                if (null != t)
                {
                    LOG.warn("HTTP route {} failed", request.uri(), t);
                }
                respond(chc, request, out);
            }));
        }

        private CompletionStage<HttpAnswer> dispatch(final FullHttpRequest request, final Channel channel)
        {
            if (!request.decoderResult().isSuccess())
            {
                return CompletableFuture.completedFuture(HttpAnswer.text(400, "bad request"));
            }
            final String path = new QueryStringDecoder(request.uri()).path();
            final InetSocketAddress remote = (InetSocketAddress)channel.remoteAddress();
            final Binding binding = routes.get(path);
            if (null == binding)
            {
                for (final Map.Entry<String, Route> prefix : prefixRoutes)
                {
                    if (path.startsWith(prefix.getKey()))
                    {
                        return prefix.getValue().handle(request, remote);
                    }
                }
                return CompletableFuture.completedFuture(HttpAnswer.text(404, "not found"));
            }
            if (!binding.methods().contains(request.method()))
            {
                return CompletableFuture.completedFuture(HttpAnswer.text(405, "method not allowed"));
            }
            return binding.route().handle(request, remote);
        }

        private void respond(final ChannelHandlerContext chc, final FullHttpRequest request, final HttpAnswer answer)
        {
            final boolean head = HttpMethod.HEAD.equals(request.method());
            final boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            final FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                HttpResponseStatus.valueOf(answer.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
            request.release();
            for (final Map.Entry<String, String> header : answer.headers().entrySet())
            {
                response.headers().set(header.getKey(), header.getValue());
            }
            response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
            if (answer.status() == 405 && !response.headers().contains(HttpHeaderNames.ALLOW))
            {
                final String allowed = allowed(request);
                if (null != allowed)
                {
                    response.headers().set(HttpHeaderNames.ALLOW, allowed);
                }
            }
            if (!chc.channel().isActive())
            {
                response.release();
                return;
            }
            busy = false;
            if (keepAlive)
            {
                HttpUtil.setKeepAlive(response, true);
                chc.writeAndFlush(response);
                armTimeout(chc);
                chc.channel().config().setAutoRead(true);
            }
            else
            {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                chc.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private String allowed(final FullHttpRequest request)
        {
            final Binding binding = routes.get(new QueryStringDecoder(request.uri()).path());
            if (null == binding)
            {
                return null;
            }
            final StringBuilder b = new StringBuilder();
            for (final HttpMethod m : binding.methods())
            {
                b.append(b.length() == 0 ? "" : ", ").append(m.name());
            }
            return b.toString();
        }

        public void exceptionCaught(final ChannelHandlerContext chc, final Throwable cause)
        {
            LOG.debug("HTTP connection {}: {}", chc.channel().remoteAddress(), cause.toString());
            chc.close();
        }
    }

    /** Routes, then {@link #start()}. */
    public static final class Builder
    {
        private final Context ctx;
        private final Map<String, Binding> routes = new LinkedHashMap<>();
        private final List<Map.Entry<String, Route>> prefixRoutes = new ArrayList<>();

        private Builder(final Context ctx)
        {
            this.ctx = Objects.requireNonNull(ctx, "ctx");
        }

        /** Serve {@code path} (exact) for GET and HEAD. */
        public Builder get(final String path, final Route route)
        {
            return route(path, Set.of(HttpMethod.GET, HttpMethod.HEAD), route);
        }

        /** Serve {@code path} (exact) for the given methods. */
        public Builder route(final String path, final Set<HttpMethod> methods, final Route route)
        {
            if (null != routes.putIfAbsent(path, new Binding(Set.copyOf(methods), Objects.requireNonNull(route))))
            {
                throw new IllegalArgumentException("route already defined: " + path);
            }
            return this;
        }

        /**
         * Serve every path that starts with {@code prefix} (and has no exact route), whatever the method: the route
         * answers unknown paths and methods itself (an API with its own error format).
         */
        public Builder prefix(final String prefix, final Route route)
        {
            prefixRoutes.add(Map.entry(Objects.requireNonNull(prefix), Objects.requireNonNull(route)));
            prefixRoutes.sort((a, b) -> b.getKey().length() - a.getKey().length());
            return this;
        }

        /**
         * Bind and start serving.
         *
         * @throws IllegalStateException when the port cannot be bound (the cause says why).
         */
        public HttpEndpointServer start()
        {
            ctx.conclude();
            try
            {
                return new HttpEndpointServer(ctx, Map.copyOf(routes), List.copyOf(prefixRoutes));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding", ex);
            }
        }
    }

    /** Settings, each with a default; {@link #conclude()} validates them once. */
    public static final class Context
    {
        /** Default request timeout: a complete request within 10 s of connecting or of the previous answer. */
        public static final long REQUEST_TIMEOUT_MS_DEFAULT = 10_000;
        /** Default connection limit. */
        public static final int MAX_CONNECTIONS_DEFAULT = 64;
        /** Default largest request body. */
        public static final int MAX_BODY_BYTES_DEFAULT = 64 * 1024;

        private String host = "0.0.0.0";
        private int port;
        private long requestTimeoutMs = REQUEST_TIMEOUT_MS_DEFAULT;
        private int maxConnections = MAX_CONNECTIONS_DEFAULT;
        private int maxBodyBytes = MAX_BODY_BYTES_DEFAULT;
        private EventLoopGroup group;
        private ServerTls tls;

        Context conclude()
        {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            if (requestTimeoutMs <= 0 || maxConnections <= 0 || maxBodyBytes < 0)
            {
                throw new IllegalArgumentException("need requestTimeoutMs > 0, maxConnections > 0, maxBodyBytes >= 0");
            }
            return this;
        }

        public String host()
        {
            return host;
        }

        /** Address to bind (default every interface). */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        public int port()
        {
            return port;
        }

        /** Port to bind; 0 (default) picks a free one. */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public long requestTimeoutMs()
        {
            return requestTimeoutMs;
        }

        /** Time allowed for a complete request, from connecting or from the previous answer. */
        public Context requestTimeoutMs(final long ms)
        {
            this.requestTimeoutMs = ms;
            return this;
        }

        public int maxConnections()
        {
            return maxConnections;
        }

        /** Most connections open at once. */
        public Context maxConnections(final int max)
        {
            this.maxConnections = max;
            return this;
        }

        public int maxBodyBytes()
        {
            return maxBodyBytes;
        }

        /** Largest request body accepted (larger: 413). */
        public Context maxBodyBytes(final int bytes)
        {
            this.maxBodyBytes = bytes;
            return this;
        }

        public EventLoopGroup group()
        {
            return group;
        }

        public ServerTls tls()
        {
            return tls;
        }

        /** Serve HTTPS with this certificate ({@code --tls-cert/--tls-key}); null (default): plain HTTP. */
        public Context tls(final ServerTls tls)
        {
            this.tls = tls;
            return this;
        }

        /**
         * Serve on one loop of this group, made by {@link #newEventLoopGroup()} (the caller owns it); null (default):
         * a one-thread group of the server's own.
         */
        public Context group(final EventLoopGroup group)
        {
            this.group = group;
            return this;
        }
    }
}
