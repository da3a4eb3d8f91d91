package to.clasp.client;

/**
 * Receives the entries of a {@link ClaspClient#replay REPLAY}, oldest first, on the transport's I/O thread. Replayed
 * entries are history: they never enter the client's cache and never reach subscription listeners, even when they
 * match a subscription (the router marks every replayed frame with the original write's time; live frames carry none).
 */
@FunctionalInterface
public interface ReplayListener
{
    /**
     * @param address         the address written or published to.
     * @param value           the value written (a param) or the event's payload, see {@link ClaspClient}.
     * @param revision        the revision that write gave the param ({@link Signal#PARAM}), else -1.
     * @param signal          what kind of signal it was.
     * @param timestampMicros when the router accepted it (router clock, µs since the epoch).
     */
    void onEntry(String address, Object value, long revision, Signal signal, long timestampMicros);
}
