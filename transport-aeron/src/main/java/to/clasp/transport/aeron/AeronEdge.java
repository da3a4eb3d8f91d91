package to.clasp.transport.aeron;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.Subscription;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.core.SharedCore;
import to.clasp.edge.InboundPort;

/**
 * The router's Aeron UDP edge: one subscription on {@code aeron:udp?endpoint=HOST:PORT} that every client publishes
 * to (each client publication is one image, one session), and one exclusive publication back to each client's
 * response channel. CLASP frames travel inside a small SBE envelope ({@code clasp-aeron-envelope.xml}); several
 * frames share one Aeron message when the edge batches.
 * <pre>{@code
 * try (Router router = Router.launch(new Router.Context());
 *      AeronEdge edge = AeronEdge.launch(new AeronEdge.Context().endpoint("0.0.0.0:7331"), router.inboundPort()))
 * {
 *     ...
 * }
 * }</pre>
 * One thread ({@link Context#agentName()}) does everything, including, by default, the embedded media driver's duty
 * cycle (INVOKER mode). Shutdown order, as for WebSocket: {@link #stopAccepting()}, close the router (every session
 * gets Disconnect 1001 after its queued frames), {@link #awaitConnectionsClosed}, {@link #close()}.
 */
public final class AeronEdge implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AeronEdge.class);

    private final Context ctx;
    private final AeronRuntime runtime;
    private final WakeableIdleStrategy idle;
    private final AeronEdgeAgent agent;
    private final AgentRunner runner;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final String localEndpoint;

    private AeronEdge(final Context ctx, final InboundPort inboundPort)
    {
        this.ctx = ctx;
        this.runtime = AeronRuntime.start(ctx.driver(), "clasp-edge", ctx.errorHandler()::accept);
        try
        {
            final String idleSpec = ctx.driver().idleStrategy();
            final SharedCore core = ctx.sharedCore();
            this.idle = null == core ? new WakeableIdleStrategy(IdleStrategies.parse(idleSpec)) :
                new WakeableIdleStrategy(IdleStrategies.parse(idleSpec), IdleStrategies.maxIdleNs(idleSpec),
                    core::hasWork, core::nanosToNextTimer);
            this.agent = new AeronEdgeAgent(ctx, runtime, inboundPort, openSessions, idle);
            this.localEndpoint = resolveEndpoint(agent.subscription());
        }
        catch (final RuntimeException ex)
        {
            runtime.close();
            throw ex;
        }
        this.runner = new AgentRunner(idle, ctx.errorHandler()::accept, null, agent);
    }

    /**
     * Start the driver (or attach), bind the endpoint and start the edge's thread.
     *
     * @param ctx         settings; concluded here.
     * @param inboundPort the router's inbound port.
     * @return the running edge.
     */
    public static AeronEdge launch(final Context ctx, final InboundPort inboundPort)
    {
        ctx.conclude();
        final AeronEdge edge = new AeronEdge(ctx, inboundPort);
        AgentRunner.startOnThread(edge.runner, r ->
        {
            final Thread t = new Thread(r, ctx.agentName());
            t.setDaemon(true);
            return t;
        });
        LOG.info("aeron edge on udp {} stream {} ({} driver {}{}, idle {})", edge.localEndpoint, ctx.streamId(),
            edge.runtime.embedded() ? "embedded" : "external", edge.runtime.directory(),
            edge.runtime.embedded() ? ", " + ctx.driver().threadingMode() : "", ctx.driver().idleStrategy());
        return edge;
    }

    private String resolveEndpoint(final Subscription subscription)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String endpoint;
        while (null == (endpoint = subscription.resolvedEndpoint()))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("aeron endpoint " + ctx.endpoint() + " did not bind within 5 s");
            }
            runtime.invokeFor(100);
        }
        return endpoint;
    }

    /** @return the endpoint actually bound, {@code host:port} (the port resolved when 0 was asked for). */
    public String localEndpoint()
    {
        return localEndpoint;
    }

    /** @return the port actually bound. */
    public int port()
    {
        return Integer.parseInt(localEndpoint.substring(localEndpoint.lastIndexOf(':') + 1));
    }

    /** @return the media driver directory in use (embedded or external). */
    public String aeronDirectory()
    {
        return runtime.directory();
    }

    /**
     * @param counterId one of {@code io.aeron.AeronCounters.SYSTEM_COUNTER_ID_*}, e.g. NAK messages sent.
     * @return the media driver's system counter (while the edge runs).
     */
    public long driverCounter(final int counterId)
    {
        return runtime.systemCounter(counterId);
    }

    /** @return Connects dropped because their source address is outside {@link Context#allow()}. */
    public long refusedBySource()
    {
        return agent.refusedBySource();
    }

    /** @return settings in force. */
    public Context context()
    {
        return ctx;
    }

    /** Refuse new sessions (a Connect then gets Reject 1001); existing ones continue. */
    public void stopAccepting()
    {
        agent.stopAccepting();
    }

    /**
     * @return Connects refused before they became a session: unreadable, a bad response channel, or more pending than
     * {@link Context#maxPendingConnects()}.
     */
    public long refusedConnects()
    {
        return agent.refusedConnects();
    }

    /** @return sessions connecting or open (not yet finished). */
    public int openConnections()
    {
        return openSessions.get();
    }

    /**
     * Wait until every session has finished (for shutdown, after the router closed them).
     *
     * @return true if none is left.
     */
    public boolean awaitConnectionsClosed(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (openSessions.get() > 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Stop the thread; sessions still open get Disconnect 1001; the embedded driver stops and its directory goes. */
    public void close()
    {
        runner.close();
    }

    /**
     * Edge settings with documented defaults; {@link #conclude()} validates once, at launch.
     */
    public static final class Context
    {
        /** Default UDP endpoint: every interface, port 7331. */
        public static final String ENDPOINT_DEFAULT = "0.0.0.0:7331";
        /** Default stream id clients publish to. */
        public static final int STREAM_ID_DEFAULT = 1001;

        private boolean concluded;
        private String endpoint = System.getProperty("clasp.aeron.endpoint", ENDPOINT_DEFAULT);
        private int streamId = Integer.getInteger("clasp.aeron.stream", STREAM_ID_DEFAULT);
        private DriverOptions driver = new DriverOptions();
        private int heartbeatIntervalMs = Integer.getInteger("clasp.aeron.heartbeat.interval.ms", 1000);
        private int heartbeatTimeoutMs = Integer.getInteger("clasp.aeron.heartbeat.timeout.ms", 5000);
        private int connectTimeoutMs = 5000;
        private int closeTimeoutMs = 2000;
        private int batchLength = Integer.getInteger("clasp.aeron.batch.length", 1024);
        private int fragmentLimit = 64;
        private int drainBudget = 64;
        private int signalQueueCapacity = 16_384;
        private int maxPendingConnects = 256;
        private to.clasp.security.CidrAllowList allow;
        private String agentName = "clasp-aeron-edge";
        private java.util.function.Consumer<Throwable> errorHandler = t -> LOG.error("aeron edge error", t);
        private SharedCore sharedCore;

        /** Validate; called by {@link AeronEdge#launch}. @return this. */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            Objects.requireNonNull(endpoint, "endpoint");
            final int colon = endpoint.lastIndexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException("endpoint must be HOST:PORT: " + endpoint);
            }
            final int port = Integer.parseInt(endpoint.substring(colon + 1));
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("endpoint port out of range: " + endpoint);
            }
            driver.conclude();
            if (heartbeatIntervalMs <= 0 || heartbeatTimeoutMs <= heartbeatIntervalMs)
            {
                throw new IllegalArgumentException("need 0 < heartbeatInterval < heartbeatTimeout: " +
                    heartbeatIntervalMs + ", " + heartbeatTimeoutMs);
            }
            if (batchLength < 64 || batchLength > 64 * 1024)
            {
                throw new IllegalArgumentException("batchLength must be 64..65536: " + batchLength);
            }
            if (connectTimeoutMs <= 0 || closeTimeoutMs <= 0 || fragmentLimit <= 0 || drainBudget <= 0 ||
                maxPendingConnects <= 0)
            {
                throw new IllegalArgumentException("timeouts and limits must be > 0");
            }
            concluded = true;
            return this;
        }

        private void checkMutable()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
        }

        /** @return {@code aeron:udp?endpoint=...} for the edge's subscription. */
        String channel()
        {
            return "aeron:udp?endpoint=" + endpoint;
        }

        /** @return UDP endpoint {@code HOST:PORT} to receive on (default {@value #ENDPOINT_DEFAULT}; port 0 = any). */
        public String endpoint()
        {
            return endpoint;
        }

        /** @param endpoint {@code HOST:PORT} to receive on. @return this. */
        public Context endpoint(final String endpoint)
        {
            checkMutable();
            this.endpoint = endpoint;
            return this;
        }

        /** @return stream id clients publish to (default {@value #STREAM_ID_DEFAULT}). */
        public int streamId()
        {
            return streamId;
        }

        /** @param streamId stream id clients publish to. @return this. */
        public Context streamId(final int streamId)
        {
            checkMutable();
            this.streamId = streamId;
            return this;
        }

        /** @return media driver settings (embedded INVOKER by default). */
        public DriverOptions driver()
        {
            return driver;
        }

        /** @param driver media driver settings. @return this. */
        public Context driver(final DriverOptions driver)
        {
            checkMutable();
            this.driver = Objects.requireNonNull(driver, "driver");
            return this;
        }

        /** @return how long a session may be silent before the edge sends a heartbeat (default 1000 ms). */
        public int heartbeatIntervalMs()
        {
            return heartbeatIntervalMs;
        }

        /** @param ms heartbeat interval, also sent to clients in ConnectAck. @return this. */
        public Context heartbeatIntervalMs(final int ms)
        {
            checkMutable();
            this.heartbeatIntervalMs = ms;
            return this;
        }

        /**
         * @return inbound silence after which a session is closed and the core told (locks released), default
         * 5000 ms. An image that becomes unavailable (client gone) closes the session at once.
         */
        public int heartbeatTimeoutMs()
        {
            return heartbeatTimeoutMs;
        }

        /** @param ms heartbeat timeout. @return this. */
        public Context heartbeatTimeoutMs(final int ms)
        {
            checkMutable();
            this.heartbeatTimeoutMs = ms;
            return this;
        }

        /** @return time for a client's response channel to connect before the Connect is dropped (5000 ms). */
        public int connectTimeoutMs()
        {
            return connectTimeoutMs;
        }

        /** @param ms connect timeout. @return this. */
        public Context connectTimeoutMs(final int ms)
        {
            checkMutable();
            this.connectTimeoutMs = ms;
            return this;
        }

        /** @return the source networks allowed to open sessions, or null (default) for any. */
        public to.clasp.security.CidrAllowList allow()
        {
            return allow;
        }

        /**
         * Open sessions only for clients whose packets come from these networks ({@code --aeron-allow}); a Connect
         * from any other source address is dropped without a reply (and logged at most once a second). Aeron UDP is
         * not encrypted, and a source address can be spoofed on a network that does not filter it: this keeps
         * strangers off a LAN router, it does not authenticate anyone (tokens do that).
         */
        public Context allow(final to.clasp.security.CidrAllowList allow)
        {
            checkMutable();
            this.allow = allow;
            return this;
        }

        /** @return most time a close waits to flush queued frames and the Disconnect (2000 ms). */
        public int closeTimeoutMs()
        {
            return closeTimeoutMs;
        }

        /** @param ms close timeout. @return this. */
        public Context closeTimeoutMs(final int ms)
        {
            checkMutable();
            this.closeTimeoutMs = ms;
            return this;
        }

        /**
         * @return soft limit in bytes of one outbound Frames message (default 1024: with the 32-byte Aeron header it
         * stays inside one 1408-byte datagram unless its last frame is large). 
         */
        public int batchLength()
        {
            return batchLength;
        }

        /** @param bytes soft batch limit. @return this. */
        public Context batchLength(final int bytes)
        {
            checkMutable();
            this.batchLength = bytes;
            return this;
        }

        /** @return fragments polled per duty cycle (64). */
        public int fragmentLimit()
        {
            return fragmentLimit;
        }

        /** @param limit fragments polled per duty cycle. @return this. */
        public Context fragmentLimit(final int limit)
        {
            checkMutable();
            this.fragmentLimit = limit;
            return this;
        }

        /** @return batches offered per session per turn before other sessions get theirs (64). */
        public int drainBudget()
        {
            return drainBudget;
        }

        /** @param batches per session per turn. @return this. */
        public Context drainBudget(final int batches)
        {
            checkMutable();
            this.drainBudget = batches;
            return this;
        }

        /** @return capacity of the queue of sessions signalled by the core (16384; overflow falls back to a scan). */
        public int signalQueueCapacity()
        {
            return signalQueueCapacity;
        }

        /**
         * @return Connects whose response publication is not yet connected that the edge holds at once (256); more
         * are dropped (the client retries). Bounds what a flood of Connects can make the edge allocate.
         */
        public int maxPendingConnects()
        {
            return maxPendingConnects;
        }

        /** @param max pending Connects held at once. @return this. */
        public Context maxPendingConnects(final int max)
        {
            checkMutable();
            this.maxPendingConnects = max;
            return this;
        }

        /** @return the edge thread's name ({@code clasp-aeron-edge}). */
        public String agentName()
        {
            return agentName;
        }

        /** @param name the edge thread's name. @return this. */
        public Context agentName(final String name)
        {
            checkMutable();
            this.agentName = name;
            return this;
        }

        /** @return receives errors from the edge's thread, the driver and the client conductor (default: log). */
        public java.util.function.Consumer<Throwable> errorHandler()
        {
            return errorHandler;
        }

        public SharedCore sharedCore()
        {
            return sharedCore;
        }

        /**
         * Run the router core on this edge's agent thread ({@link to.clasp.core.CoreThreading#SHARED}): an Aeron
         * message is routed and its fan-out offered to the publications in the same duty cycle. The agent then waits
         * per its idle strategy, never past the core's next timer. Null (default): the core runs elsewhere. Set
         * before {@link AeronEdge#launch} (the router, which owns the core, is launched first).
         *
         * @return this.
         */
        public Context sharedCore(final SharedCore core)
        {
            this.sharedCore = core;
            return this;
        }

        /** @param handler error handler. @return this. */
        public Context errorHandler(final java.util.function.Consumer<Throwable> handler)
        {
            checkMutable();
            this.errorHandler = Objects.requireNonNull(handler, "errorHandler");
            return this;
        }
    }
}
