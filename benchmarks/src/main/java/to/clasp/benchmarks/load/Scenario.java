package to.clasp.benchmarks.load;

/** The load shapes the generator runs; each is one {@link ScenarioRunner} method. */
public enum Scenario
{
    /** P publishers → 1 wildcard subscriber, as fast as a bounded in-flight window allows: sent and delivered/s. */
    THROUGHPUT,
    /**
     * P publishers → 1 wildcard subscriber with no window at all: each publisher writes as fast as its socket takes
     * it (only TCP pushes back). Delivered/s and the delivery ratio, to set beside the windowed run; a probe connects
     * a new client every 100 ms meanwhile and times its handshake (WELCOME).
     */
    FLOOD,
    /** 1 publisher → 1 subscriber at a fixed rate on an intended-time schedule: latency percentiles. */
    LATENCY,
    /** 1 publisher → N wildcard subscribers: deliveries/s and latency. */
    FANOUT,
    /** C clients connected and subscribed: handshakes that succeed, the router's memory. */
    CONNECTIONS,
    /**
     * A connection storm: C clients connecting K at a time (connect, HELLO → WELCOME, SUBSCRIBE, PING → PONG), as
     * sensors reconnecting after a network blip: how long each waits for its WELCOME.
     */
    STORM,
    /** The fan-out scenario while other clients subscribe and unsubscribe ({@link SubscribeChurn}). */
    CHURN,
    /**
     * 1 publisher sends SETs at QoS Confirm at a fixed rate on an intended-time schedule; latency from each SET to its
     * ACK — with {@code --data-dir} and {@code --fsync always|batch} the router sends the ACK once the write is on disk
     * (CLASP only; {@link MessageKind#SET_CONFIRMED}).
     */
    ACK;

    /** Whether the scenario sends messages (and so has CLASP message kinds and latency plots). */
    public boolean hasMessageKind()
    {
        return this != CONNECTIONS && this != STORM;
    }

    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
