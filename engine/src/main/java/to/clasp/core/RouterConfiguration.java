package to.clasp.core;

import java.util.concurrent.TimeUnit;

/**
 * Defaults for {@link Router.Context}, each overridable by a system property (read once, when a context is
 * created). Nothing reads configuration on the hot path.
 */
public final class RouterConfiguration
{
    /** Router name sent in WELCOME. Property {@code clasp.router.name}, default {@code Clasp Router}. */
    public static final String NAME_PROP = "clasp.router.name";
    public static final String NAME_DEFAULT = "Clasp Router";

    /** Most concurrent sessions; 0 = unlimited. Property {@code clasp.router.max.sessions}, default 10 000. */
    public static final String MAX_SESSIONS_PROP = "clasp.router.max.sessions";
    public static final int MAX_SESSIONS_DEFAULT = 10_000;

    /** Inbound messages per second per session; 0 = off. Property {@code clasp.router.rate.limit}, default 0. */
    public static final String RATE_LIMIT_PROP = "clasp.router.rate.limit";
    public static final int RATE_LIMIT_DEFAULT = 0;

    /** Subscriptions per session. Property {@code clasp.router.max.subscriptions}, default 1000. */
    public static final String MAX_SUBSCRIPTIONS_PROP = "clasp.router.max.subscriptions";
    public static final int MAX_SUBSCRIPTIONS_DEFAULT = 1000;

    /** Inbound silence before a PING probe, ms; 0 = off. Property {@code clasp.router.idle.timeout.ms}, 300 s. */
    public static final String IDLE_TIMEOUT_PROP = "clasp.router.idle.timeout.ms";
    public static final long IDLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(300);

    /** Wait after the idle PING before closing, ms. Property {@code clasp.router.idle.grace.ms}, 30 s. */
    public static final String IDLE_GRACE_PROP = "clasp.router.idle.grace.ms";
    public static final long IDLE_GRACE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /** Time allowed for the first frame (HELLO), ms. Property {@code clasp.router.hello.timeout.ms}, 10 s. */
    public static final String HELLO_TIMEOUT_PROP = "clasp.router.hello.timeout.ms";
    public static final long HELLO_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    // The param store's limits (max params, default TTL, arena) are ParamStore.Context's, with its clasp.state.*
    // properties, and the result cache's are SubscriptionIndex.Context's (clasp.match.cache.*): Router.Context holds
    // both contexts, so each limit has one property and one setter path.

    /** Inbound ring slots (power of two). Property {@code clasp.router.ring.size}, default 16384. */
    public static final String RING_SIZE_PROP = "clasp.router.ring.size";
    public static final int RING_SIZE_DEFAULT = 16384;

    /**
     * Bytes preallocated per inbound slot; larger frames get a buffer of their own. Property
     * {@code clasp.router.ring.slot.size}, default 2048 (16384 × 2 KiB = 32 MiB, rather than 1 GiB for slots of
     * the largest frame).
     */
    public static final String SLOT_SIZE_PROP = "clasp.router.ring.slot.size";
    public static final int SLOT_SIZE_DEFAULT = 2048;

    /** Queued bytes per session above which the slow-consumer policy starts. Default 256 KiB. */
    public static final String OUTBOUND_SOFT_LIMIT_PROP = "clasp.router.outbound.soft.limit";
    public static final long OUTBOUND_SOFT_LIMIT_DEFAULT = 256 * 1024;

    /** Queued bytes per session above which the session is disconnected. Default 4 MiB. */
    public static final String OUTBOUND_HARD_LIMIT_PROP = "clasp.router.outbound.hard.limit";
    public static final long OUTBOUND_HARD_LIMIT_DEFAULT = 4 * 1024 * 1024;

    /** Outbound queue segment size in bytes. Default 16 KiB. */
    public static final String OUTBOUND_SEGMENT_SIZE_PROP = "clasp.router.outbound.segment.size";
    public static final int OUTBOUND_SEGMENT_SIZE_DEFAULT = 16 * 1024;

    /**
     * Drained outbound segments the router keeps for reuse across all its connections (OutboundQueue.SegmentPool):
     * default 256 (4 MiB of 16 KiB segments), so recipients a few segments behind cost no allocation.
     */
    public static final String OUTBOUND_SEGMENT_POOL_PROP = "clasp.router.outbound.segment.pool";
    public static final int OUTBOUND_SEGMENT_POOL_DEFAULT = 256;

    /** Core idle behaviour: block, sleep, yield or spin. Property {@code clasp.router.wait}, default block. */
    public static final String WAIT_STRATEGY_PROP = "clasp.router.wait";
    public static final WaitStrategy WAIT_STRATEGY_DEFAULT = WaitStrategy.BLOCK;

    /** Which thread runs the core: {@code dedicated} or {@code shared}. Property {@code clasp.router.core.threading}. */
    public static final String CORE_THREADING_PROP = "clasp.router.core.threading";
    /** A router embedded without a hosting transport needs its own core thread. */
    public static final CoreThreading CORE_THREADING_DEFAULT = CoreThreading.DEDICATED;

    /** Minimum spacing of forwarded gesture moves, ms. Property {@code clasp.router.gesture.interval.ms}, 16. */
    public static final String GESTURE_INTERVAL_PROP = "clasp.router.gesture.interval.ms";
    public static final long GESTURE_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(16);

    /** How often expired params are swept, ms. Property {@code clasp.router.ttl.check.ms}, default 100. */
    public static final String TTL_CHECK_INTERVAL_PROP = "clasp.router.ttl.check.ms";
    public static final long TTL_CHECK_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Addresses one subscription with maxRate/epsilon keeps state for; beyond it the least recently used address
     * with nothing held back is forgotten. Property {@code clasp.router.filter.max.addresses}, default 4096.
     */
    public static final String FILTER_MAX_ADDRESSES_PROP = "clasp.router.filter.max.addresses";
    public static final int FILTER_MAX_ADDRESSES_DEFAULT = 4096;

    /** Furthest a BUNDLE may be scheduled ahead, µs. Default 1 h. */
    public static final long MAX_BUNDLE_AHEAD_DEFAULT_MICROS = TimeUnit.HOURS.toMicros(1);

    /** Inbound events handled per duty cycle before timers and outbound signals run. */
    public static final int POLL_BATCH_LIMIT_DEFAULT = 256;

    /**
     * Share of the inbound ring in use above which transports stop reading their connections (TCP then pushes back
     * on the senders). Default 1/4: a backlog the core clears in a few milliseconds.
     */
    public static final double INBOUND_HIGH_WATER_DEFAULT = 0.25;

    /**
     * Slots of the control lane: connects, and the first control frames of new connections (HELLO, SUBSCRIBE,
     * UNSUBSCRIBE, PING), which the core takes before the next data frame of the inbound ring. Control frames may
     * use three quarters of it, connects all of it.
     */
    public static final int CONTROL_LANE_SLOTS = 1024;

    /** Share of the inbound ring in use at or below which paused transports read again. Default 1/16. */
    public static final double INBOUND_LOW_WATER_DEFAULT = 0.0625;

    /**
     * Longest wait for ring room by a producer that may wait ({@code InboundPort.onFrame}), ms. Property
     * {@code clasp.router.producer.wait.ms}, default 1 s.
     */
    public static final String PRODUCER_WAIT_TIMEOUT_PROP = "clasp.router.producer.wait.ms";
    public static final long PRODUCER_WAIT_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * The core has work and completed no duty cycle for this long: the watchdog reports a stall, ms. Property
     * {@code clasp.router.stall.timeout.ms}, default 5 s; 0 = off.
     */
    public static final String STALL_TIMEOUT_PROP = "clasp.router.stall.timeout.ms";
    public static final long STALL_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Snapshot bytes per second per session (and the burst); beyond it a session's snapshots are paced. Property
     * {@code clasp.router.snapshot.rate}, default 16 MiB/s; 0 = unpaced.
     */
    public static final String SNAPSHOT_RATE_PROP = "clasp.router.snapshot.rate";
    public static final long SNAPSHOT_RATE_DEFAULT = 16L * 1024 * 1024;

    /**
     * Global cap on bytes queued for all sessions together; past it the largest slow consumers are cut. Property
     * {@code clasp.router.max.outbound.memory}, default {@link #maxOutboundMemoryDefault()}; 0 = no global cap.
     */
    public static final String MAX_OUTBOUND_MEMORY_PROP = "clasp.router.max.outbound.memory";

    /** @return a quarter of the JVM's maximum heap (outbound queues live on the heap). */
    public static long maxOutboundMemoryDefault()
    {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    private RouterConfiguration()
    {
    }

    static String string(final String prop, final String dflt)
    {
        return System.getProperty(prop, dflt);
    }

    static int integer(final String prop, final int dflt)
    {
        return Integer.getInteger(prop, dflt);
    }

    static long bytes(final String prop, final long dflt)
    {
        return Long.getLong(prop, dflt);
    }

    static long millisAsNanos(final String prop, final long dfltNs)
    {
        final Long ms = Long.getLong(prop);
        return null == ms ? dfltNs : TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
