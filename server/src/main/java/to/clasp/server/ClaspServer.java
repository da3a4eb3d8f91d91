package to.clasp.server;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.core.Router;
import to.clasp.journal.DurableState;
import to.clasp.state.ParamStore;
import to.clasp.core.WaitStrategy;
import to.clasp.server.inspector.InspectorAccess;
import to.clasp.server.inspector.InspectorHandler;
import to.clasp.transport.aeron.AeronEdge;
import to.clasp.transport.mqtt.MqttBridge;
import to.clasp.transport.mqtt.MqttEdge;
import to.clasp.transport.mqtt.MqttMetrics;
import to.clasp.transport.osc.OscEdge;
import to.clasp.transport.http.HttpEndpointServer;
import to.clasp.transport.ws.WebSocketEdge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The wiring of one router process: the core ({@link Router}), the WebSocket edge, the optional Aeron UDP edge,
 * and the optional health and
 * metrics HTTP endpoints. Owns their start order (health first, so readiness can say "starting"; the edge last, so
 * no client connects to a half-built router) and their shutdown order (readiness off, stop accepting, close every
 * session with 1001, wait for the sockets to drain, stop).
 */
public final class ClaspServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClaspServer.class);

    private final Context ctx;
    private HealthEndpoint health;
    private Router router;
    private WebSocketEdge edge;
    private AeronEdge aeronEdge;
    private MqttEdge mqttEdge;
    private final java.util.List<MqttBridge> mqttBridges = new java.util.ArrayList<>();
    private OscEdge oscEdge;
    private MetricsEndpoint metrics;
    private DurableState durable;
    /** The thread serving health and metrics: never one that runs the core, so a stalled core can be reported. */
    private EventLoopGroup httpGroup;
    private volatile boolean live;
    private volatile boolean flushingState;
    private volatile boolean ready;
    private boolean closed;

    private ClaspServer(final Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Start every component and return once clients can connect.
     */
    public static ClaspServer start(final Context ctx)
    {
        final ClaspServer server = new ClaspServer(ctx.conclude());
        try
        {
            server.startComponents();
        }
        catch (final RuntimeException | IOException ex)
        {
            server.close();
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new UncheckedIOException((IOException)ex);
        }
        return server;
    }

    private void startComponents() throws IOException
    {
        final String host = ctx.edge().host();
        if (ctx.healthPort() != Context.OFF || ctx.metricsPort() != Context.OFF)
        {
            httpGroup = HttpEndpointServer.newEventLoopGroup();
        }
        if (ctx.healthPort() != Context.OFF)
        {
            health = new HealthEndpoint(httpContext(ctx.healthPort()), () -> live, () -> ready,
                () -> edge == null ? null : edge.refusingReason(),
                this::unhealthyReason);
        }
        if (ctx.durable() != null)
        {
            // Lock the data directory and recover into a store the core then takes over (before any client).
            final ParamStore store = ctx.router().newParamStore();
            durable = DurableState.open(ctx.durable(), store);
            ctx.router().initialState(store).durableState(durable);
        }
        router = Router.launch(ctx.router());
        if (router.sharedCore() != null && ctx.coreOnAeron())
        {
            // The Aeron edge's agent hosts the core (--core-thread aeron).
            ctx.aeron().sharedCore(router.sharedCore());
        }
        else if (router.sharedCore() != null)
        {
            // The core runs on the WebSocket edge's first event loop (--core-thread shared).
            ctx.edge().sharedCore(router.sharedCore()).spinSharedCore(ctx.router().waitStrategy() == WaitStrategy.SPIN);
        }
        ctx.edge().tls(ctx.security().tls());
        if (ctx.inspector())
        {
            // The web inspector on the WebSocket port (one sharable handler; it leaves a connection that upgrades).
            final InspectorHandler inspector =
                new InspectorHandler(router.stats(), ctx.inspectorAccess(), ctx.router().name());
            ctx.edge().httpPages(() -> inspector);
        }
        edge = WebSocketEdge.launch(ctx.edge(), router.inboundPort());
        ctx.security().startApi(host);
        if (ctx.aeron() != null)
        {
            aeronEdge = AeronEdge.launch(ctx.aeron(), router.inboundPort());
        }
        final MqttMetrics mqttMetrics = startAdapters();
        if (ctx.metricsPort() != Context.OFF)
        {
            final PrometheusRegistry registry = DurableMetrics.register(MetricsEndpoint.registerAeron(
                MetricsEndpoint.register(new PrometheusRegistry(), router, edge), aeronEdge), durable);
            AdapterMetrics.registerOsc(AdapterMetrics.registerMqtt(registry, mqttMetrics),
                oscEdge == null ? null : oscEdge.metrics());
            metrics = new MetricsEndpoint(httpContext(ctx.metricsPort()), registry);
        }
        live = true;
        ready = true;

        final StringBuilder line = new StringBuilder()
            .append("clasp server '").append(ctx.router().name()).append("' ready: WebSocket ")
            .append(ctx.security().tls() == null ? "ws://" : "wss://").append(host).append(':').append(wsPort())
            .append(" (").append(ctx.edge().useEpoll() ? "epoll" : "nio").append(", any path, subprotocol clasp")
            .append(ctx.security().tls() == null ? "" : ", TLS " + ctx.security().tls().provider()).append(')');
        if (aeronEdge != null)
        {
            line.append(", Aeron udp ").append(aeronEdge.localEndpoint()).append(" stream ")
                .append(ctx.aeron().streamId()).append(" (driver ")
                .append(ctx.aeron().driver().aeronDir() == null ?
                    "embedded " + ctx.aeron().driver().threadingMode() : "external " + ctx.aeron().driver().aeronDir())
                .append(", idle ").append(ctx.aeron().driver().idleStrategy()).append(')');
        }
        else
        {
            line.append(", Aeron off");
        }
        if (mqttEdge != null)
        {
            line.append(", MQTT mqtt://").append(host).append(':').append(mqttEdge.localAddress().getPort())
                .append(" (topics under ").append(namespace(ctx.mqtt().namespace())).append(')');
        }
        for (final MqttBridge b : mqttBridges)
        {
            line.append(", MQTT bridge ").append(b.context());
        }
        if (oscEdge != null)
        {
            line.append(", OSC udp ").append(host).append(':').append(oscEdge.localAddress().getPort())
                .append(" (addresses under ").append(namespace(ctx.osc().namespace())).append(')');
            for (final OscEdge.Context.Target t : ctx.osc().targets())
            {
                line.append(", OSC to ").append(t);
            }
        }
        line.append(ctx.inspector() ? ", inspector " + (ctx.security().tls() == null ? "http" : "https") + "://" + host +
            ':' + wsPort() + InspectorHandler.PATH : ", inspector off");
        if (health != null)
        {
            line.append(", health ").append(health.scheme()).append("://").append(host).append(':').append(health.port())
                .append("/healthz /readyz");
        }
        else
        {
            line.append(", health off");
        }
        if (metrics != null)
        {
            line.append(", metrics ").append(metrics.scheme()).append("://").append(host).append(':')
                .append(metrics.port()).append("/metrics");
        }
        else
        {
            line.append(", metrics off");
        }
        if (durable != null)
        {
            line.append(", data dir ").append(ctx.durable().directory()).append(" (fsync ")
                .append(ctx.durable().journal().fsync().name().toLowerCase(java.util.Locale.ROOT))
                .append(ctx.durable().journalEvents() ? ", events journaled; " : "; ")
                .append(durable.recovery().describe()).append(')');
        }
        else
        {
            line.append(", state in memory");
        }
        if (ctx.aeron() != null && ctx.aeron().allow() != null)
        {
            line.append(", Aeron sources ").append(ctx.aeron().allow());
        }
        line.append(", ").append(ctx.security().describe(host));
        line.append(", core ").append(router.sharedCore() == null ?
            "on its own thread (wait " + ctx.router().waitStrategy().name().toLowerCase(java.util.Locale.ROOT) + ")" :
            ctx.coreOnAeron() ? "on the Aeron edge's agent" : "on the WebSocket event loop");
        LOG.info("{}", line);
    }

    /**
     * The MQTT broker, the MQTT bridges and the OSC edge, on the WebSocket edge's first event loop (the one that hosts
     * a shared core), so their traffic is routed without a thread hand-off.
     *
     * @return the MQTT counters (shared by the broker and the bridges), or null when neither runs.
     */
    private MqttMetrics startAdapters()
    {
        final boolean epoll = ctx.edge().useEpoll();
        MqttMetrics mqttMetrics = null;
        if (ctx.mqtt() != null)
        {
            mqttEdge = MqttEdge.launch(ctx.mqtt().eventLoopGroup(edge.eventLoopGroup(), epoll), router.inboundPort());
            mqttMetrics = mqttEdge.metrics();
        }
        for (final MqttBridge.Context b : ctx.mqttBridges())
        {
            if (mqttMetrics == null)
            {
                mqttMetrics = b.metrics();
            }
            mqttBridges.add(MqttBridge.launch(b.metrics(mqttMetrics).eventLoopGroup(edge.eventLoopGroup(), epoll),
                router.inboundPort()));
        }
        if (ctx.osc() != null)
        {
            oscEdge = OscEdge.launch(ctx.osc().eventLoopGroup(edge.eventLoopGroup(), epoll), router.inboundPort());
        }
        return mqttMetrics;
    }

    private static String namespace(final String ns)
    {
        return ns.isEmpty() ? "/" : ns;
    }

    /** @return the MQTT broker edge, or null when {@code --mqtt-port} is not given. */
    public MqttEdge mqttEdge()
    {
        return mqttEdge;
    }

    /** @return the OSC edge, or null when {@code --osc-port} is not given. */
    public OscEdge oscEdge()
    {
        return oscEdge;
    }

    private HttpEndpointServer.Context httpContext(final int port)
    {
        return new HttpEndpointServer.Context().host(ctx.edge().host()).port(port).group(httpGroup)
            .tls(ctx.security().tls());
    }

    /** @return the WebSocket port actually bound. */
    public int wsPort()
    {
        return edge.localAddress().getPort();
    }

    /** @return the Aeron edge, or null when {@code --aeron-endpoint} is not given. */
    public AeronEdge aeronEdge()
    {
        return aeronEdge;
    }

    /** @return the health port actually bound, or -1 when off. */
    public int healthPort()
    {
        return health == null ? Context.OFF : health.port();
    }

    /** @return the metrics port actually bound, or -1 when off. */
    public int metricsPort()
    {
        return metrics == null ? Context.OFF : metrics.port();
    }

    /** @return the auth API's port, or -1 when {@code --auth-port} is not given. */
    public int authPort()
    {
        return ctx.security().apiPort();
    }

    /** @return the running router core. */
    public Router router()
    {
        return router;
    }

    /** @return whether shutdown is writing the durable state to disk now (after the drain). */
    public boolean isFlushingState()
    {
        return flushingState;
    }

    /** @return the budget of a graceful shutdown, in ms. */
    public long drainTimeoutMs()
    {
        return ctx.drainTimeoutMs();
    }

    /** @return whether the server accepts clients (what {@code /readyz} reports). */
    public boolean isReady()
    {
        return ready;
    }

    /**
     * Graceful shutdown: readiness 503, stop accepting, close every session with WebSocket 1001, wait (bounded) for
     * the sockets to close, stop the endpoints. Idempotent.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        ready = false;
        // One budget for the whole drain, whatever state the core is in: a stuck core costs its share of the budget,
        // never more.
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.drainTimeoutMs());
        try
        {
            if (edge != null)
            {
                edge.stopAccepting();
            }
            if (aeronEdge != null)
            {
                aeronEdge.stopAccepting();
            }
            if (mqttEdge != null)
            {
                mqttEdge.stopAccepting();
            }
            if (oscEdge != null)
            {
                oscEdge.stopAccepting();
            }
            if (router != null && !router.close(remainingMs(deadline)))
            {
                LOG.warn("the core did not close its sessions within the drain timeout ({} ms){}; closing the " +
                    "connections", ctx.drainTimeoutMs(), stallNote());
            }
            // The adapters share the WebSocket edge's event loop: they close before it does.
            if (mqttEdge != null)
            {
                if (!mqttEdge.awaitConnectionsClosed(remainingMs(deadline)))
                {
                    LOG.warn("{} MQTT connection(s) still open after the drain timeout ({} ms); closing them",
                        mqttEdge.openConnections(), ctx.drainTimeoutMs());
                }
                mqttEdge.close();
            }
            for (final MqttBridge b : mqttBridges)
            {
                b.close();
            }
            if (oscEdge != null)
            {
                oscEdge.close();
            }
            if (edge != null)
            {
                if (!edge.awaitConnectionsClosed(remainingMs(deadline)))
                {
                    LOG.warn("{} connection(s) still open after the drain timeout ({} ms); closing them",
                        edge.openConnections(), ctx.drainTimeoutMs());
                }
                edge.close();
            }
            if (aeronEdge != null)
            {
                if (!aeronEdge.awaitConnectionsClosed(remainingMs(deadline)))
                {
                    LOG.warn("{} Aeron session(s) still open after the drain timeout ({} ms); closing them",
                        aeronEdge.openConnections(), ctx.drainTimeoutMs());
                }
                aeronEdge.close();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            if (durable != null)
            {
                // The core and the edges have stopped: sync the journal, write the final snapshot, unlock. Disk work,
                // outside the drain budget (ShutdownSignals gives it a budget of its own).
                flushingState = true;
                durable.close();
                flushingState = false;
            }
            if (metrics != null)
            {
                metrics.close();
            }
            if (health != null)
            {
                health.close();
            }
            ctx.security().close();
            if (httpGroup != null)
            {
                httpGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
            live = false;
            LOG.info("clasp server stopped");
        }
    }

    private static long remainingMs(final long deadlineNs)
    {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
    }

    /**
     * @return why /healthz answers 503 once started: the core is stalled, or the journal failed (the router then
     * refuses every write until it is restarted on a working disk); null when healthy.
     */
    private String unhealthyReason()
    {
        final String stall = null == router ? null : router.watchdog().stallReason();
        if (null != stall)
        {
            return stall;
        }
        return journalFailure();
    }

    /** @return why the journal failed while the server ran (writes were refused from then on), or null. */
    public String journalFailure()
    {
        return null == durable ? null : durable.writer().failure();
    }

    private String stallNote()
    {
        final String stall = router.watchdog().stallReason();
        return null == stall ? "" : " (" + stall + ")";
    }

    /**
     * What to start: the router's and the edge's contexts plus the HTTP endpoints.
     */
    public static final class Context
    {
        /** Port value meaning "endpoint off". */
        public static final int OFF = -1;
        /** Default bound on waiting for clients to close after the 1001 close frame (ms). */
        public static final long DRAIN_TIMEOUT_MS_DEFAULT = 5_000;

        private Router.Context router = new Router.Context();
        private WebSocketEdge.Context edge = new WebSocketEdge.Context();
        private AeronEdge.Context aeron;
        private int healthPort = OFF;
        private int metricsPort = OFF;
        private long drainTimeoutMs = DRAIN_TIMEOUT_MS_DEFAULT;
        private boolean coreOnAeron;
        private ServerSecurity security = ServerSecurity.none();
        private boolean inspector = true;
        private InspectorAccess inspectorAccess = InspectorAccess.OPEN;
        private DurableState.Context durable;
        private MqttEdge.Context mqtt;
        private java.util.List<MqttBridge.Context> mqttBridges = java.util.List.of();
        private OscEdge.Context osc;

        public MqttEdge.Context mqtt()
        {
            return mqtt;
        }

        /** The MQTT broker's settings; null (default) = no broker. */
        public Context mqtt(final MqttEdge.Context mqtt)
        {
            this.mqtt = mqtt;
            return this;
        }

        public java.util.List<MqttBridge.Context> mqttBridges()
        {
            return mqttBridges;
        }

        /** Brokers to bridge to (default none). */
        public Context mqttBridges(final java.util.List<MqttBridge.Context> bridges)
        {
            this.mqttBridges = java.util.List.copyOf(bridges);
            return this;
        }

        public OscEdge.Context osc()
        {
            return osc;
        }

        /** The OSC edge's settings; null (default) = no OSC. */
        public Context osc(final OscEdge.Context osc)
        {
            this.osc = osc;
            return this;
        }

        Context conclude()
        {
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(edge, "edge");
            if (coreOnAeron && aeron == null)
            {
                throw new IllegalArgumentException("the core can run on the Aeron edge only when it is on");
            }
            edge.conclude();
            if (aeron != null)
            {
                aeron.conclude();
            }
            return this;
        }

        public Router.Context router()
        {
            return router;
        }

        public Context router(final Router.Context router)
        {
            this.router = router;
            return this;
        }

        public WebSocketEdge.Context edge()
        {
            return edge;
        }

        public Context edge(final WebSocketEdge.Context edge)
        {
            this.edge = edge;
            return this;
        }

        public boolean coreOnAeron()
        {
            return coreOnAeron;
        }

        /**
         * With a shared core ({@link to.clasp.core.CoreThreading#SHARED}): host it on the Aeron edge's agent instead
         * of the first WebSocket event loop (default false).
         */
        public Context coreOnAeron(final boolean onAeron)
        {
            this.coreOnAeron = onAeron;
            return this;
        }

        public boolean inspector()
        {
            return inspector;
        }

        /** Serve the web inspector at {@code /inspector/} on the WebSocket port (default true). */
        public Context inspector(final boolean inspector)
        {
            this.inspector = inspector;
            return this;
        }

        public InspectorAccess inspectorAccess()
        {
            return inspectorAccess;
        }

        /** Who may read the inspector's JSON data (default {@link InspectorAccess#OPEN}: everyone, everything). */
        public Context inspectorAccess(final InspectorAccess access)
        {
            this.inspectorAccess = Objects.requireNonNull(access, "access");
            return this;
        }

        public AeronEdge.Context aeron()
        {
            return aeron;
        }

        /** The Aeron UDP edge's settings; null (default) = no Aeron edge. */
        public Context aeron(final AeronEdge.Context aeron)
        {
            this.aeron = aeron;
            return this;
        }

        public int healthPort()
        {
            return healthPort;
        }

        /** Port for /healthz and /readyz; 0 = any free port; {@link #OFF} (default) = no endpoint. */
        public Context healthPort(final int healthPort)
        {
            this.healthPort = healthPort;
            return this;
        }

        public int metricsPort()
        {
            return metricsPort;
        }

        /** Port for Prometheus /metrics; 0 = any free port; {@link #OFF} (default) = no endpoint. */
        public Context metricsPort(final int metricsPort)
        {
            this.metricsPort = metricsPort;
            return this;
        }

        ServerSecurity security()
        {
            return security;
        }

        /** Token sources, auth API and TLS (built from the flags by {@link ServerSecurity#open}); default none. */
        Context security(final ServerSecurity security)
        {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        public DurableState.Context durable()
        {
            return durable;
        }

        /** Durable state ({@code --data-dir}); null (default) = in memory, REPLAY answers ERROR 501. */
        public Context durable(final DurableState.Context durable)
        {
            this.durable = durable;
            return this;
        }

        public long drainTimeoutMs()
        {
            return drainTimeoutMs;
        }

        /** Most time shutdown waits for clients to close after the 1001 close frame. */
        public Context drainTimeoutMs(final long drainTimeoutMs)
        {
            this.drainTimeoutMs = drainTimeoutMs;
            return this;
        }
    }
}
