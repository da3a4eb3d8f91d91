package to.clasp.benchmarks.load;

/**
 * Told of every benchmark message a subscriber receives, on the client's I/O thread; must be cheap and must not
 * block (it runs inside the receive loop of the client under test).
 */
@FunctionalInterface
public interface Receiver
{
    void onMessage(long intendedNs, long sentNs);

    /** A receiver that ignores messages (publishers and idle connections). */
    Receiver NONE = (intendedNs, sentNs) -> { };
}
