package to.clasp.benchmarks.load;

/** The load shapes the generator runs; each is one {@link ScenarioRunner} method. */
public enum Scenario
{
    /** P publishers → 1 wildcard subscriber, as fast as a bounded in-flight window allows: sent and delivered/s. */
    THROUGHPUT,
    /** 1 publisher → 1 subscriber at a fixed rate on an intended-time schedule: latency percentiles. */
    LATENCY,
    /** 1 publisher → N wildcard subscribers: deliveries/s and latency. */
    FANOUT,
    /** C clients connected and subscribed: handshakes that succeed, the router's memory. */
    CONNECTIONS,
    /** The fan-out scenario while other clients subscribe and unsubscribe ({@link SubscribeChurn}). */
    CHURN;

    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
