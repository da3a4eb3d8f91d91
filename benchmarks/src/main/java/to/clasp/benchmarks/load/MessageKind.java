package to.clasp.benchmarks.load;

/** Which CLASP message the publishers send. Other routers have one kind of message, so this only varies CLASP. */
public enum MessageKind
{
    /** Stored param write, broadcast with a revision to every matching subscriber (and the writer). */
    SET,
    /** Event PUBLISH: relayed, never stored, not echoed to the sender. */
    PUBLISH,
    /**
     * SET at QoS Confirm: stored and broadcast like {@link #SET}, and answered with an ACK — which a router with a data
     * directory under {@code --fsync always|batch} holds until the write is on disk. The {@link Scenario#ACK} scenario
     * times those ACKs.
     */
    SET_CONFIRMED
}
