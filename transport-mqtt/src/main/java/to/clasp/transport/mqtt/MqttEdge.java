package to.clasp.transport.mqtt;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.edge.InboundPort;
import to.clasp.transport.ws.EdgeLoop;

/**
 * The embedded MQTT broker: MQTT 3.1.1 and 5.0 clients on TCP, each one a CLASP session of the router's core. The
 * edge only translates (docs/operations.md § MQTT): CONNECT → HELLO (the password is the HELLO token), PUBLISH →
 * SET (retained) or PUBLISH (event), SUBSCRIBE → SUBSCRIBE, and back; QoS 1/2 acknowledgements, keep-alive, will
 * messages and persistent sessions are handled here, everything else (state, matching, scopes, limits) in the core.
 * <p>
 * Threads: every MQTT connection of this edge lives on ONE event loop — the first loop of the group it is given
 * (the WebSocket edge's, which hosts the core in the default shared mode, so an MQTT message is routed and
 * delivered without a thread hand-off) or a loop of its own. All session state is confined to that loop; the core
 * only calls {@code outboundReady()} / {@code close()}, which hop onto it.
 */
public final class MqttEdge implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MqttEdge.class);

    private final Context ctx;
    private final InboundPort inboundPort;
    private final MqttMetrics metrics = new MqttMetrics();
    private final TopicMapping mapping;
    private final EdgeLoop edgeLoop;
    private final EventLoop loop;
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    /** Client id → session; confined to {@link #loop}. */
    private final Map<String, MqttSession> sessions = new HashMap<>();
    private final List<MqttConnection> connections = new ArrayList<>();
    private int pendingConnects;
    /** Restored sessions waiting for the core's WELCOME, and how many were stored (edge loop). */
    private int restoring;
    private int restoredFrom;
    private int restoredOpen;
    private volatile boolean closed;
    /** Persistent sessions on disk ({@link Context#sessionDirectory}), or null: sessions live while the router runs. */
    private final MqttSessionStore store;

    private MqttEdge(final Context ctx, final InboundPort inboundPort) throws InterruptedException
    {
        this.ctx = ctx;
        this.inboundPort = inboundPort;
        this.mapping = new TopicMapping(ctx.namespace());
        this.edgeLoop = EdgeLoop.of(ctx.eventLoopGroup(), ctx.epoll(), "clasp-mqtt-io");
        this.loop = edgeLoop.loop();
        this.store = openStore(ctx);
        if (store != null)
        {
            // Sessions come back before the port opens, so a returning client finds its session (being restored).
            final java.util.List<MqttSessionStore.Record> records = store.load();
            loop.submit(() -> restore(records)).syncUninterruptibly();
        }
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(loop, loop)
            .channel(edgeLoop.serverSocketChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Read budget, as on the WebSocket edge: one read (at most 64 KiB) per readable connection per loop
            // iteration, so a flooding client cannot keep the loop reading while what it fans out waits to be written;
            // and when the core's ring fills, at most one read's packets are kept while the connection pauses.
            .childOption(ChannelOption.MAX_MESSAGES_PER_READ, READS_PER_ITERATION)
            // As on the WebSocket edge: past the high mark the connection stops draining its CLASP queue, so the
            // core's slow-consumer policy (conflation, then disconnect) absorbs a subscriber that does not read.
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(ctx.writeBufferLowWaterMark(), ctx.writeBufferHighWaterMark()))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    final MqttConnection connection = new MqttConnection(MqttEdge.this);
                    ch.pipeline()
                        .addLast(FRAMER, new PublishInPlace(connection, ctx.maxPacketSize()))
                        .addLast("mqtt-decoder", new MqttDecoder(ctx.maxPacketSize(), MAX_CLIENT_ID_LENGTH))
                        .addLast("mqtt-encoder", MqttEncoder.INSTANCE)
                        .addLast("mqtt", connection);
                }
            });
        try
        {
            serverChannel = bootstrap.bind(ctx.host(), ctx.port()).sync().channel();
        }
        catch (final Throwable t)
        {
            if (store != null)
            {
                store.freeze();
                store.close();
            }
            edgeLoop.closeNow();
            throw t;
        }
        localAddress = (InetSocketAddress)serverChannel.localAddress();
        LOG.info("MQTT edge listening on mqtt://{}:{} (namespace {}, max packet {} bytes)",
            localAddress.getHostString(), localAddress.getPort(), ctx.namespace().isEmpty() ? "/" : ctx.namespace(),
            ctx.maxPacketSize());
    }

    private static MqttSessionStore openStore(final Context ctx)
    {
        if (ctx.sessionDirectory() == null)
        {
            return null;
        }
        try
        {
            return MqttSessionStore.open(ctx.sessionDirectory());
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException("cannot open the MQTT session store " + ctx.sessionDirectory() +
                ": " + ex.getMessage(), ex);
        }
    }

    /** Edge loop: open the stored persistent sessions again (each a CLASP session whose client is away). */
    private void restore(final java.util.List<MqttSessionStore.Record> records)
    {
        final long now = System.currentTimeMillis();
        restoredFrom = records.size();
        for (final MqttSessionStore.Record r : records)
        {
            final long remainingMs = Math.min(r.remainingMs(now), ctx.maxSessionExpirySeconds() * 1000L);
            if (remainingMs <= 0)
            {
                store.delete(r.clientId); // expired while the router was down
                continue;
            }
            final MqttSession session = new MqttSession(this, r.clientId, r.expirySeconds);
            addSession(session);
            restoring++;
            session.restore(r, remainingMs);
        }
        if (restoring == 0)
        {
            restoreFinished();
        }
    }

    /** A restored session got its answer from the core (WELCOME and its SUBSCRIBEs sent, or a refusal). */
    void sessionRestored(final boolean open)
    {
        restoredOpen += open ? 1 : 0;
        if (restoring > 0 && --restoring == 0)
        {
            restoreFinished();
        }
    }

    private void restoreFinished()
    {
        if (restoredFrom > 0)
        {
            // Logged once every restored session's subscriptions are in the core's ring: from here on, what any
            // client publishes reaches them.
            LOG.info("MQTT: {} persistent session(s) restored from {} ({} of {} stored ended: expired while the " +
                "router was down, or refused by the core)", restoredOpen, store.directory(),
                restoredFrom - restoredOpen, restoredFrom);
        }
    }

    /** The sub-directory of {@code --data-dir} that holds persistent MQTT sessions. */
    public static final String SESSION_DIRECTORY = MqttSessionStore.DIRECTORY;

    /** Socket reads per readable connection per event-loop iteration. */
    static final int READS_PER_ITERATION = 1;

    /** The longest client identifier accepted (MQTT 5 allows up to 65 535 bytes; so do we). */
    static final int MAX_CLIENT_ID_LENGTH = 65_535;
    /** Pipeline name of the first handler ({@link PublishInPlace}); the keep-alive handler goes before it. */
    static final String FRAMER = "mqtt-framer";

    /**
     * Bind and start accepting MQTT clients.
     */
    public static MqttEdge launch(final Context ctx, final InboundPort inboundPort)
    {
        Objects.requireNonNull(inboundPort, "inboundPort");
        ctx.conclude();
        try
        {
            return new MqttEdge(ctx, inboundPort);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", ex);
        }
    }

    /** @return the address actually bound (useful with port 0). */
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    /** @return the edge's counters. */
    public MqttMetrics metrics()
    {
        return metrics;
    }

    public Context context()
    {
        return ctx;
    }

    /** @return open MQTT network connections. */
    public int openConnections()
    {
        return (int)metrics.connections();
    }

    /**
     * Stop accepting; existing connections stay. The router is shutting down: the sessions it now ends stay on disk
     * (with {@link Context#sessionDirectory}), for the next start.
     */
    public void stopAccepting()
    {
        if (store != null)
        {
            store.freeze();
        }
        serverChannel.close().syncUninterruptibly();
    }

    /**
     * Wait until every connection has closed (after the core closed every session), at most {@code timeoutMs}.
     */
    public boolean awaitConnectionsClosed(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (metrics.connections() > 0)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Stop accepting, close what is left, stop the edge's own loop (if it has one). */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (store != null)
        {
            store.freeze();
        }
        serverChannel.close().syncUninterruptibly();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() ->
        {
            for (final MqttConnection c : new ArrayList<>(connections))
            {
                c.closeNow(MqttMetrics.Disconnect.SHUTDOWN);
            }
            for (final MqttSession s : new ArrayList<>(sessions.values()))
            {
                s.discard();
            }
            done.complete(null);
        });
        try
        {
            done.get(2, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            LOG.warn("MQTT edge: closing connections did not finish: {}", ex.toString());
        }
        edgeLoop.close();
        if (store != null)
        {
            store.close();
        }
        LOG.info("MQTT edge on port {} closed", localAddress.getPort());
    }

    // ---- shared with connections and sessions (edge loop only) ----

    InboundPort inboundPort()
    {
        return inboundPort;
    }

    TopicMapping mapping()
    {
        return mapping;
    }

    /** @return the persistent-session store, or null (sessions are not kept across a restart). */
    MqttSessionStore store()
    {
        return store;
    }

    EventLoop loop()
    {
        return loop;
    }

    boolean isClosed()
    {
        return closed;
    }

    MqttSession session(final String clientId)
    {
        return sessions.get(clientId);
    }

    void addSession(final MqttSession session)
    {
        sessions.put(session.clientId(), session);
        metrics.sessions(sessions.size());
    }

    void removeSession(final MqttSession session)
    {
        if (sessions.get(session.clientId()) == session)
        {
            sessions.remove(session.clientId());
            metrics.sessions(sessions.size());
        }
    }

    void connectionOpened(final MqttConnection connection)
    {
        connections.add(connection);
        metrics.connectionOpened();
    }

    void connectionClosed(final MqttConnection connection)
    {
        connections.remove(connection);
        metrics.connectionClosed();
    }

    /** @return false when too many CONNECTs wait for the core's answer (the new one is refused: server busy). */
    boolean tryStartConnect()
    {
        if (pendingConnects >= ctx.maxPendingConnects())
        {
            return false;
        }
        pendingConnects++;
        return true;
    }

    void connectFinished()
    {
        pendingConnects--;
    }

    /**
     * Configuration of the MQTT edge. Every setting has a default and a system property ({@code clasp.mqtt.*}).
     */
    public static final class Context
    {
        public static final String HOST_DEFAULT = "0.0.0.0";
        public static final int PORT_DEFAULT = 1883;
        public static final String NAMESPACE_DEFAULT = "/mqtt";
        /** Largest MQTT packet accepted (and advertised to v5 clients); a CLASP frame carries at most 65 535 bytes. */
        public static final int MAX_PACKET_SIZE_DEFAULT = 65_536 + 1_024;
        /** QoS 1/2 PUBLISHes a client may have unacknowledged towards the router (advertised to v5 clients). */
        public static final int RECEIVE_MAXIMUM_DEFAULT = 1_024;
        /** QoS 1/2 messages the router keeps in flight towards one client (or fewer, the client's Receive Maximum). */
        public static final int MAX_INFLIGHT_DEFAULT = 1_024;
        /** Longest session expiry granted, in seconds; MQTT 3.1.1 persistent sessions get this (1 day). */
        public static final long MAX_SESSION_EXPIRY_DEFAULT = 86_400;
        public static final long CONNECT_TIMEOUT_MS_DEFAULT = 10_000;
        /** CONNECTs waiting for the core's answer at once; more are refused "server busy" (a CONNECT flood). */
        public static final int MAX_PENDING_CONNECTS_DEFAULT = 1_024;

        private String host = System.getProperty("clasp.mqtt.host", HOST_DEFAULT);
        private int port = Integer.getInteger("clasp.mqtt.port", PORT_DEFAULT);
        private String namespace = System.getProperty("clasp.mqtt.namespace", NAMESPACE_DEFAULT);
        private int maxPacketSize = Integer.getInteger("clasp.mqtt.max.packet.size", MAX_PACKET_SIZE_DEFAULT);
        private int receiveMaximum = Integer.getInteger("clasp.mqtt.receive.maximum", RECEIVE_MAXIMUM_DEFAULT);
        private int maxInflight = Integer.getInteger("clasp.mqtt.max.inflight", MAX_INFLIGHT_DEFAULT);
        private long maxSessionExpirySeconds =
            Long.getLong("clasp.mqtt.max.session.expiry", MAX_SESSION_EXPIRY_DEFAULT);
        private long connectTimeoutMs = Long.getLong("clasp.mqtt.connect.timeout.ms", CONNECT_TIMEOUT_MS_DEFAULT);
        private int maxPendingConnects =
            Integer.getInteger("clasp.mqtt.max.pending.connects", MAX_PENDING_CONNECTS_DEFAULT);
        private long offlineKeepAliveMs = 0;
        private java.io.File sessionDirectory;
        private int writeBufferLowWaterMark = 64 * 1024;
        private int writeBufferHighWaterMark = 256 * 1024;
        private EventLoopGroup eventLoopGroup;
        private boolean epoll;

        public Context conclude()
        {
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            new TopicMapping(namespace); // validates
            if (maxPacketSize < 1_024 || maxPacketSize > 268_435_455)
            {
                throw new IllegalArgumentException("maxPacketSize must be 1024..268435455: " + maxPacketSize);
            }
            if (receiveMaximum < 1 || receiveMaximum > 65_535 || maxInflight < 1 || maxInflight > 65_535)
            {
                throw new IllegalArgumentException("receiveMaximum and maxInflight must be 1..65535");
            }
            if (maxSessionExpirySeconds < 0 || maxSessionExpirySeconds > 0xFFFF_FFFFL)
            {
                throw new IllegalArgumentException("maxSessionExpirySeconds must be 0..4294967295");
            }
            if (connectTimeoutMs <= 0 || maxPendingConnects < 1)
            {
                throw new IllegalArgumentException("connectTimeoutMs and maxPendingConnects must be positive");
            }
            return this;
        }

        public String host()
        {
            return host;
        }

        public Context host(final String host)
        {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public int port()
        {
            return port;
        }

        /** TCP port, default {@value #PORT_DEFAULT}; 0 picks a free one. */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public String namespace()
        {
            return namespace;
        }

        /** CLASP prefix of MQTT topics, default {@value #NAMESPACE_DEFAULT}; "" maps topics to the root. */
        public Context namespace(final String namespace)
        {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        public int maxPacketSize()
        {
            return maxPacketSize;
        }

        public Context maxPacketSize(final int bytes)
        {
            this.maxPacketSize = bytes;
            return this;
        }

        public int receiveMaximum()
        {
            return receiveMaximum;
        }

        public Context receiveMaximum(final int receiveMaximum)
        {
            this.receiveMaximum = receiveMaximum;
            return this;
        }

        public int maxInflight()
        {
            return maxInflight;
        }

        public Context maxInflight(final int maxInflight)
        {
            this.maxInflight = maxInflight;
            return this;
        }

        public long maxSessionExpirySeconds()
        {
            return maxSessionExpirySeconds;
        }

        /** Cap on session expiry; 0 makes every session end with its connection. */
        public Context maxSessionExpirySeconds(final long seconds)
        {
            this.maxSessionExpirySeconds = seconds;
            return this;
        }

        public long connectTimeoutMs()
        {
            return connectTimeoutMs;
        }

        /** A connection that sends no CONNECT within this is closed. */
        public Context connectTimeoutMs(final long ms)
        {
            this.connectTimeoutMs = ms;
            return this;
        }

        public int maxPendingConnects()
        {
            return maxPendingConnects;
        }

        public Context maxPendingConnects(final int max)
        {
            this.maxPendingConnects = max;
            return this;
        }

        public long offlineKeepAliveMs()
        {
            return offlineKeepAliveMs;
        }

        /**
         * How often a persistent session whose client is away tells the core it is still there (a CLASP PONG), so
         * the core's idle timeout does not end it; half the router's idle timeout is right. 0 (default) = never
         * (for a router without an idle timeout).
         */
        public Context offlineKeepAliveMs(final long ms)
        {
            this.offlineKeepAliveMs = ms;
            return this;
        }

        public java.io.File sessionDirectory()
        {
            return sessionDirectory;
        }

        /**
         * Keep persistent sessions in this directory, so they survive a restart ({@code DATA_DIR/mqtt-sessions}
         * with {@code --data-dir}); null (default) = they live while the router runs.
         */
        public Context sessionDirectory(final java.io.File directory)
        {
            this.sessionDirectory = directory;
            return this;
        }

        public int writeBufferLowWaterMark()
        {
            return writeBufferLowWaterMark;
        }

        public int writeBufferHighWaterMark()
        {
            return writeBufferHighWaterMark;
        }

        public Context writeBufferWaterMarks(final int low, final int high)
        {
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        public EventLoopGroup eventLoopGroup()
        {
            return eventLoopGroup;
        }

        public boolean epoll()
        {
            return epoll;
        }

        /**
         * Run on the first loop of this group (e.g. the WebSocket edge's, which hosts a shared core) instead of a
         * loop of the edge's own. {@code epoll} says whether the group's loops are epoll loops.
         */
        public Context eventLoopGroup(final EventLoopGroup group, final boolean epoll)
        {
            this.eventLoopGroup = group;
            this.epoll = epoll;
            return this;
        }
    }
}
