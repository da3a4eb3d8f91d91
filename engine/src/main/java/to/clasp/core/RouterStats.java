package to.clasp.core;

import java.util.List;
import java.util.Map;

/**
 * What the router is doing, for people (the web inspector): sessions, message rates by type and the busiest
 * addresses. The core thread builds an immutable {@link Snapshot} on a timer and publishes it here with one volatile
 * write; readers on any thread take the latest. The core does the work only while someone is looking: a reader calls
 * {@link #latest()}, which marks the snapshot as wanted, and the core samples while it was wanted within
 * {@link #WANTED_FOR_NS}; otherwise the timer does nothing. Nothing is added to the path of a message.
 */
public final class RouterStats
{
    /** How long one read keeps the core sampling. */
    public static final long WANTED_FOR_NS = 10_000_000_000L;
    /** Sampling period. */
    public static final long INTERVAL_NS = 1_000_000_000L;
    /** Rate samples kept per message type (one a second). */
    public static final int HISTORY = 60;
    /** How many of the busiest addresses a snapshot names. */
    public static final int TOP_ADDRESSES = 10;

    private volatile Snapshot latest;
    private volatile long wantedAtNs = Long.MIN_VALUE;
    private final RouterClock clock;

    RouterStats(final RouterClock clock)
    {
        this.clock = clock;
    }

    /**
     * @return the latest snapshot, or null before the core took one (within {@link #INTERVAL_NS} of the first call).
     * Marks the snapshot as wanted.
     */
    public Snapshot latest()
    {
        wantedAtNs = clock.nanoTime();
        return latest;
    }

    boolean isWanted(final long nowNs)
    {
        final long wantedAt = wantedAtNs;
        return wantedAt != Long.MIN_VALUE && nowNs - wantedAt < WANTED_FOR_NS;
    }

    void publish(final Snapshot snapshot)
    {
        latest = snapshot;
    }

    /**
     * One sample of the router.
     *
     * @param takenAtMillis  wall-clock time of the sample.
     * @param intervalMillis time since the previous sample (what the rates are over).
     * @param sessions       open sessions.
     * @param params         stored params.
     * @param subscriptions  live subscriptions.
     * @param rates          inbound messages per second by type name, over the last interval.
     * @param history        per type name, the last {@link #HISTORY} rates, oldest first.
     * @param topAddresses   the busiest addresses by writes per second, busiest first.
     */
    public record Snapshot(long takenAtMillis, long intervalMillis, List<SessionInfo> sessions, long params,
        long subscriptions, Map<String, Double> rates, Map<String, double[]> history, List<AddressRate> topAddresses)
    {
    }

    /**
     * One session.
     *
     * @param id            session id (UUID), or null before HELLO.
     * @param name          the client's name from HELLO.
     * @param transport     {@code ws}, {@code aeron}, …
     * @param remoteAddress the peer.
     * @param subscriptions live subscriptions.
     * @param queuedBytes   bytes waiting in its outbound queue.
     * @param messagesIn    inbound messages since it connected.
     * @param messagesPerSecond inbound messages per second over the last interval.
     */
    public record SessionInfo(String id, String name, String transport, String remoteAddress, int subscriptions,
        long queuedBytes, long messagesIn, double messagesPerSecond)
    {
    }

    /**
     * One busy address.
     *
     * @param address        the param's address.
     * @param writesPerSecond accepted writes per second (revision increments) over the last full scan.
     * @param revision       its revision at the scan.
     */
    public record AddressRate(String address, double writesPerSecond, long revision)
    {
    }
}
