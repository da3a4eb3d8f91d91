package to.clasp.transport.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.AeronCounters;

import to.clasp.client.ClientOptions;
import to.clasp.core.Router;

/**
 * A router with an Aeron edge in its own JVM (run by tests inside a network namespace), plus an observer client on
 * the router's own host that watches {@code /lan/**}. Reports on stdout:
 * {@code READY <endpoint>}, then {@code OBSERVED <count> <inOrder> <last>} once it has seen {@code expected}
 * updates (or after 60 s), and {@code SESSIONS <n>} every second. Runs until killed.
 * <p>
 * Arguments: {@code ENDPOINT EXPECTED}.
 */
public final class RemoteRouterMain
{
    private RemoteRouterMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String endpoint = args[0];
        final int expected = Integer.parseInt(args[1]);
        final Router router = Router.launch(new Router.Context());
        final AeronEdge edge = AeronEdge.launch(new AeronEdge.Context().endpoint(endpoint), router.inboundPort());
        final String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
        final AeronClaspClient observer = AeronClaspClient.create(
            new ClientOptions().name("observer").reconnect(false),
            new AeronClientTransport.Context().routerEndpoint(edge.localEndpoint()).responseHost(host));
        observer.connect();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            // SIGTERM from the test: leave no driver directory behind.
            observer.close();
            router.close();
            edge.close();
        }));
        final List<Long> seen = new ArrayList<>();
        observer.subscribe("/lan/seq", (address, value, revision, signal) ->
        {
            synchronized (seen)
            {
                seen.add((Long)value);
                seen.notifyAll();
            }
        });
        System.out.println("READY " + edge.localEndpoint());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long nextSessions = 0;
        synchronized (seen)
        {
            while (seen.size() < expected && System.nanoTime() < deadline)
            {
                seen.wait(100);
                if (System.nanoTime() - nextSessions > 0)
                {
                    System.out.println("SESSIONS " + router.metrics().sessions());
                    nextSessions = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
            boolean inOrder = true;
            for (int i = 0; i < seen.size(); i++)
            {
                inOrder &= seen.get(i) == i;
            }
            System.out.println("OBSERVED " + seen.size() + " " + inOrder + " " +
                (seen.isEmpty() ? -1 : seen.get(seen.size() - 1)));
        }
        while (true)
        {
            Thread.sleep(1000);
            System.out.println("SESSIONS " + router.metrics().sessions());
            System.out.println("NAKS " + edge.driverCounter(AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_SENT) + " " +
                edge.driverCounter(AeronCounters.SYSTEM_COUNTER_ID_RETRANSMITS_SENT));
        }
    }
}
