package to.clasp.core;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.address.SubscriptionIndex;
import to.clasp.edge.InboundPort;
import to.clasp.journal.DurableState;
import to.clasp.protocol.Frame;
import to.clasp.state.ParamStore;

/**
 * A running CLASP router core: the inbound ring, the core thread and its state. Transports feed it through
 * {@link #inboundPort()}.
 * <pre>{@code
 * try (Router router = Router.launch(new Router.Context().name("Studio").maxSessions(500)))
 * {
 *     // hand router.inboundPort() to a transport
 * }
 * }</pre>
 * {@link #close()} closes every session with WebSocket code 1001 and stops the core thread.
 */
public final class Router implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Context ctx;
    private final RouterInboundPort inboundPort;
    private final RouterAgent agent;
    private final AgentRunner runner;
    private final SharedCore sharedCore;
    private final RouterStats stats;
    private final AuthMetrics authMetrics;
    private final BackPressureMetrics backPressure = new BackPressureMetrics();
    private final CoreWatchdog watchdog;

    private Router(final Context ctx)
    {
        this.ctx = ctx;
        final CoreIdleStrategy idle = new CoreIdleStrategy(ctx.waitStrategy());
        final int slotSize = ctx.inboundSlotSize();
        // The producer side never blocks inside the Disruptor (we use tryNext); the wait strategy here is unused
        // because the core polls with an EventPoller.
        final RingBuffer<InboundEvent> ring = RingBuffer.createMultiProducer(
            () -> new InboundEvent(slotSize), ctx.inboundRingSize(), new YieldingWaitStrategy());
        // Connects and new connections' control frames: taken before the next event of the ring (RouterAgent).
        final RingBuffer<InboundEvent> controlLane = RingBuffer.createMultiProducer(
            () -> new InboundEvent(slotSize), RouterConfiguration.CONTROL_LANE_SLOTS, new YieldingWaitStrategy());
        final RouterMetrics metrics = new RouterMetrics();
        final RouterCore core = new RouterCore(ctx, metrics);
        stats = core.stats();
        authMetrics = core.authMetrics();
        // Token verdicts from the authenticator's thread, and token changes, wake the core as producers do.
        core.authWaker(idle::wake);
        if (null != ctx.durableState())
        {
            // The journal thread (durable position reached) and the replay thread (frames ready) wake the core as
            // producers do.
            ctx.durableState().durablePosition().waker(idle::wake);
            ctx.durableState().replays().coreWaker(idle::wake);
        }
        inboundPort = new RouterInboundPort(ring, controlLane, idle, ctx, Frame.MAX_FRAME_LENGTH, backPressure);
        agent = new RouterAgent(ring, controlLane, core, idle, ctx, inboundPort);
        watchdog = new CoreWatchdog(agent, inboundPort, ctx.stallTimeoutNs());
        if (ctx.coreThreading() == CoreThreading.SHARED)
        {
            runner = null;
            sharedCore = new SharedCore(agent, idle, inboundPort, ctx);
        }
        else
        {
            runner = new AgentRunner(new NoOpIdleStrategy(), ctx.errorHandler()::accept, null, agent);
            sharedCore = null;
        }
    }

    /**
     * Validate the context, build the router and start its core thread ({@link CoreThreading#DEDICATED}; with
     * {@link CoreThreading#SHARED} the core waits for a host to {@link SharedCore#attach attach}).
     *
     * @param ctx settings; concluded here.
     * @return the running router.
     */
    public static Router launch(final Context ctx)
    {
        ctx.conclude();
        final Router router = new Router(ctx);
        if (null == router.runner)
        {
            return router;
        }
        AgentRunner.startOnThread(router.runner, r ->
        {
            final Thread t = new Thread(r, ctx.coreThreadName());
            t.setDaemon(true);
            return t;
        });
        return router;
    }

    /**
     * @return the port transports use to connect, pass frames and disconnect.
     */
    public InboundPort inboundPort()
    {
        return inboundPort;
    }

    /**
     * @return the core's duty cycle for a host thread to run, when {@link Context#coreThreading()} is
     * {@link CoreThreading#SHARED}; null with a dedicated core thread.
     */
    public SharedCore sharedCore()
    {
        return sharedCore;
    }

    /**
     * @return the router's counters, readable from any thread.
     */
    public RouterMetrics metrics()
    {
        return agent.metrics();
    }

    /**
     * @return sessions, rates and the busiest addresses, sampled by the core while someone reads them.
     */
    public RouterStats stats()
    {
        return stats;
    }

    /**
     * @return token auth's counters (refusals by code, sessions by token source), readable from any thread.
     */
    public AuthMetrics authMetrics()
    {
        return authMetrics;
    }

    /**
     * @return what the inbound ring's back-pressure did (counted by the edges' threads).
     */
    public BackPressureMetrics backPressure()
    {
        return backPressure;
    }

    /**
     * @return the core's watchdog: whether the duty cycle is stalled, and why.
     */
    public CoreWatchdog watchdog()
    {
        return watchdog;
    }

    /**
     * @return the settings in force.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Stop accepting input, close every session (WebSocket code 1001) and stop the core thread.
     */
    public void close()
    {
        close(TimeUnit.SECONDS.toMillis(10));
    }

    /**
     * {@link #close()}, waiting at most {@code timeoutMs} for the core to close its sessions.
     *
     * @return {@code false} when the core did not finish in time (it is stuck: the caller closes the transports
     *         anyway; the core's thread is left to end on its own).
     */
    public boolean close(final long timeoutMs)
    {
        watchdog.close();
        inboundPort.close();
        if (null != sharedCore)
        {
            return sharedCore.close(TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        }
        // AgentRunner.close() waits for the thread for as long as it takes: let it do so on a thread of its own.
        final Thread closer = new Thread(runner::close, ctx.coreThreadName() + "-close");
        closer.setDaemon(true);
        closer.start();
        try
        {
            closer.join(Math.max(1, timeoutMs));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return !closer.isAlive();
    }

    /**
     * Router settings. Every setting has a documented default (see {@link RouterConfiguration}, where each can also
     * be set by a system property); setters are fluent; {@link #conclude()} validates once, at launch.
     */
    public static final class Context
    {
        private boolean concluded;
        private String name = RouterConfiguration.string(
            RouterConfiguration.NAME_PROP, RouterConfiguration.NAME_DEFAULT);
        private int maxSessions = RouterConfiguration.integer(
            RouterConfiguration.MAX_SESSIONS_PROP, RouterConfiguration.MAX_SESSIONS_DEFAULT);
        private int rateLimit = RouterConfiguration.integer(
            RouterConfiguration.RATE_LIMIT_PROP, RouterConfiguration.RATE_LIMIT_DEFAULT);
        private int maxSubscriptionsPerSession = RouterConfiguration.integer(
            RouterConfiguration.MAX_SUBSCRIPTIONS_PROP, RouterConfiguration.MAX_SUBSCRIPTIONS_DEFAULT);
        private long idleTimeoutNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.IDLE_TIMEOUT_PROP, RouterConfiguration.IDLE_TIMEOUT_DEFAULT_NS);
        private long idleGraceNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.IDLE_GRACE_PROP, RouterConfiguration.IDLE_GRACE_DEFAULT_NS);
        private long helloTimeoutNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.HELLO_TIMEOUT_PROP, RouterConfiguration.HELLO_TIMEOUT_DEFAULT_NS);
        private final ParamStore.Context paramStore = new ParamStore.Context();
        private final SubscriptionIndex.Context subscriptionIndex = new SubscriptionIndex.Context();
        private int maxFilterAddresses = RouterConfiguration.integer(
            RouterConfiguration.FILTER_MAX_ADDRESSES_PROP, RouterConfiguration.FILTER_MAX_ADDRESSES_DEFAULT);
        private int inboundRingSize = RouterConfiguration.integer(
            RouterConfiguration.RING_SIZE_PROP, RouterConfiguration.RING_SIZE_DEFAULT);
        private int inboundSlotSize = RouterConfiguration.integer(
            RouterConfiguration.SLOT_SIZE_PROP, RouterConfiguration.SLOT_SIZE_DEFAULT);
        private long outboundSoftLimit = RouterConfiguration.bytes(
            RouterConfiguration.OUTBOUND_SOFT_LIMIT_PROP, RouterConfiguration.OUTBOUND_SOFT_LIMIT_DEFAULT);
        private long outboundHardLimit = RouterConfiguration.bytes(
            RouterConfiguration.OUTBOUND_HARD_LIMIT_PROP, RouterConfiguration.OUTBOUND_HARD_LIMIT_DEFAULT);
        private int outboundSegmentSize = RouterConfiguration.integer(
            RouterConfiguration.OUTBOUND_SEGMENT_SIZE_PROP, RouterConfiguration.OUTBOUND_SEGMENT_SIZE_DEFAULT);
        private int outboundSegmentPool = RouterConfiguration.integer(
            RouterConfiguration.OUTBOUND_SEGMENT_POOL_PROP, RouterConfiguration.OUTBOUND_SEGMENT_POOL_DEFAULT);
        private WaitStrategy waitStrategy = WaitStrategy.parse(RouterConfiguration.string(
            RouterConfiguration.WAIT_STRATEGY_PROP, RouterConfiguration.WAIT_STRATEGY_DEFAULT.name()));
        private CoreThreading coreThreading = CoreThreading.parse(RouterConfiguration.string(
            RouterConfiguration.CORE_THREADING_PROP, RouterConfiguration.CORE_THREADING_DEFAULT.name()));
        private long gestureIntervalNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.GESTURE_INTERVAL_PROP, RouterConfiguration.GESTURE_INTERVAL_DEFAULT_NS);
        private long ttlCheckIntervalNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.TTL_CHECK_INTERVAL_PROP, RouterConfiguration.TTL_CHECK_INTERVAL_DEFAULT_NS);
        private long maxBundleAheadMicros = RouterConfiguration.MAX_BUNDLE_AHEAD_DEFAULT_MICROS;
        private int pollBatchLimit = RouterConfiguration.POLL_BATCH_LIMIT_DEFAULT;
        private long snapshotBytesPerSecond = RouterConfiguration.bytes(
            RouterConfiguration.SNAPSHOT_RATE_PROP, RouterConfiguration.SNAPSHOT_RATE_DEFAULT);
        private long maxOutboundMemory = RouterConfiguration.bytes(
            RouterConfiguration.MAX_OUTBOUND_MEMORY_PROP, RouterConfiguration.maxOutboundMemoryDefault());
        private double inboundHighWater = RouterConfiguration.INBOUND_HIGH_WATER_DEFAULT;
        private double inboundLowWater = RouterConfiguration.INBOUND_LOW_WATER_DEFAULT;
        private long producerWaitTimeoutNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.PRODUCER_WAIT_TIMEOUT_PROP, RouterConfiguration.PRODUCER_WAIT_TIMEOUT_DEFAULT_NS);
        private long stallTimeoutNs = RouterConfiguration.millisAsNanos(
            RouterConfiguration.STALL_TIMEOUT_PROP, RouterConfiguration.STALL_TIMEOUT_DEFAULT_NS);
        private RouterClock clock = RouterClock.SYSTEM;
        private String coreThreadName = "clasp-core";
        private Consumer<Throwable> errorHandler = t -> LOG.error("core error", t);
        private ParamStore initialState;
        private DurableState durableState;
        private to.clasp.security.Authenticator authenticator = to.clasp.security.Authenticator.open();

        /**
         * Validate the settings. Called by {@link Router#launch}; settings must not change afterwards.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            Objects.requireNonNull(name, "name");
            if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024)
            {
                throw new IllegalArgumentException("name too long");
            }
            requireNonNegative("maxSessions", maxSessions);
            requireNonNegative("rateLimit", rateLimit);
            requireNonNegative("maxSubscriptionsPerSession", maxSubscriptionsPerSession);
            requireNonNegative("idleTimeout", idleTimeoutNs);
            requirePositive("idleGrace", idleGraceNs);
            requirePositive("helloTimeout", helloTimeoutNs);
            paramStore.conclude();
            subscriptionIndex.conclude();
            requirePositive("maxFilterAddresses", maxFilterAddresses);
            requirePositive("ttlCheckInterval", ttlCheckIntervalNs);
            requirePositive("gestureInterval", gestureIntervalNs);
            requirePositive("pollBatchLimit", pollBatchLimit);
            requirePositive("producerWaitTimeout", producerWaitTimeoutNs);
            requireNonNegative("snapshotBytesPerSecond", snapshotBytesPerSecond);
            requireNonNegative("maxOutboundMemory", maxOutboundMemory);
            requireNonNegative("stallTimeout", stallTimeoutNs);
            if (!(inboundLowWater > 0 && inboundLowWater <= inboundHighWater && inboundHighWater < 0.9))
            {
                throw new IllegalArgumentException("need 0 < inboundLowWater <= inboundHighWater < 0.9: " +
                    inboundLowWater + ", " + inboundHighWater);
            }
            if (Integer.bitCount(inboundRingSize) != 1)
            {
                throw new IllegalArgumentException("inboundRingSize must be a power of two: " + inboundRingSize);
            }
            if (inboundSlotSize < 64)
            {
                throw new IllegalArgumentException("inboundSlotSize must be >= 64: " + inboundSlotSize);
            }
            if (outboundSegmentSize < 1024 || (outboundSegmentSize & 7) != 0)
            {
                throw new IllegalArgumentException("outboundSegmentSize must be a multiple of 8, >= 1024");
            }
            if (outboundSegmentPool < 0)
            {
                throw new IllegalArgumentException("outboundSegmentPool must be >= 0: " + outboundSegmentPool);
            }
            if (outboundSoftLimit <= 0 || outboundHardLimit < outboundSoftLimit)
            {
                throw new IllegalArgumentException(
                    "need 0 < outboundSoftLimit <= outboundHardLimit: " + outboundSoftLimit + ", " + outboundHardLimit);
            }
            if (outboundHardLimit < Frame.MAX_FRAME_LENGTH)
            {
                throw new IllegalArgumentException("outboundHardLimit must hold a largest frame (65547 bytes)");
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(waitStrategy, "waitStrategy");
            Objects.requireNonNull(coreThreading, "coreThreading");
            if (coreThreading == CoreThreading.SHARED && !waitStrategy.canShareThread())
            {
                throw new IllegalArgumentException(
                    "a shared core waits in its host's poll (block or spin), not " + waitStrategy);
            }
            Objects.requireNonNull(errorHandler, "errorHandler");
            if (null != initialState && initialState.capacity() != paramStore.maxParams())
            {
                throw new IllegalArgumentException("initialState must be made by newParamStore() (maxParams differs)");
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

        private static void requireNonNegative(final String what, final long v)
        {
            if (v < 0)
            {
                throw new IllegalArgumentException(what + " must be >= 0: " + v);
            }
        }

        private static void requirePositive(final String what, final long v)
        {
            if (v <= 0)
            {
                throw new IllegalArgumentException(what + " must be > 0: " + v);
            }
        }

        /** @return router name sent in WELCOME (default {@code Clasp Router}). */
        public String name()
        {
            return name;
        }

        /** @param name router name sent in WELCOME. @return this. */
        public Context name(final String name)
        {
            checkMutable();
            this.name = name;
            return this;
        }

        /** @return most concurrent sessions, 0 = unlimited (default 10 000). */
        public int maxSessions()
        {
            return maxSessions;
        }

        /** @param maxSessions most concurrent sessions, 0 = unlimited. @return this. */
        public Context maxSessions(final int maxSessions)
        {
            checkMutable();
            this.maxSessions = maxSessions;
            return this;
        }

        /** @return inbound messages/s per session, 0 = off (default 0). */
        public int rateLimit()
        {
            return rateLimit;
        }

        /** @param rateLimit inbound messages/s per session, 0 = off. @return this. */
        public Context rateLimit(final int rateLimit)
        {
            checkMutable();
            this.rateLimit = rateLimit;
            return this;
        }

        /** @return subscriptions allowed per session (default 1000; 0 = unlimited). */
        public int maxSubscriptionsPerSession()
        {
            return maxSubscriptionsPerSession;
        }

        /** @param max subscriptions allowed per session, 0 = unlimited. @return this. */
        public Context maxSubscriptionsPerSession(final int max)
        {
            checkMutable();
            this.maxSubscriptionsPerSession = max;
            return this;
        }

        /** @return inbound silence before an idle PING, ns; 0 = off (default 300 s). */
        public long idleTimeoutNs()
        {
            return idleTimeoutNs;
        }

        /** @param ns inbound silence before an idle PING; 0 = off. @return this. */
        public Context idleTimeoutNs(final long ns)
        {
            checkMutable();
            this.idleTimeoutNs = ns;
            return this;
        }

        /** @return wait after the idle PING before closing, ns (default 30 s). */
        public long idleGraceNs()
        {
            return idleGraceNs;
        }

        /** @param ns wait after the idle PING before closing. @return this. */
        public Context idleGraceNs(final long ns)
        {
            checkMutable();
            this.idleGraceNs = ns;
            return this;
        }

        /** @return time allowed for HELLO, ns (default 10 s). */
        public long helloTimeoutNs()
        {
            return helloTimeoutNs;
        }

        /** @param ns time allowed for HELLO. @return this. */
        public Context helloTimeoutNs(final long ns)
        {
            checkMutable();
            this.helloTimeoutNs = ns;
            return this;
        }

        /**
         * @return the param store's settings (max params, default TTL, arena), with their {@code clasp.state.*}
         * properties; {@link #maxParams} and {@link #paramTtlSeconds} are shortcuts into it. Set before launch.
         */
        public ParamStore.Context paramStore()
        {
            return paramStore;
        }

        /**
         * @return the subscription index's settings (result cache bounds), with their {@code clasp.match.cache.*}
         * properties. Set before launch.
         */
        public SubscriptionIndex.Context subscriptionIndex()
        {
            return subscriptionIndex;
        }

        /** @return default sliding TTL in seconds for SETs without a TTL field; 0 = keep (default 0). */
        public int paramTtlSeconds()
        {
            return (int)paramStore.defaultTtlSeconds();
        }

        /** @param seconds default sliding TTL for SETs without a TTL field; 0 = keep forever. @return this. */
        public Context paramTtlSeconds(final int seconds)
        {
            checkMutable();
            paramStore.defaultTtlSeconds(seconds);
            return this;
        }

        /** @return most params (default 1 000 000). */
        public int maxParams()
        {
            return paramStore.maxParams();
        }

        /** @param maxParams most params stored. @return this. */
        public Context maxParams(final int maxParams)
        {
            checkMutable();
            paramStore.maxParams(maxParams);
            return this;
        }

        /**
         * @return addresses one subscription with maxRate/epsilon keeps state for (default 4096); beyond it the least
         * recently used address with nothing held back is forgotten.
         */
        public int maxFilterAddresses()
        {
            return maxFilterAddresses;
        }

        /** @param addresses addresses one filtered subscription keeps state for. @return this. */
        public Context maxFilterAddresses(final int addresses)
        {
            checkMutable();
            this.maxFilterAddresses = addresses;
            return this;
        }

        /** @return inbound ring slots, a power of two (default 16384). */
        public int inboundRingSize()
        {
            return inboundRingSize;
        }

        /** @param slots inbound ring slots, a power of two. @return this. */
        public Context inboundRingSize(final int slots)
        {
            checkMutable();
            this.inboundRingSize = slots;
            return this;
        }

        /**
         * @return bytes preallocated per inbound slot (default 2048). Frames that do not fit get a buffer of their
         * own (allocated by the edge thread, dropped after the core handles it).
         */
        public int inboundSlotSize()
        {
            return inboundSlotSize;
        }

        /** @param bytes bytes preallocated per inbound slot. @return this. */
        public Context inboundSlotSize(final int bytes)
        {
            checkMutable();
            this.inboundSlotSize = bytes;
            return this;
        }

        /** @return queued bytes per session where slow-consumer conflation and stream dropping start (256 KiB). */
        public long outboundSoftLimit()
        {
            return outboundSoftLimit;
        }

        /** @param bytes soft outbound limit per session. @return this. */
        public Context outboundSoftLimit(final long bytes)
        {
            checkMutable();
            this.outboundSoftLimit = bytes;
            return this;
        }

        /** @return queued bytes per session past which the session is disconnected (4 MiB). */
        public long outboundHardLimit()
        {
            return outboundHardLimit;
        }

        /** @param bytes hard outbound limit per session. @return this. */
        public Context outboundHardLimit(final long bytes)
        {
            checkMutable();
            this.outboundHardLimit = bytes;
            return this;
        }

        /** @return bytes above the hard limit kept free for the final ERROR 503 (fixed: 1 KiB). */
        public long outboundReserve()
        {
            return 1024;
        }

        /** @return outbound queue segment size in bytes (default 16 KiB). */
        public int outboundSegmentSize()
        {
            return outboundSegmentSize;
        }

        /** @param bytes outbound queue segment size, a multiple of 8. @return this. */
        public Context outboundSegmentSize(final int bytes)
        {
            checkMutable();
            this.outboundSegmentSize = bytes;
            return this;
        }

        /**
         * @return drained outbound segments kept for reuse across all connections (default 256; 0: none, each
         *         queue then recycles through its single spare only).
         */
        public int outboundSegmentPool()
        {
            return outboundSegmentPool;
        }

        /** @param segments see {@link #outboundSegmentPool()}. @return this. */
        public Context outboundSegmentPool(final int segments)
        {
            checkMutable();
            this.outboundSegmentPool = segments;
            return this;
        }

        /** @return what the core thread does when idle (default BLOCK). */
        public WaitStrategy waitStrategy()
        {
            return waitStrategy;
        }

        /** @param strategy what the core thread does when idle. @return this. */
        public Context waitStrategy(final WaitStrategy strategy)
        {
            checkMutable();
            this.waitStrategy = strategy;
            return this;
        }

        /**
         * @return which thread runs the core (default {@link CoreThreading#DEDICATED}; the server picks its own).
         */
        public CoreThreading coreThreading()
        {
            return coreThreading;
        }

        /**
         * @param threading which thread runs the core; with {@link CoreThreading#SHARED} a transport must host it
         *                  ({@link Router#sharedCore()}). @return this.
         */
        public Context coreThreading(final CoreThreading threading)
        {
            checkMutable();
            this.coreThreading = threading;
            return this;
        }

        /** @return minimum spacing between forwarded gesture moves per (address, id), ns (default 16 ms). */
        public long gestureIntervalNs()
        {
            return gestureIntervalNs;
        }

        /** @param ns minimum spacing between forwarded gesture moves. @return this. */
        public Context gestureIntervalNs(final long ns)
        {
            checkMutable();
            this.gestureIntervalNs = ns;
            return this;
        }

        /** @return how often expired params are swept, ns (default 100 ms). */
        public long ttlCheckIntervalNs()
        {
            return ttlCheckIntervalNs;
        }

        /** @param ns how often expired params are swept. @return this. */
        public Context ttlCheckIntervalNs(final long ns)
        {
            checkMutable();
            this.ttlCheckIntervalNs = ns;
            return this;
        }

        /** @return furthest ahead a BUNDLE may be scheduled, µs (default 1 h). */
        public long maxBundleAheadMicros()
        {
            return maxBundleAheadMicros;
        }

        /** @param micros furthest ahead a BUNDLE may be scheduled. @return this. */
        public Context maxBundleAheadMicros(final long micros)
        {
            checkMutable();
            this.maxBundleAheadMicros = micros;
            return this;
        }

        /** @return inbound events per duty cycle before timers and outbound signals run (default 256). */
        public int pollBatchLimit()
        {
            return pollBatchLimit;
        }

        /** @param limit inbound events per duty cycle. @return this. */
        public Context pollBatchLimit(final int limit)
        {
            checkMutable();
            this.pollBatchLimit = limit;
            return this;
        }

        /**
         * @return snapshot bytes per second per session (and the burst), beyond which a session's snapshots are paced
         * (default 16 MiB/s); 0 = unpaced.
         */
        public long snapshotBytesPerSecond()
        {
            return snapshotBytesPerSecond;
        }

        /** @param bytes snapshot byte budget per second per session; 0 = unpaced. @return this. */
        public Context snapshotBytesPerSecond(final long bytes)
        {
            checkMutable();
            this.snapshotBytesPerSecond = bytes;
            return this;
        }

        /**
         * @return the most bytes all sessions' outbound queues may hold together; past it the largest slow consumers
         * are cut (default a quarter of the maximum heap); 0 = no global cap (per-session limits only).
         */
        public long maxOutboundMemory()
        {
            return maxOutboundMemory;
        }

        /** @param bytes global cap on queued outbound bytes; 0 = none. @return this. */
        public Context maxOutboundMemory(final long bytes)
        {
            checkMutable();
            this.maxOutboundMemory = bytes;
            return this;
        }

        /**
         * @return the share of inbound ring slots in use above which transports stop reading (default 0.25).
         */
        public double inboundHighWater()
        {
            return inboundHighWater;
        }

        /**
         * @return the share of inbound ring slots in use at or below which paused transports resume (default 1/16).
         */
        public double inboundLowWater()
        {
            return inboundLowWater;
        }

        /**
         * @param high share of the ring in use above which transports stop reading.
         * @param low  share at or below which they resume (hysteresis: below {@code high}). @return this.
         */
        public Context inboundWaterMarks(final double high, final double low)
        {
            checkMutable();
            this.inboundHighWater = high;
            this.inboundLowWater = low;
            return this;
        }

        /** @return the longest {@link to.clasp.edge.InboundPort#onFrame} waits for ring room, ns (default 1 s). */
        public long producerWaitTimeoutNs()
        {
            return producerWaitTimeoutNs;
        }

        /** @param ns the longest a producer thread waits for ring room. @return this. */
        public Context producerWaitTimeoutNs(final long ns)
        {
            checkMutable();
            this.producerWaitTimeoutNs = ns;
            return this;
        }

        /**
         * @return how long the core may have work without completing a duty cycle before the watchdog reports a
         * stall, ns (default 5 s); 0 = no watchdog.
         */
        public long stallTimeoutNs()
        {
            return stallTimeoutNs;
        }

        /** @param ns stall timeout of the core's watchdog; 0 = off. @return this. */
        public Context stallTimeoutNs(final long ns)
        {
            checkMutable();
            this.stallTimeoutNs = ns;
            return this;
        }

        /** @return the clocks (default: system). */
        public RouterClock clock()
        {
            return clock;
        }

        /** @param clock the clocks, e.g. a controllable one in tests. @return this. */
        public Context clock(final RouterClock clock)
        {
            checkMutable();
            this.clock = clock;
            return this;
        }

        /** @return the core thread's name (default {@code clasp-core}). */
        public String coreThreadName()
        {
            return coreThreadName;
        }

        /** @param name the core thread's name. @return this. */
        public Context coreThreadName(final String name)
        {
            checkMutable();
            this.coreThreadName = name;
            return this;
        }

        /**
         * @return a new, empty param store with this router's settings ({@link #paramStore()}: max params, default
         * TTL, arena), e.g. for recovery to fill before {@link #initialState(ParamStore)}.
         */
        public ParamStore newParamStore()
        {
            return new ParamStore(paramStore);
        }

        /** @return the store the core starts with (recovered state), or null for a new empty one. */
        public ParamStore initialState()
        {
            return initialState;
        }

        /**
         * @param store params the core starts with, made by {@link #newParamStore()} and filled on this thread (state
         *              recovery); the core owns it from launch on. @return this.
         */
        public Context initialState(final ParamStore store)
        {
            checkMutable();
            this.initialState = store;
            return this;
        }

        /** @return who judges HELLO tokens (default: {@link to.clasp.security.Authenticator#open()}, open mode). */
        public to.clasp.security.Authenticator authenticator()
        {
            return authenticator;
        }

        /**
         * @param authenticator the token sources a HELLO's token is judged by; with none (open mode) every session may
         *                      do everything. The caller closes it after the router. @return this.
         */
        public Context authenticator(final to.clasp.security.Authenticator authenticator)
        {
            checkMutable();
            this.authenticator = java.util.Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** @return the durable state ({@code --data-dir}), or null for an in-memory router (default). */
        public DurableState durableState()
        {
            return durableState;
        }

        /**
         * @param durable the journal, snapshots and replay reader the core uses; null (default) = in memory only,
         *                REPLAY answers ERROR 501. @return this.
         */
        public Context durableState(final DurableState durable)
        {
            checkMutable();
            this.durableState = durable;
            return this;
        }

        /** @return what the core does with an unexpected exception (default: log it and carry on). */
        public Consumer<Throwable> errorHandler()
        {
            return errorHandler;
        }

        /** @param handler what the core does with an unexpected exception. @return this. */
        public Context errorHandler(final Consumer<Throwable> handler)
        {
            checkMutable();
            this.errorHandler = handler;
            return this;
        }
    }
}
