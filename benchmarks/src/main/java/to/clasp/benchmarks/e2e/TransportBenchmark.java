package to.clasp.benchmarks.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.aeron.driver.ThreadingMode;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.core.Router;
import to.clasp.core.WaitStrategy;
import to.clasp.transport.aeron.AeronClaspClient;
import to.clasp.transport.aeron.AeronClientTransport;
import to.clasp.transport.aeron.AeronEdge;
import to.clasp.transport.aeron.DriverOptions;
import to.clasp.transport.aeron.IdleStrategies;
import to.clasp.transport.aeron.TimerSlack;
import to.clasp.transport.ws.NettyClientTransport;
import to.clasp.transport.ws.WebSocketClaspClient;
import to.clasp.transport.ws.WebSocketEdge;

/**
 * One-hop latency and 1 → 1 throughput through a real router, over WebSocket and over Aeron UDP on loopback, side by
 * side in one run. Publisher, router and subscriber share this JVM (and one clock), each client with its own
 * transport threads (and, for Aeron, its own embedded media driver), exactly as separate applications would run.
 * <ul>
 *     <li><b>latency</b>: the publisher emits events at a fixed rate; each carries its <i>intended</i> send time
 *     (start + i / rate), and the subscriber records arrival − intended time in an HdrHistogram. A publisher that
 *     falls behind therefore shows up as latency (no coordinated omission).</li>
 *     <li><b>throughput</b>: the publisher emits as fast as the subscriber keeps up, with at most {@code --window}
 *     events in flight (so nothing is dropped by the slow-consumer policy); reported: delivered events per second.</li>
 * </ul>
 * Run {@code --help} for options; docs/benchmarks.md §6 has the commands and figures.
 */
public final class TransportBenchmark
{
    private final Map<String, String> opts;

    private TransportBenchmark(final Map<String, String> opts)
    {
        this.opts = opts;
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = new LinkedHashMap<>();
        opts.put("transports", "ws,aeron");
        opts.put("scenarios", "latency,throughput");
        opts.put("rate", "10000");
        opts.put("seconds", "10");
        opts.put("warmup", "3");
        opts.put("messages", "2000000");
        opts.put("window", "20000");
        opts.put("idle", IdleStrategies.DEFAULT);
        opts.put("threading", "INVOKER");
        opts.put("wait", "block");
        opts.put("slack", "0");
        opts.put("pacing", "park");
        opts.put("shared", "false");
        for (final String arg : args)
        {
            if ("--help".equals(arg) || !arg.startsWith("--") || !arg.contains("="))
            {
                System.out.println("options (--name=value): " + opts);
                return;
            }
            final String key = arg.substring(2, arg.indexOf('='));
            if (!opts.containsKey(key))
            {
                throw new IllegalArgumentException("unknown option --" + key + "; known: " + opts.keySet());
            }
            opts.put(key, arg.substring(arg.indexOf('=') + 1));
        }
        System.out.println("# TransportBenchmark " + opts + ", cores " + Runtime.getRuntime().availableProcessors() +
            ", " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        new TransportBenchmark(opts).run();
    }

    private void run() throws Exception
    {
        final List<String> results = new ArrayList<>();
        for (final String scenario : opts.get("scenarios").split(","))
        {
            for (final String transport : opts.get("transports").split(","))
            {
                try (Setup setup = new Setup(transport.trim()))
                {
                    final String line = "latency".equals(scenario.trim()) ?
                        latency(setup) : throughput(setup);
                    System.out.println(line);
                    results.add(line);
                }
            }
        }
        System.out.println("# summary");
        results.forEach(System.out::println);
    }

    private String latency(final Setup setup) throws Exception
    {
        final int rate = Integer.parseInt(opts.get("rate"));
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        final AtomicLong received = new AtomicLong();
        setup.subscriber.subscribe("/bench/lat", (address, value, revision, signal) ->
        {
            final long now = System.nanoTime();
            final long intended = (Long)value;
            if (intended > 0)
            {
                histogram.recordValue(Math.max(0, now - intended));
            }
            received.incrementAndGet();
        });
        setup.roundTrip();

        final long warmup = (long)rate * Long.parseLong(opts.get("warmup"));
        final long measured = (long)rate * Long.parseLong(opts.get("seconds"));
        final long intervalNs = 1_000_000_000L / rate;
        final boolean spinPacing = "spin".equals(opts.get("pacing"));
        if (!spinPacing)
        {
            // Precise parks for the publisher alone, so pacing needs no spinning that would take a core from the
            // transports being measured (the same for both).
            TimerSlack.applyToCurrentThread(1_000);
        }
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (long i = 0; i < warmup + measured; i++)
        {
            final long intended = start + i * intervalNs;
            long now;
            while ((now = System.nanoTime()) < intended)
            {
                final long gap = intended - now;
                if (!spinPacing)
                {
                    LockSupport.parkNanos(gap);
                }
                else if (gap > 60_000)
                {
                    LockSupport.parkNanos(gap - 55_000); // park overshoots by ~55 µs here; spin the rest
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            // Warm-up events carry -intended so they are counted but not recorded.
            setup.publisher.emit("/bench/lat", i < warmup ? -intended : intended);
        }
        awaitCount(received, warmup + measured, 10_000);
        return String.format(Locale.ROOT,
            "latency    %-6s rate %,d/s  n=%,d  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (lost %d)%s",
            setup.transport, rate, histogram.getTotalCount(), us(histogram.getValueAtPercentile(50)),
            us(histogram.getValueAtPercentile(90)), us(histogram.getValueAtPercentile(99)),
            us(histogram.getValueAtPercentile(99.9)), us(histogram.getMaxValue()),
            warmup + measured - received.get(), setup.describe());
    }

    private String throughput(final Setup setup) throws Exception
    {
        final long messages = Long.parseLong(opts.get("messages"));
        final long window = Long.parseLong(opts.get("window"));
        final AtomicLong received = new AtomicLong();
        setup.subscriber.subscribe("/bench/tp", (address, value, revision, signal) -> received.incrementAndGet());
        setup.roundTrip();

        final long t0 = System.nanoTime();
        for (long i = 0; i < messages; i++)
        {
            while (i - received.get() >= window)
            {
                LockSupport.parkNanos(20_000); // window full: let the transports run
            }
            setup.publisher.emit("/bench/tp", i);
        }
        final boolean all = awaitCount(received, messages, 30_000);
        final long elapsed = System.nanoTime() - t0;
        final double perSecond = received.get() * 1e9 / elapsed;
        return String.format(Locale.ROOT, "throughput %-6s 1->1  delivered %,d of %,d in %.2f s = %,.0f msgs/s%s%s",
            setup.transport, received.get(), messages, elapsed / 1e9, perSecond, all ? "" : " (INCOMPLETE)",
            setup.describe());
    }

    private static boolean awaitCount(final AtomicLong counter, final long expected, final long timeoutMs)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (counter.get() < expected && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        return counter.get() >= expected;
    }

    private static String us(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
    }

    /** A router with one edge and two connected clients of that transport. */
    private final class Setup implements AutoCloseable
    {
        final String transport;
        final Router router;
        final WebSocketEdge wsEdge;
        final AeronEdge aeronEdge;
        final ClaspClient publisher;
        final ClaspClient subscriber;
        final EventLoopGroup wsClientLoop;
        final AeronClientTransport aeronClients;

        Setup(final String transport)
        {
            this.transport = transport;
            router = Router.launch(new Router.Context().waitStrategy(WaitStrategy.parse(opts.get("wait"))));
            final ClientOptions options = new ClientOptions().reconnect(false);
            if ("ws".equals(transport))
            {
                wsEdge = WebSocketEdge.launch(new WebSocketEdge.Context().host("127.0.0.1").port(0),
                    router.inboundPort());
                aeronEdge = null;
                final String url = "ws://127.0.0.1:" + wsEdge.localAddress().getPort() + "/";
                aeronClients = null;
                if (shared())
                {
                    wsClientLoop = NettyClientTransport.newEventLoopGroup(1);
                    publisher = WebSocketClaspClient.create(url, options, wsClientLoop);
                    subscriber = WebSocketClaspClient.create(url, options, wsClientLoop);
                }
                else
                {
                    wsClientLoop = null;
                    publisher = WebSocketClaspClient.create(url, options);
                    subscriber = WebSocketClaspClient.create(url, options);
                }
            }
            else if ("aeron".equals(transport))
            {
                wsEdge = null;
                aeronEdge = AeronEdge.launch(new AeronEdge.Context().endpoint("127.0.0.1:0").driver(driver()),
                    router.inboundPort());
                wsClientLoop = null;
                if (shared())
                {
                    aeronClients = new AeronClientTransport(new AeronClientTransport.Context()
                        .routerEndpoint(aeronEdge.localEndpoint()).driver(driver()).agentName("bench-clients"));
                    publisher = AeronClaspClient.create(options, aeronClients);
                    subscriber = AeronClaspClient.create(options, aeronClients);
                }
                else
                {
                    aeronClients = null;
                    publisher = AeronClaspClient.create(options, new AeronClientTransport.Context()
                        .routerEndpoint(aeronEdge.localEndpoint()).driver(driver()).agentName("bench-publisher"));
                    subscriber = AeronClaspClient.create(options, new AeronClientTransport.Context()
                        .routerEndpoint(aeronEdge.localEndpoint()).driver(driver()).agentName("bench-subscriber"));
                }
            }
            else
            {
                throw new IllegalArgumentException("transport must be ws or aeron: " + transport);
            }
            publisher.connect();
            subscriber.connect();
        }

        private boolean shared()
        {
            return Boolean.parseBoolean(opts.get("shared"));
        }

        private DriverOptions driver()
        {
            return new DriverOptions().idleStrategy(opts.get("idle"))
                .threadingMode(ThreadingMode.valueOf(opts.get("threading").toUpperCase(Locale.ROOT)))
                .timerSlackNs(Long.parseLong(opts.get("slack")));
        }

        String describe()
        {
            final String clients = shared() ? "clients share one " + ("aeron".equals(transport) ?
                "transport+driver" : "event loop") : "one transport per client";
            return "aeron".equals(transport) ?
                "  [" + clients + ", aeron idle " + opts.get("idle") + ", driver " + opts.get("threading") + ", timer slack " +
                    opts.get("slack") + " ns, core wait " + opts.get("wait") + "]" :
                "  [" + clients + ", core wait " + opts.get("wait") + "]";
        }

        void roundTrip() throws Exception
        {
            subscriber.set("/bench/sync", 1L);
            subscriber.get("/bench/sync").get(5, TimeUnit.SECONDS);
            publisher.set("/bench/sync", 2L);
            publisher.get("/bench/sync").get(5, TimeUnit.SECONDS);
        }

        public void close()
        {
            publisher.close();
            subscriber.close();
            if (null != aeronClients)
            {
                aeronClients.close();
            }
            if (null != wsClientLoop)
            {
                wsClientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            if (null != wsEdge)
            {
                wsEdge.stopAccepting();
            }
            if (null != aeronEdge)
            {
                aeronEdge.stopAccepting();
            }
            router.close();
            if (null != wsEdge)
            {
                wsEdge.close();
            }
            if (null != aeronEdge)
            {
                aeronEdge.close();
            }
        }
    }
}
