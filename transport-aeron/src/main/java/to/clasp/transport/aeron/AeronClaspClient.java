package to.clasp.transport.aeron;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.client.ClientSession;
import to.clasp.client.SessionBackedClient;

/**
 * The Java CLASP client over Aeron UDP: the same {@link ClaspClient} API and the same transport-independent
 * {@link ClientSession} as the WebSocket client, bound to an {@link AeronClientTransport} (embedded media driver by
 * default, or an external one via {@link DriverOptions#aeronDir(String)}).
 * <pre>{@code
 * try (ClaspClient client = AeronClaspClient.create("192.168.1.10:7331"))
 * {
 *     client.connect();
 *     client.subscribe("/sensors/*", (address, value, revision, signal) -> System.out.println(address + " " + value));
 *     client.set("/sensors/temperature", 21.5);
 * }
 * }</pre>
 */
public final class AeronClaspClient extends SessionBackedClient
{
    private final AeronClientTransport transport;

    private AeronClaspClient(final ClientSession session, final AeronClientTransport transport)
    {
        super(session);
        this.transport = transport;
    }

    /** A client for the router's Aeron endpoint {@code HOST:PORT}, default options (not yet connected). */
    public static AeronClaspClient create(final String routerEndpoint)
    {
        return create(new ClientOptions(), new AeronClientTransport.Context().routerEndpoint(routerEndpoint));
    }

    /**
     * A client (not yet connected). Starts the transport's agent (and embedded driver) now; {@link #close()} stops
     * them.
     */
    public static AeronClaspClient create(final ClientOptions options, final AeronClientTransport.Context transport)
    {
        final AeronClientTransport aeron = new AeronClientTransport(transport);
        return new AeronClaspClient(new ClientSession(options, aeron), aeron);
    }

    /**
     * A client that shares {@code transport} (its agent thread and media driver) with other clients: one thread and
     * one driver for many sessions in one process. Closing this client closes its session only; close the transport
     * after its clients.
     */
    public static AeronClaspClient create(final ClientOptions options, final AeronClientTransport transport)
    {
        return new AeronClaspClient(new ClientSession(options, transport.shared()), transport);
    }

    /** @return the Aeron transport (driver directory, driver counters). */
    public AeronClientTransport transport()
    {
        return transport;
    }
}
