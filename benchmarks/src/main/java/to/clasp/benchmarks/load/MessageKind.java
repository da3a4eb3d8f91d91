package to.clasp.benchmarks.load;

/** Which CLASP message the publishers send. Other routers have one kind of message, so this only varies CLASP. */
public enum MessageKind
{
    /** Stored param write, broadcast with a revision to every matching subscriber (and the writer). */
    SET,
    /** Event PUBLISH: relayed, never stored, not echoed to the sender. */
    PUBLISH
}
