package to.clasp.edge;

/**
 * One client connection as seen by the core. A transport (WebSocket, Aeron, in-process) implements this for
 * every connection it accepts and registers it with {@link InboundPort#connect(EdgeConnection)}.
 * <p>
 * The core thread calls these methods; implementations must be thread-safe and must never block.
 */
public interface EdgeConnection
{
    /**
     * The core appended one or more frames to this connection's {@link OutboundQueue}. Called at most once per
     * core batch per connection. Implementations schedule a drain on their own I/O thread.
     */
    void outboundReady();

    /**
     * The core wants this connection closed (handshake failure or timeout, router full, slow consumer past the
     * hard limit, idle timeout, shutdown). The transport drains what is already queued where it can, then
     * closes. {@code closeCode} uses WebSocket close codes: 1000 normal, 1001 going away, 1008 policy,
     * 1009 too big, 1011 internal error, 1013 try again later.
     *
     * @param closeCode WebSocket-style close code.
     * @param reason    short reason for logs and the close frame.
     */
    void close(int closeCode, String reason);

    /**
     * @return the peer's address for logs, e.g. {@code 127.0.0.1:53422}.
     */
    String remoteAddress();

    /**
     * @return short transport name for logs and metrics, e.g. {@code ws}, {@code aeron}, {@code inproc}.
     */
    String transport();

    /**
     * Whether the client behind this connection wants the whole readable state after its HELLO (the SNAPSHOT that
     * follows WELCOME). CLASP clients keep a mirror of the state and wait for it, so the default is {@code true}.
     * Protocol adapters whose clients only see what they subscribe to (an MQTT client, an OSC input) answer
     * {@code false}: the core then skips that snapshot, so a flood of such connections never costs a full scan of
     * the store each, and every SNAPSHOT the adapter receives belongs to one of its SUBSCRIBEs. Read once, on the
     * core thread, when the HELLO is handled.
     */
    default boolean wantsStateOnHello()
    {
        return true;
    }
}
