package to.clasp.transport.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.AeronCounters;

import to.clasp.client.ClientOptions;
import to.clasp.client.SetOptions;

/**
 * An Aeron client in its own JVM (run by tests through {@link ChildJvm}, possibly inside a network namespace). It
 * reports on stdout, one line per fact, and never decides a test's outcome itself: the test reads the lines.
 * <ul>
 *     <li>{@code lock ENDPOINT ADDRESS}: connect, SET ADDRESS with the lock bit, print {@code LOCKED <session>},
 *     then wait to be killed.</li>
 *     <li>{@code sets ENDPOINT COUNT}: subscribe {@code /lan/**}, SET {@code /lan/seq} to 0..COUNT-1, wait for the
 *     echoes, print {@code ECHOES <received> <inOrder> <last>}, GET the final value, print
 *     {@code FINAL <value>}, close.</li>
 * </ul>
 */
public final class RemoteClientMain
{
    private RemoteClientMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        final String endpoint = args[1];
        final AeronClaspClient client = AeronClaspClient.create(
            new ClientOptions().name("remote-" + mode).reconnect(false).connectTimeoutMs(20_000),
            new AeronClientTransport.Context().routerEndpoint(endpoint).clientName("remote-" + mode)
                .connectTimeoutMs(20_000));
        client.connect();
        System.out.println("CONNECTED " + client.sessionId());
        switch (mode)
        {
            case "lock":
                client.set(args[2], 1.0, SetOptions.defaults().lock());
                client.get(args[2]).get(10, TimeUnit.SECONDS);
                System.out.println("LOCKED " + client.sessionId());
                Thread.sleep(Long.MAX_VALUE);
                break;
            case "sets":
                runSets(client, Integer.parseInt(args[2]));
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
    }

    private static void runSets(final AeronClaspClient client, final int count) throws Exception
    {
        final List<Long> echoes = new ArrayList<>();
        client.subscribe("/lan/**", (address, value, revision, signal) ->
        {
            synchronized (echoes)
            {
                echoes.add((Long)value);
                echoes.notifyAll();
            }
        });
        client.get("/lan/ready").handle((v, e) -> v).get(10, TimeUnit.SECONDS); // subscription registered
        final long start = System.nanoTime();
        for (long i = 0; i < count; i++)
        {
            client.set("/lan/seq", i);
            if (i % 10 == 9)
            {
                Thread.sleep(1); // small bursts: many datagrams, so the loss hits data, not just control traffic
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (echoes)
        {
            while (echoes.size() < count && System.nanoTime() < deadline)
            {
                echoes.wait(100);
            }
            boolean inOrder = true;
            for (int i = 0; i < echoes.size(); i++)
            {
                inOrder &= echoes.get(i) == i;
            }
            System.out.println("ECHOES " + echoes.size() + " " + inOrder + " " +
                (echoes.isEmpty() ? -1 : echoes.get(echoes.size() - 1)) + " in " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        }
        System.out.println("FINAL " + client.get("/lan/seq").get(10, TimeUnit.SECONDS));
        System.out.println("NAKS " + client.transport().driverCounter(AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_SENT) +
            " " + client.transport().driverCounter(AeronCounters.SYSTEM_COUNTER_ID_RETRANSMITS_SENT));
        client.close();
        System.out.println("DONE");
    }
}
