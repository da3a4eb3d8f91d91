package to.clasp.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.netty.channel.EventLoopGroup;
import picocli.CommandLine.Option;

import to.clasp.client.ClientOptions;
import to.clasp.client.SubscribeOptions;
import to.clasp.transport.ws.NettyClientTransport;
import to.clasp.transport.ws.WebSocketClaspClient;

/**
 * The subscribe-churn scenario: the fan-out scenario, unchanged (one paced publisher, N wildcard subscribers, the
 * same flags), while {@code --churn-clients} other clients subscribe and unsubscribe {@code --churn-rate} times per
 * second in total. Run it beside {@code fanout} with the same flags; the target is a delivery p99 (from the intended
 * send time) at most 1.2 × the fan-out run's:
 * <pre>
 * ./clasp bench fanout churn --kinds set --subscribers 1000 --fanout-rate 500 --churn-rate 10000 --churn-clients 100
 * </pre>
 * The churn clients take turns, one operation each: a client subscribes to one benchmark address ({@code /bench/<k>},
 * k cycling over the topics) and drops that subscription at its next turn, so every address the fan-out publishes to sees its subscriptions change
 * all the time — what makes a router that flushes its match cache on every change re-match every message. The
 * churn subscriptions take timeline signals only, so the fan-out's SETs and PUBLISHes are not delivered to them
 * (the SUBSCRIBE snapshot of the address's param still is, as for any subscriber).
 * <p>
 * The churn clients are the project's own Java client over WebSocket, sharing one event loop; a thread of their own
 * paces them on an intended-time schedule and reports how many subscribe + unsubscribe pairs it achieved.
 */
final class SubscribeChurn
{
    /** The churn subscriptions' type mask: timeline only, a signal the benchmark never sends. */
    private static final int TIMELINE_ONLY = 0x10;

    /** The scenario's own flags (a picocli mixin of {@code clasp bench}). */
    static final class Options
    {
        @Option(names = "--churn-rate", paramLabel = "PAIRS_PER_S", defaultValue = "10000",
            description = "Subscribe + unsubscribe pairs per second, over all churn clients, in the churn scenario " +
                "(default: ${DEFAULT-VALUE}).")
        double pairsPerSecond;

        @Option(names = "--churn-clients", paramLabel = "C", defaultValue = "100",
            description = "Clients that subscribe and unsubscribe in the churn scenario (default: ${DEFAULT-VALUE}).")
        int clients;
    }

    private final LoadSettings settings;
    private final Options options;
    private final Transport transport;
    private final String url;
    private final String kind;
    private final LongSupplier rss;
    private final long routerPid;

    /**
     * @param url the router's WebSocket URL, for the churn clients (the fan-out goes through {@code transport}).
     */
    SubscribeChurn(final LoadSettings settings, final Options options, final Transport transport, final String url,
        final String kind, final LongSupplier rss, final long routerPid)
    {
        if (!(settings.fanoutRate > 0))
        {
            throw new IllegalArgumentException("the churn scenario measures latency at a fixed rate: give " +
                "--fanout-rate (e.g. --subscribers 1000 --fanout-rate 500)");
        }
        if (options.clients < 1 || !(options.pairsPerSecond > 0))
        {
            throw new IllegalArgumentException("--churn-clients and --churn-rate must be positive");
        }
        this.settings = settings;
        this.options = options;
        this.transport = transport;
        this.url = url;
        this.kind = kind;
        this.rss = rss;
        this.routerPid = routerPid;
    }

    ScenarioResult run() throws Exception
    {
        final EventLoopGroup group = NettyClientTransport.newEventLoopGroup(1);
        final List<WebSocketClaspClient> clients = new ArrayList<>(options.clients);
        final Churn churn = new Churn(clients);
        try
        {
            for (int i = 0; i < options.clients; i++)
            {
                final WebSocketClaspClient client = WebSocketClaspClient.create(url,
                    new ClientOptions().name("clasp-bench-churn-" + i).reconnect(false), group);
                clients.add(client);
                client.connect();
            }
            churn.start();
            final ScenarioResult result = new ScenarioRunner(settings, transport, kind, rss, routerPid)
                .run(Scenario.FANOUT);
            churn.stop();
            result.scenario = Scenario.CHURN.label();
            result.churnPairsPerSecond = churn.pairsPerSecond();
            result.errors += churn.failures.get();
            if (null != settings.progress)
            {
                settings.progress.printf("%-28s churn: %,.0f subscribe + unsubscribe pairs/s by %d clients " +
                    "(asked %,.0f), %d failed%n", transport.name() + " churn", result.churnPairsPerSecond,
                    options.clients, options.pairsPerSecond, churn.failures.get());
            }
            return result;
        }
        finally
        {
            churn.stop();
            for (final WebSocketClaspClient c : clients)
            {
                c.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** The churn thread: one subscribe or unsubscribe per intended time, round robin over the clients. */
    private final class Churn implements Runnable
    {
        private final List<WebSocketClaspClient> clients;
        private final int[] activeSubscription;
        private final SubscribeOptions timelineOnly = SubscribeOptions.all().typeMask(TIMELINE_ONLY);
        private final AtomicLong pairs = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        private volatile boolean running;
        private Thread thread;
        private long startNs;
        private long stopNs;
        private long pairsAtStop;

        Churn(final List<WebSocketClaspClient> clients)
        {
            this.clients = clients;
            this.activeSubscription = new int[options.clients];
        }

        void start()
        {
            running = true;
            thread = new Thread(this, "clasp-bench-churn");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException
        {
            if (null != thread && running)
            {
                running = false;
                thread.join(TimeUnit.SECONDS.toMillis(5));
                stopNs = System.nanoTime();
                pairsAtStop = pairs.get();
            }
        }

        double pairsPerSecond()
        {
            return stopNs > startNs ? pairsAtStop / ((stopNs - startNs) / 1e9) : 0;
        }

        public void run()
        {
            // Each pair is two operations (a client's subscribe, and its unsubscribe one round later); operation i is
            // due at start + i / (2 × rate).
            final double intervalNs = 1e9 / (2 * options.pairsPerSecond);
            startNs = System.nanoTime();
            long op = 0;
            while (running)
            {
                final long due = startNs + (long)(op * intervalNs);
                final long wait = due - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                final int c = (int)(op % clients.size());
                final WebSocketClaspClient client = clients.get(c);
                try
                {
                    if (0 == activeSubscription[c])
                    {
                        final int topic = (int)((op / clients.size()) % settings.topics);
                        activeSubscription[c] = client.subscribe(ClaspFrames.PREFIX + topic,
                            (address, value, revision, signal) -> { }, timelineOnly);
                    }
                    else
                    {
                        client.unsubscribe(activeSubscription[c]);
                        activeSubscription[c] = 0;
                        pairs.incrementAndGet();
                    }
                }
                catch (final RuntimeException ex)
                {
                    failures.incrementAndGet();
                }
                op++;
            }
        }
    }
}
