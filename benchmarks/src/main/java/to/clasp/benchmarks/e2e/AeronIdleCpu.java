package to.clasp.benchmarks.e2e;

import java.util.Locale;

import to.clasp.client.ClientOptions;
import to.clasp.core.Router;
import to.clasp.transport.aeron.AeronClaspClient;
import to.clasp.transport.aeron.AeronClientTransport;
import to.clasp.transport.aeron.AeronEdge;
import to.clasp.transport.aeron.DriverOptions;

/**
 * What an idle Aeron setup costs: a router with its Aeron edge and one connected Aeron client, nothing sent; reports
 * the process's CPU time over 5 s of silence, for each idle strategy given as an argument (default: the ones
 * compared in docs/benchmarks.md §6).
 */
public final class AeronIdleCpu
{
    private AeronIdleCpu()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String[] strategies = args.length > 0 ? args :
            new String[]{"park:50", "park:200", "park:1000", "backoff", "sleep:20"};
        for (final String idle : strategies)
        {
            final Router router = Router.launch(new Router.Context());
            final AeronEdge edge = AeronEdge.launch(new AeronEdge.Context().endpoint("127.0.0.1:0")
                .driver(new DriverOptions().idleStrategy(idle)), router.inboundPort());
            final AeronClaspClient client = AeronClaspClient.create(new ClientOptions().reconnect(false),
                new AeronClientTransport.Context().routerEndpoint(edge.localEndpoint())
                    .driver(new DriverOptions().idleStrategy(idle)));
            client.connect();
            Thread.sleep(1_000);
            final long cpu0 = cpuNanos();
            final long wall0 = System.nanoTime();
            Thread.sleep(5_000);
            final double share = 100.0 * (cpuNanos() - cpu0) / (System.nanoTime() - wall0);
            System.out.printf(Locale.ROOT, "idle %-10s CPU while idle (router core + Aeron edge + 1 client): " +
                "%.1f %% of one core%n", idle, share);
            client.close();
            router.close();
            edge.close();
        }
    }

    private static long cpuNanos()
    {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
