package to.clasp.transport.ws;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.core.SharedCore;
import to.clasp.edge.InboundPort;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket edge: a Netty server that upgrades any request path to WebSocket (echoing the {@code clasp}
 * subprotocol when offered), hands every binary message to the core's {@link InboundPort} and writes the core's
 * outbound frames back as binary messages. Plain HTTP GET/HEAD on the same port answers {@code 200 ok}.
 * <p>
 * Threads: {@link Context#ioThreads()} Netty event loops (epoll when available) do all socket work; the core
 * thread only ever calls {@link to.clasp.edge.EdgeConnection#outboundReady()} / {@code close}, which hop onto the
 * connection's event loop.
 */
public final class WebSocketEdge implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEdge.class);

    private final Context ctx;
    private final EventLoopGroup group;
    private final ChannelGroup connections = new DefaultChannelGroup("clasp-ws", GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    private final ConnectionAdmission admission;
    private volatile boolean closed;

    private WebSocketEdge(final Context ctx, final InboundPort inboundPort) throws InterruptedException
    {
        this.ctx = ctx;
        final boolean epoll = ctx.useEpoll();
        final IoHandlerFactory plain = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final IoHandlerFactory ioHandler = ctx.sharedCore() == null ? plain :
            CoreHostingIoHandler.factory(plain, ctx.sharedCore(), ctx.spinSharedCore());
        final Class<? extends ServerChannel> channelClass =
            epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        group = new MultiThreadIoEventLoopGroup(ctx.ioThreads(), new DefaultThreadFactory("clasp-ws-io", true), ioHandler);
        if (ctx.sharedCore() != null)
        {
            // Loops start lazily; the one hosting the core (the first created) must run before any frame arrives.
            group.iterator().next().execute(() -> { });
        }

        admission = new ConnectionAdmission(ctx, group);
        final WebSocketDecoderConfig decoderConfig = HttpRequestHandler.decoderConfig(ctx);
        // The full HTTP stack, behind the upgrade fast path, for whatever is not a plain WebSocket upgrade.
        final Consumer<ChannelHandlerContext> httpStack = first ->
        {
            final ChannelPipeline p = first.pipeline();
            p.addAfter(first.name(), "http", new HttpServerCodec());
            p.addAfter("http", "http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
            String last = "http-aggregator";
            if (ctx.httpPages() != null)
            {
                p.addAfter(last, "http-pages", ctx.httpPages().get());
                last = "http-pages";
            }
            p.addAfter(last, "http-handler", new HttpRequestHandler(ctx, inboundPort, decoderConfig));
        };
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            // A storm of reconnecting clients must not overflow the accept queue (the kernel caps this at somaxconn).
            .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(admission.acceptBackoff())
            // Latency first: small CLASP frames must not wait for Nagle.
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Bounds what sits in Netty's outbound buffer per connection; past the high mark the channel turns
            // unwritable and the edge stops draining, so the core's per-session queue (and its slow-consumer
            // policy) absorbs the excess instead of the heap.
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(ctx.writeBufferLowWaterMark(), ctx.writeBufferHighWaterMark()))
            // Read budget: one read (at most 64 KiB) per readable connection per loop iteration, so a flooding
            // publisher cannot keep the loop reading while the frames it fans out wait to be written.
            .childOption(ChannelOption.MAX_MESSAGES_PER_READ, ctx.readsPerIteration())
            .childHandler(new AdmitConnection(inboundPort, decoderConfig, httpStack));

        try
        {
            serverChannel = bootstrap.bind(ctx.host(), ctx.port()).sync().channel();
        }
        catch (final Throwable t)
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw t;
        }
        localAddress = (InetSocketAddress)serverChannel.localAddress();
        LOG.info("WebSocket edge listening on {}://{}:{} ({}, {} io thread(s), max message {} bytes, {} frame decoder)",
            ctx.tls() == null ? "ws" : "wss", localAddress.getHostString(), localAddress.getPort(),
            epoll ? "epoll" : "nio", ctx.ioThreads(),
            ctx.maxFrameLength(), ctx.flyweightDecoder() ? "flyweight" : "Netty");
    }

    /**
     * The handler every accepted connection starts with (shared): admits it or closes it ({@link ConnectionAdmission}),
     * then hands its place to the connection's own {@link UpgradeFastPath} (behind TLS detection for wss://). One
     * pipeline change per connection where a {@code ChannelInitializer} makes two (and keeps a set of the channels
     * it is initialising): a storm admits thousands a second.
     */
    @ChannelHandler.Sharable
    private final class AdmitConnection extends ChannelInboundHandlerAdapter
    {
        private final InboundPort inboundPort;
        private final WebSocketDecoderConfig decoderConfig;
        private final Consumer<ChannelHandlerContext> httpStack;

        AdmitConnection(final InboundPort inboundPort, final WebSocketDecoderConfig decoderConfig,
            final Consumer<ChannelHandlerContext> httpStack)
        {
            this.inboundPort = inboundPort;
            this.decoderConfig = decoderConfig;
            this.httpStack = httpStack;
        }

        public void handlerAdded(final ChannelHandlerContext chc)
        {
            final SocketChannel ch = (SocketChannel)chc.channel();
            try
            {
                if (!admission.admit(ch))
                {
                    chc.pipeline().remove(this);
                    return;
                }
                connections.add(ch);
                chc.pipeline().replace(this, "ws-upgrade", new UpgradeFastPath(ctx, inboundPort, decoderConfig, httpStack));
                if (ctx.tls() != null)
                {
                    // wss://: TLS (or a clear refusal of plain HTTP) before everything else.
                    ch.pipeline().addBefore("ws-upgrade", "tls-detect", ctx.tls().newDetector());
                }
            }
            catch (final Throwable t)
            {
                LOG.warn("failed to set up connection {}: {}", ch.remoteAddress(), t.toString());
                ch.close();
            }
        }
    }

    /** Largest plain-HTTP request (the upgrade request or a health probe) the edge buffers. */
    static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;
    /** Pending connections the kernel queues before accept (Linux caps it at net.core.somaxconn). */
    static final int ACCEPT_BACKLOG = 4096;

    /**
     * Bind the server and start accepting connections.
     *
     * @param ctx         configuration; {@link Context#conclude()} is called here.
     * @param inboundPort the core's inbound side.
     * @return the running edge.
     */
    public static WebSocketEdge launch(final Context ctx, final InboundPort inboundPort)
    {
        Objects.requireNonNull(inboundPort, "inboundPort");
        ctx.conclude();
        try
        {
            return new WebSocketEdge(ctx, inboundPort);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", ex);
        }
    }

    /**
     * @return the address actually bound (useful with port 0).
     */
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    /**
     * @return the event loops of this edge; other edges (MQTT, OSC) run on its first loop, which hosts a shared core.
     */
    public EventLoopGroup eventLoopGroup()
    {
        return group;
    }

    /**
     * @return the configuration in use.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return how many TCP connections (HTTP or WebSocket) are open right now.
     */
    public int openConnections()
    {
        return connections.size();
    }

    /** @return the most connections open at once (see {@link Context#maxConnections()}). */
    public int maxConnections()
    {
        return admission.maxConnections();
    }

    /** @return connections closed for not finishing the WebSocket upgrade in time. */
    public long upgradeTimeouts()
    {
        return admission.upgradeTimeouts();
    }

    /** @return connections refused on accept for the per-address limit. */
    public long perAddressRefusals()
    {
        return admission.perIpRefusals();
    }

    /** @return connections refused on accept for the total limit. */
    public long connectionLimitRefusals()
    {
        return admission.limitRefusals();
    }

    /** @return {@code accept} calls that failed (e.g. out of file descriptors). */
    public long acceptFailures()
    {
        return admission.acceptFailures();
    }

    /**
     * @return why new clients are turned away right now (at the connection limit, accept failing), or null.
     */
    public String refusingReason()
    {
        return admission.refusing();
    }

    /** @return whether the channel's WebSocket upgrade has completed. */
    static boolean isUpgraded(final Channel ch)
    {
        return null != ch.pipeline().get(WebSocketConnection.class);
    }

    /**
     * Stop accepting new connections; existing ones stay open. First step of a graceful shutdown.
     */
    public void stopAccepting()
    {
        // Bounded: the close runs on an event loop, which may be stuck in a core cycle (shutdown must go on).
        serverChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    /**
     * Wait until every connection has closed (after the core asked each one to close), at most {@code timeoutMs}.
     *
     * @return true when none is left open.
     */
    public boolean awaitConnectionsClosed(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!connections.isEmpty())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /**
     * Stop accepting, close every remaining connection at once and stop the event loops.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        serverChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        // Bounded: a loop stuck in a core cycle must not hold shutdown for ever.
        if (!group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS))
        {
            LOG.warn("WebSocket event loops did not stop within 3 s");
        }
        LOG.info("WebSocket edge on port {} closed", localAddress.getPort());
    }

    /**
     * Configuration of the WebSocket edge. Every setting has a default and a system property; {@link #conclude()}
     * validates once at start.
     */
    public static final class Context
    {
        /** System property for {@link #host(String)}. */
        public static final String HOST_PROP = "clasp.ws.host";
        /** Default bind address: every interface. */
        public static final String HOST_DEFAULT = "0.0.0.0";
        /** System property for {@link #port(int)}. */
        public static final String PORT_PROP = "clasp.ws.port";
        /** Default CLASP WebSocket port. */
        public static final int PORT_DEFAULT = 7330;
        /** System property for {@link #ioThreads(int)}. */
        public static final String IO_THREADS_PROP = "clasp.ws.io.threads";
        /** Default number of event loop threads: one, sized for a 2-core machine that also runs the core thread. */
        public static final int IO_THREADS_DEFAULT = 1;
        /** System property for {@link #maxFrameLength(int)}. */
        public static final String MAX_FRAME_LENGTH_PROP = "clasp.ws.max.frame.length";
        /** Default largest WebSocket message: one CLASP frame, 4 + 8 + 65535 bytes. */
        public static final int MAX_FRAME_LENGTH_DEFAULT = 65_547;
        /** System property for {@link #epoll(Boolean)}: {@code true}, {@code false}, unset = auto. */
        public static final String EPOLL_PROP = "clasp.ws.epoll";
        /** Default outbound low water mark per connection (bytes). */
        public static final int WRITE_BUFFER_LOW_DEFAULT = 64 * 1024;
        /** Default outbound high water mark per connection (bytes). */
        public static final int WRITE_BUFFER_HIGH_DEFAULT = 256 * 1024;
        /** Default wait for the client's close frame before the socket is closed anyway (ms). */
        public static final long CLOSE_TIMEOUT_MS_DEFAULT = 2_000;
        /** System property for {@link #upgradeTimeoutMs(long)}. */
        public static final String UPGRADE_TIMEOUT_PROP = "clasp.ws.upgrade.timeout.ms";
        /** Default time from accept to a completed WebSocket upgrade (ms). */
        public static final long UPGRADE_TIMEOUT_MS_DEFAULT = 10_000;
        /** System property for {@link #maxConnectionsPerIp(int)}. */
        public static final String MAX_CONNECTIONS_PER_IP_PROP = "clasp.ws.max.connections.per.ip";
        /** Default most connections from one source address. */
        public static final int MAX_CONNECTIONS_PER_IP_DEFAULT = 1_000;
        /** System property for {@link #maxConnections(int)}. */
        public static final String MAX_CONNECTIONS_PROP = "clasp.ws.max.connections";
        /** System property for {@link #flyweightDecoder(boolean)} (on by default; {@code false} is the fallback). */
        public static final String FLYWEIGHT_DECODER_PROP = "clasp.ws.flyweight.decoder";
        /** Default reads per readable connection per event-loop iteration. */
        public static final int READS_PER_ITERATION_DEFAULT = 1;

        private String host = System.getProperty(HOST_PROP, HOST_DEFAULT);
        private int port = Integer.getInteger(PORT_PROP, PORT_DEFAULT);
        private int ioThreads = Integer.getInteger(IO_THREADS_PROP, IO_THREADS_DEFAULT);
        private int maxFrameLength = Integer.getInteger(MAX_FRAME_LENGTH_PROP, MAX_FRAME_LENGTH_DEFAULT);
        private Boolean epoll = System.getProperty(EPOLL_PROP) == null ? null : Boolean.getBoolean(EPOLL_PROP);
        private int writeBufferLowWaterMark = WRITE_BUFFER_LOW_DEFAULT;
        private int writeBufferHighWaterMark = WRITE_BUFFER_HIGH_DEFAULT;
        private long closeTimeoutMs = CLOSE_TIMEOUT_MS_DEFAULT;
        private long upgradeTimeoutMs = Long.getLong(UPGRADE_TIMEOUT_PROP, UPGRADE_TIMEOUT_MS_DEFAULT);
        private int maxConnectionsPerIp = Integer.getInteger(MAX_CONNECTIONS_PER_IP_PROP, MAX_CONNECTIONS_PER_IP_DEFAULT);
        private int maxConnections = Integer.getInteger(MAX_CONNECTIONS_PROP, 0);
        private int readsPerIteration = READS_PER_ITERATION_DEFAULT;
        private boolean flyweightDecoder = !"false".equalsIgnoreCase(System.getProperty(FLYWEIGHT_DECODER_PROP));
        private SharedCore sharedCore;
        private ServerTls tls;
        private boolean spinSharedCore;
        private boolean useEpoll;
        private java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> httpPages;

        /**
         * Validate and fill derived values. Called by {@link WebSocketEdge#launch}.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            if (ioThreads < 1)
            {
                throw new IllegalArgumentException("ioThreads must be >= 1: " + ioThreads);
            }
            if (maxFrameLength < 5)
            {
                throw new IllegalArgumentException("maxFrameLength must be >= 5: " + maxFrameLength);
            }
            if (writeBufferLowWaterMark <= 0 || writeBufferHighWaterMark < writeBufferLowWaterMark)
            {
                throw new IllegalArgumentException("write buffer water marks must satisfy 0 < low <= high");
            }
            if (upgradeTimeoutMs <= 0 || maxConnectionsPerIp <= 0 || maxConnections < 0 || readsPerIteration <= 0)
            {
                throw new IllegalArgumentException("need upgradeTimeoutMs > 0, maxConnectionsPerIp > 0, " +
                    "maxConnections >= 0, readsPerIteration > 0");
            }
            useEpoll = epoll == null ? Epoll.isAvailable() : epoll;
            if (useEpoll && !Epoll.isAvailable())
            {
                throw new IllegalStateException("epoll requested but not available", Epoll.unavailabilityCause());
            }
            return this;
        }

        public String host()
        {
            return host;
        }

        /** Address to bind, default {@value #HOST_DEFAULT}. */
        public Context host(final String host)
        {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public int port()
        {
            return port;
        }

        /** TCP port, default {@value #PORT_DEFAULT}; 0 picks a free one (see {@link WebSocketEdge#localAddress()}). */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public int ioThreads()
        {
            return ioThreads;
        }

        /** Netty event loop threads, default {@value #IO_THREADS_DEFAULT}. */
        public Context ioThreads(final int ioThreads)
        {
            this.ioThreads = ioThreads;
            return this;
        }

        public SharedCore sharedCore()
        {
            return sharedCore;
        }

        /**
         * Run the router core on the first event loop ({@link to.clasp.core.CoreThreading#SHARED}); null (default)
         * when the core has a thread of its own.
         */
        public Context sharedCore(final SharedCore sharedCore)
        {
            this.sharedCore = sharedCore;
            return this;
        }

        public ServerTls tls()
        {
            return tls;
        }

        /** Serve {@code wss://} with this certificate ({@code --tls-cert/--tls-key}); null (default) = plain ws://. */
        public Context tls(final ServerTls tls)
        {
            this.tls = tls;
            return this;
        }

        public boolean spinSharedCore()
        {
            return spinSharedCore;
        }

        /**
         * With a shared core: poll the sockets without blocking, so the hosting loop never sleeps (the {@code spin}
         * wait strategy; burns a core). Default false: the loop blocks in epoll when the core is idle.
         */
        public Context spinSharedCore(final boolean spin)
        {
            this.spinSharedCore = spin;
            return this;
        }

        public int maxFrameLength()
        {
            return maxFrameLength;
        }

        /** Largest WebSocket message accepted (after aggregating fragments); larger ones close with 1009. */
        public Context maxFrameLength(final int maxFrameLength)
        {
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        public Boolean epoll()
        {
            return epoll;
        }

        /** Force native epoll on ({@code true}) or off ({@code false}); {@code null} (default) = when available. */
        public Context epoll(final Boolean epoll)
        {
            this.epoll = epoll;
            return this;
        }

        /** @return whether native epoll is used; valid after {@link #conclude()}. */
        public boolean useEpoll()
        {
            return useEpoll;
        }

        public int writeBufferLowWaterMark()
        {
            return writeBufferLowWaterMark;
        }

        public int writeBufferHighWaterMark()
        {
            return writeBufferHighWaterMark;
        }

        /** Outbound water marks per connection in bytes (defaults 64 KiB / 256 KiB). */
        public Context writeBufferWaterMarks(final int low, final int high)
        {
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        public long upgradeTimeoutMs()
        {
            return upgradeTimeoutMs;
        }

        /** Time from accept to a completed WebSocket upgrade; then the connection is closed (default 10 s). */
        public Context upgradeTimeoutMs(final long ms)
        {
            this.upgradeTimeoutMs = ms;
            return this;
        }

        public int maxConnectionsPerIp()
        {
            return maxConnectionsPerIp;
        }

        /** Most connections open at once from one source IP address (default 1 000). */
        public Context maxConnectionsPerIp(final int max)
        {
            this.maxConnectionsPerIp = max;
            return this;
        }

        public int maxConnections()
        {
            return maxConnections;
        }

        /**
         * Most connections open at once; 0 (default) = the process's open-file limit less a reserve (an eighth of it,
         * 64..512 descriptors) kept for the router's own files, the health and metrics ports and Aeron.
         */
        public Context maxConnections(final int max)
        {
            this.maxConnections = max;
            return this;
        }

        public int readsPerIteration()
        {
            return readsPerIteration;
        }

        /** Socket reads per readable connection per event-loop iteration (default 1, at most 64 KiB each). */
        public Context readsPerIteration(final int reads)
        {
            this.readsPerIteration = reads;
            return this;
        }

        public boolean flyweightDecoder()
        {
            return flyweightDecoder;
        }

        /**
         * Decode inbound frames with {@link FlyweightFrameDecoder} straight into the core's ring (0 B per message; the
         * default), or with Netty's frame decoder and aggregator (a frame object per message), kept as a fallback:
         * {@code -Dclasp.ws.flyweight.decoder=false} (docs/architecture.md "WebSocket edge").
         */
        public Context flyweightDecoder(final boolean flyweight)
        {
            this.flyweightDecoder = flyweight;
            return this;
        }

        public long closeTimeoutMs()
        {
            return closeTimeoutMs;
        }

        /** How long a closing connection waits for the peer's close frame before the socket is closed anyway. */
        public Context closeTimeoutMs(final long closeTimeoutMs)
        {
            this.closeTimeoutMs = closeTimeoutMs;
            return this;
        }

        public java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> httpPages()
        {
            return httpPages;
        }

        /**
         * Plain-HTTP pages served on the WebSocket port (the web inspector): a handler per connection, placed before
         * the upgrade handler. It gets every aggregated {@code FullHttpRequest} first, answers the ones it serves and
         * passes the rest on (upgrades included, after which it should remove itself). Null (default) = none.
         */
        public Context httpPages(final java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> pages)
        {
            this.httpPages = pages;
            return this;
        }

        public String toString()
        {
            return "WebSocketEdge.Context{host=" + host + ", port=" + port + ", ioThreads=" + ioThreads +
                ", maxFrameLength=" + maxFrameLength + ", epoll=" + (epoll == null ? "auto" : epoll) + '}';
        }
    }
}
