package to.clasp.client;

/**
 * Receives what a subscription matches. Called on the transport's I/O thread, in the order the router sent it.
 */
@FunctionalInterface
public interface SubscriptionListener
{
    /**
     * @param address  the concrete address.
     * @param value    the value (a param's value, an event's payload, a stream sample), see {@link ClaspClient}.
     * @param revision the param's revision for {@link Signal#PARAM}, else -1.
     * @param signal   what kind of signal this is.
     */
    void onSignal(String address, Object value, long revision, Signal signal);
}
