package to.clasp.benchmarks.load;

/**
 * How the generator reaches one kind of router: CLASP over WebSocket, NATS through jnats, MQTT through the generator's own MQTT 3.1.1 client.
 * Owns whatever the connections share (event loops, executors).
 */
public interface Transport extends AutoCloseable
{
    /** Short name used in tables and file names, e.g. {@code clasp-ws}. */
    String name();

    /**
     * Open one connection and complete the router's handshake. {@code receiver} gets every benchmark message this
     * connection receives.
     *
     * @throws Exception when the handshake fails or times out.
     */
    Endpoint connect(Receiver receiver) throws Exception;

    /**
     * The event loop that should run the sending loop, when the transport has one that owns the publishers' sockets
     * (so each send is written on the sending thread, with no hand-off to an I/O thread); null (default) to send
     * from the generator's own thread through the client library.
     */
    default SendingLoop sendingLoop()
    {
        return null;
    }

    /**
     * Whether subscribers connected from now on share the {@link #sendingLoop()} (one generator thread sends and
     * receives: a paced run that never blocks the loop) or have loops of their own (a sending loop that waits for
     * deliveries must not starve their reads). Ignored by transports without a sending loop.
     */
    default void subscribersOnSendingLoop(final boolean shared)
    {
    }

    /** Failures seen since start: error replies, undecodable messages, connections lost, rejected sends. */
    long errors();

    void close();
}
