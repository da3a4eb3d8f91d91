package to.clasp.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.netty.channel.EventLoopGroup;
import picocli.CommandLine.Option;

import to.clasp.client.ClientOptions;
import to.clasp.client.ReplayOptions;
import to.clasp.transport.ws.NettyClientTransport;
import to.clasp.transport.ws.WebSocketClaspClient;

/**
 * The replay scenario: the latency scenario, unchanged (one publisher → one subscriber at {@code --rate}, the same
 * flags), while another client reads the journal with REPLAY back to back. Before the run that client writes
 * {@code --replay-entries} params (QoS 1 SETs, so every one is known journaled) to addresses of its own; during the run
 * it asks for them with REPLAY ({@code --replay-limit} entries each, at most 100 000) one after the other, each from the
 * time the previous one ended, so the replays walk the whole journal again and again while the journal thread reads
 * and the core paces replayed frames all through the latency run. Run it beside {@code latency}
 * against a router with a data directory; the target is a delivery p99 at most 2 × the latency run's:
 * <pre>
 * ./clasp bench latency replay --kinds set --data-dir-per-run --replay-entries 1000000
 * </pre>
 * The replaying client is the project's own Java client over WebSocket on an event loop of its own; it decodes every
 * replayed entry (in the generator's process, as a real reader would) and counts them.
 */
final class ReplayLoad
{
    /** The replaying client's addresses: outside the benchmark's {@code /bench/} prefix, so never delivered to it. */
    private static final String PREFIX = "/replay-load/";
    private static final String PATTERN = PREFIX + "**";
    /** Distinct addresses the fill writes (each written many times for a million entries). */
    private static final int ADDRESSES = 10_000;
    /** Fill writes in flight before the client waits for their ACKs. */
    private static final int FILL_WINDOW = 5_000;
    private static final long TIMEOUT_S = 120;

    /** The scenario's own flags (a picocli mixin of {@code clasp bench}). */
    static final class Options
    {
        @Option(names = "--replay-entries", paramLabel = "N", defaultValue = "1000000",
            description = "Journal entries the replay scenario writes before its run and replays during it " +
                "(default: ${DEFAULT-VALUE}).")
        long entries;

        @Option(names = "--replay-limit", paramLabel = "N", defaultValue = "100000",
            description = "Entries per REPLAY request in the replay scenario; the router answers at most 100 000 " +
                "(default: ${DEFAULT-VALUE}).")
        long limit;
    }

    private final LoadSettings settings;
    private final Options options;
    private final Transport transport;
    private final String url;
    private final String kind;
    private final LongSupplier rss;
    private final long routerPid;

    /**
     * @param url the router's WebSocket URL, for the replaying client (the latency run goes through
     *            {@code transport}).
     */
    ReplayLoad(final LoadSettings settings, final Options options, final Transport transport, final String url,
        final String kind, final LongSupplier rss, final long routerPid)
    {
        if (options.entries < 1 || options.limit < 1)
        {
            throw new IllegalArgumentException("--replay-entries and --replay-limit must be positive");
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
        final Replayer replayer;
        try (WebSocketClaspClient client = WebSocketClaspClient.create(url,
            new ClientOptions().name("clasp-bench-replay").reconnect(false).getTimeoutMs(TIMEOUT_S * 1000), group))
        {
            client.connect();
            final long fillStart = System.nanoTime();
            fill(client);
            if (null != settings.progress)
            {
                settings.progress.printf("%-28s replay: %,d entries journaled in %.1f s%n", transport.name() +
                    " replay", options.entries, (System.nanoTime() - fillStart) / 1e9);
            }
            replayer = new Replayer(client);
            replayer.start();
            final ScenarioResult result;
            try
            {
                result = new ScenarioRunner(settings, transport, kind, rss, routerPid).run(Scenario.LATENCY);
            }
            finally
            {
                replayer.stop();
            }
            result.scenario = Scenario.REPLAY.label();
            result.replayedPerSecond = replayer.entriesPerSecond();
            result.replays = replayer.replays.get();
            result.errors += replayer.failures.get();
            if (null != settings.progress)
            {
                settings.progress.printf("%-28s replay: %,d REPLAYs, %,.0f entries/s replayed, %d failed%s%n",
                    transport.name() + " replay", result.replays, result.replayedPerSecond, replayer.failures.get(),
                    null == replayer.firstFailure ? "" : " (" + replayer.firstFailure + ")");
            }
            if (0 == result.replays && null != replayer.firstFailure)
            {
                result.failure = "no REPLAY completed: " + replayer.firstFailure + " (the router needs a data " +
                    "directory: --data-dir-per-run)";
            }
            return result;
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** {@code entries} QoS 1 SETs, {@link #FILL_WINDOW} in flight: ACKed means journaled (and, per --fsync, synced). */
    private void fill(final WebSocketClaspClient client) throws Exception
    {
        final List<CompletableFuture<Long>> window = new ArrayList<>(FILL_WINDOW);
        long written = 0;
        while (written < options.entries)
        {
            window.clear();
            final long batch = Math.min(FILL_WINDOW, options.entries - written);
            for (long i = 0; i < batch; i++)
            {
                window.add(client.setConfirmed(PREFIX + ((written + i) % ADDRESSES), written + i));
            }
            for (final CompletableFuture<Long> ack : window)
            {
                try
                {
                    ack.get(TIMEOUT_S, TimeUnit.SECONDS);
                }
                catch (final ExecutionException ex)
                {
                    // Refused (e.g. the journal busy, ERROR 503): the entry is not in the journal.
                    written--;
                }
            }
            written += batch;
        }
    }

    /** REPLAY after REPLAY on its own thread until stopped, counting entries. */
    private final class Replayer implements Runnable
    {
        private final WebSocketClaspClient client;
        final AtomicLong replays = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        private final AtomicLong entries = new AtomicLong();
        private volatile boolean running;
        private volatile String firstFailure;
        private Thread thread;
        private long startNs;
        private long stopNs;
        private long entriesAtStop;

        Replayer(final WebSocketClaspClient client)
        {
            this.client = client;
        }

        void start()
        {
            running = true;
            startNs = System.nanoTime();
            thread = new Thread(this, "clasp-bench-replay");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stop after the REPLAY in progress (its entries after the latency run are not counted). */
        void stop() throws InterruptedException
        {
            if (null != thread && running)
            {
                stopNs = System.nanoTime();
                entriesAtStop = entries.get();
                running = false;
                thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            }
        }

        double entriesPerSecond()
        {
            return stopNs > startNs ? entriesAtStop / ((stopNs - startNs) / 1e9) : 0;
        }

        public void run()
        {
            // Each REPLAY goes on from the time of the previous one's last entry, so the replays walk the whole journal
            // (not its first --replay-limit entries again and again), and start over at its end.
            final long[] last = {-1};
            long from = 0;
            while (running)
            {
                try
                {
                    last[0] = -1;
                    final long got = client.replay(PATTERN, ReplayOptions.all().from(from).limit(options.limit),
                        (address, value, revision, signal, micros) ->
                        {
                            entries.incrementAndGet();
                            last[0] = micros;
                        }).get(TIMEOUT_S, TimeUnit.SECONDS);
                    replays.incrementAndGet();
                    from = got < options.limit || last[0] < 0 ? 0 : last[0] + 1;
                }
                catch (final Exception ex)
                {
                    // Refused (no data directory: ERROR 501), timed out or disconnected: counted, and the load ends.
                    failures.incrementAndGet();
                    firstFailure = String.valueOf(null != ex.getCause() ? ex.getCause() : ex);
                    return;
                }
            }
        }
    }
}
