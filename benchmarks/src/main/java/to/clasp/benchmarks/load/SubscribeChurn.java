package to.clasp.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import picocli.CommandLine.Option;

import to.clasp.protocol.SignalType;

/**
 * The subscribe-churn scenario: the fan-out scenario, unchanged (one paced publisher, N wildcard subscribers, the
 * same flags), while {@code --churn-clients} other clients subscribe and unsubscribe {@code --churn-rate} times per
 * second in total. Run it beside {@code fanout} with the same flags; the target is a delivery p99 (from the intended
 * send time) at most 1.2 × the fan-out run's:
 * <pre>
 * ./clasp bench fanout churn --kinds set --subscribers 1000 --fanout-rate 500 --churn-rate 10000 --churn-clients 100
 * </pre>
 * The churn clients take turns, one operation each: a client subscribes to one benchmark address ({@code /bench/<k>},
 * k cycling over the topics) and drops that subscription at its next turn, so every address the fan-out publishes to
 * sees its subscriptions change all the time — what makes a router that flushes its match cache on every change
 * re-match every message. The churn subscriptions take timeline signals only, so the fan-out's SETs and PUBLISHes
 * are not delivered to them (the SUBSCRIBE snapshot of the address's param still is, as for any subscriber).
 * <p>
 * <b>What the churn costs the generator.</b> The churn clients share the generator's JVM and the machine's cores with
 * the 1 000 measured subscribers, so their own cost is added to the measured delivery latency. They are therefore as
 * cheap as the router lets a client be: raw WebSocket connections (the generator's {@link ClaspWsTransport}, on an
 * event loop of their own) that send pre-encoded SUBSCRIBE and UNSUBSCRIBE frames and only scan what comes back
 * (ERROR frames count as errors). The operations are paced on that loop's own thread, on an intended-time schedule
 * checked every {@value #TICK_US} µs: each tick sends every operation due by then (5 at 20 000 operations/s), so the
 * generator wakes 4 000 times a second instead of twice per operation (a pacing thread, then the event loop), while
 * the router still gets each operation as its own frame from its own connection. The router's work per SUBSCRIBE and
 * UNSUBSCRIBE is the same as with the project's full Java client, which the first version of this scenario used.
 */
final class SubscribeChurn
{
    /** The churn subscriptions' type mask: timeline only, a signal the benchmark never sends. */
    private static final int TIMELINE_ONLY = SignalType.maskBit(SignalType.TIMELINE);
    /** How often the churn loop sends the operations that have come due. */
    static final int TICK_US = 250;
    /** How long the churn clients' closing round trips may take (a busy machine's backlog, not a fixed delay). */
    private static final long ROUND_TRIP_TIMEOUT_S = 60;
    /** Each churn client's one subscription id (it is dropped before it is taken again). */
    private static final int SUBSCRIPTION_ID = 1;

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
    private final java.util.function.LongSupplier rss;
    private final long routerPid;

    /**
     * @param url the router's WebSocket URL, for the churn clients (the fan-out goes through {@code transport}).
     */
    SubscribeChurn(final LoadSettings settings, final Options options, final Transport transport, final String url,
        final String kind, final java.util.function.LongSupplier rss, final long routerPid)
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
        // Frames only: the churn clients send no benchmark messages, so the message kind and size do not matter.
        try (ClaspWsTransport churnTransport = new ClaspWsTransport(url,
            new ClaspFrames(MessageKind.SET, Payload.MIN_SIZE, 1), 1))
        {
            final List<Endpoint> clients = new ArrayList<>(options.clients);
            try
            {
                for (int i = 0; i < options.clients; i++)
                {
                    clients.add(churnTransport.connect(Receiver.NONE)); // on the transport's sending loop
                }
                final Churn churn = new Churn(clients, churnTransport.sendingLoop());
                churn.start();
                final ScenarioResult result = new ScenarioRunner(settings, transport, kind, rss, routerPid)
                    .run(Scenario.FANOUT);
                churn.stop();
                // Every SUBSCRIBE and UNSUBSCRIBE has been handled (and any ERROR for one counted) once a PING sent
                // after the last of them is answered; a router still that far behind after the run fails it.
                final java.util.concurrent.CompletableFuture<?>[] pongs =
                    new java.util.concurrent.CompletableFuture<?>[clients.size()];
                for (int i = 0; i < pongs.length; i++)
                {
                    pongs[i] = clients.get(i).roundTrip();
                }
                java.util.concurrent.CompletableFuture.allOf(pongs).get(ROUND_TRIP_TIMEOUT_S, TimeUnit.SECONDS);
                result.scenario = Scenario.CHURN.label();
                result.churnPairsPerSecond = churn.pairsPerSecond();
                result.errors += churnTransport.errors();
                if (null != settings.progress)
                {
                    settings.progress.printf("%-28s churn: %,.0f subscribe + unsubscribe pairs/s by %d clients " +
                        "(asked %,.0f), %d errors%n", transport.name() + " churn", result.churnPairsPerSecond,
                        options.clients, options.pairsPerSecond, churnTransport.errors());
                }
                return result;
            }
            finally
            {
                for (final Endpoint c : clients)
                {
                    c.close();
                }
            }
        }
    }

    /**
     * The churn schedule, run on the churn clients' own event loop: every {@value #TICK_US} µs it sends each operation
     * whose intended time has come (one subscribe or unsubscribe each, round robin over the clients).
     */
    private final class Churn implements Runnable
    {
        private final List<Endpoint> clients;
        private final SendingLoop loop;
        private final boolean[] subscribed;
        private final byte[][] subscribeFrames;
        private final byte[] unsubscribeFrame = ClaspFrames.unsubscribe(SUBSCRIPTION_ID, true);
        private final double intervalNs;
        private final AtomicLong pairs = new AtomicLong();
        private volatile boolean running;
        private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        private long startNs;
        private long op;
        private volatile long stopNs;

        Churn(final List<Endpoint> clients, final SendingLoop loop)
        {
            this.clients = clients;
            this.loop = loop;
            this.subscribed = new boolean[clients.size()];
            this.subscribeFrames = new byte[settings.topics][];
            for (int t = 0; t < settings.topics; t++)
            {
                subscribeFrames[t] = ClaspFrames.subscribe(SUBSCRIPTION_ID, ClaspFrames.PREFIX + t, TIMELINE_ONLY,
                    true);
            }
            // Each pair is two operations (a client's subscribe, and its unsubscribe one round later); operation i is
            // due at start + i / (2 × rate).
            this.intervalNs = 1e9 / (2 * options.pairsPerSecond);
        }

        void start()
        {
            running = true;
            loop.execute(() ->
            {
                startNs = System.nanoTime();
                run();
            });
        }

        void stop() throws InterruptedException
        {
            if (running)
            {
                running = false;
                stopped.await(5, TimeUnit.SECONDS);
            }
        }

        double pairsPerSecond()
        {
            final long elapsedNs = stopNs - startNs;
            return elapsedNs > 0 ? pairs.get() / (elapsedNs / 1e9) : 0;
        }

        /** One tick, on the loop. */
        public void run()
        {
            if (!running)
            {
                stopped.countDown();
                return;
            }
            final long now = System.nanoTime();
            // The rate is over the time the churn ran: up to its last tick, not to whenever a starved loop sees the stop.
            stopNs = now;
            final int n = clients.size();
            while (startNs + (long)(op * intervalNs) <= now)
            {
                final int c = (int)(op % n);
                final Endpoint client = clients.get(c);
                if (!subscribed[c])
                {
                    client.sendFrame(subscribeFrames[(int)((op / n) % settings.topics)]);
                }
                else
                {
                    client.sendFrame(unsubscribeFrame);
                    pairs.lazySet(pairs.get() + 1);
                }
                client.flush();
                subscribed[c] = !subscribed[c];
                op++;
            }
            loop.schedule(this, TimeUnit.MICROSECONDS.toNanos(TICK_US));
        }
    }
}
