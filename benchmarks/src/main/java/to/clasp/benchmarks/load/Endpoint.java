package to.clasp.benchmarks.load;

/**
 * One client connection to the router under test, as the load generator drives it. Topic {@code t} is the
 * router's own spelling of "benchmark address number t" ({@code /bench/t}, {@code bench.t}, {@code bench/t}), so
 * every scenario is written once for every router.
 */
public interface Endpoint extends AutoCloseable
{
    /**
     * Subscribe to every benchmark topic with the router's single-level wildcard. Returns once the router has applied
     * the subscription: a round trip (CLASP PING → PONG, NATS PING → PONG, MQTT SUBACK), not a guessed delay.
     */
    void subscribeAll() throws Exception;

    /** Subscribe to one topic (the connections scenarios); returns after the same round trip. */
    void subscribe(int topic) throws Exception;

    /**
     * @return whether the connection takes more data now; false while the socket is full (TCP is pushing back), for
     *         the unwindowed flood, which sends only as fast as the network takes it. Library clients that block or
     *         queue on their own say true.
     */
    default boolean writable()
    {
        return true;
    }

    /**
     * Queue one message to {@code topic} carrying the two times (see {@link Payload}). It may sit in a batch until
     * {@link #flush()}; only the sending thread calls this.
     */
    void send(int topic, long intendedNs, long sentNs);

    /** Hand every queued message to the network. */
    void flush();

    /**
     * Queue one frame already encoded for this transport (the churn scenario's SUBSCRIBE and UNSUBSCRIBE), sent with
     * the next {@link #flush()}; only the sending thread calls this.
     *
     * @throws UnsupportedOperationException on a transport that does not take raw frames.
     */
    default void sendFrame(final byte[] frame)
    {
        throw new UnsupportedOperationException("raw frames on " + getClass().getSimpleName());
    }

    /**
     * A round trip behind everything this connection has sent (CLASP PING → PONG, NATS PING → PONG, MQTT
     * UNSUBSCRIBE → UNSUBACK): the returned future completes once the router has handled all of it, and on a
     * subscriber once everything the router queued for it before the answer has arrived. The barrier that ends a run,
     * instead of waiting a guessed time for the last deliveries. May be called from any thread after the sending
     * thread's last {@link #flush()}.
     */
    java.util.concurrent.CompletableFuture<?> roundTrip();

    void close();
}
