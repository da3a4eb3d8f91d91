package to.clasp.benchmarks.load;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs one scenario against one router through one {@link Transport}. Every message is sent from the calling
 * thread (one sending thread however many publisher connections: on 2 cores more threads would only take turns
 * with the router). Windowed sends wait for deliveries with a backoff that parks, not a busy spin, for the same
 * reason.
 */
public final class ScenarioRunner
{
    private static final int MAX_BATCH = 256;
    private static final long STALL_NS = 1_000_000_000L;
    /**
     * Longest wait for the end-of-run barrier's round trips: only a router that stopped answering takes it; a slow
     * one is waited for (what it still delivers is not "lost").
     */
    private static final long BARRIER_TIMEOUT_NS = 120_000_000_000L;
    private static final int CONNECT_THREADS = 8;
    private static final int STORM_WARMUP_CLIENTS = 1_000;
    /** The storm's warm-up goes on while either JVM's JIT compiler used more than this share of its CPU. */
    private static final double STORM_WARMUP_JIT_SHARE = 0.10;
    /** ... but no longer than this in all. */
    private static final long STORM_WARMUP_MAX_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private final LoadSettings settings;
    private final Transport transport;
    private final String kind;
    private final LongSupplier rss;
    private final long routerPid;
    private Transport probes;

    /**
     * @param kind      CLASP message kind, or null for routers with one kind.
     * @param rss       the router's resident set size now, or -1 when it is not a process the generator can see.
     * @param routerPid for the report; -1 if unknown.
     */
    public ScenarioRunner(
        final LoadSettings settings, final Transport transport, final String kind, final LongSupplier rss,
        final long routerPid)
    {
        this.settings = settings;
        this.transport = transport;
        this.kind = kind;
        this.rss = rss;
        this.routerPid = routerPid;
    }

    /**
     * @param probes the transport the flood's WELCOME probe connects through: its own threads, so that the
     *               subscriber's busy event loop does not delay the probe's handshake. The caller closes it.
     * @return this.
     */
    public ScenarioRunner probes(final Transport probes)
    {
        this.probes = probes;
        return this;
    }

    public ScenarioResult run(final Scenario scenario) throws Exception
    {
        switch (scenario)
        {
            case THROUGHPUT:
                return flow(scenario, settings.publishers, 1, 0, settings.window);
            case FLOOD:
                return flow(scenario, settings.publishers, 1, 0, 0);
            case STORM:
                return storm();
            case LATENCY:
                return flow(scenario, 1, 1, settings.latencyRate, settings.window);
            case ACK:
                return flow(scenario, 1, 0, settings.latencyRate, settings.window);
            case FANOUT:
                return flow(scenario, 1, settings.subscribers, settings.fanoutRate, settings.fanoutWindow);
            case CONNECTIONS:
                return connections();
            default:
                throw new IllegalArgumentException(scenario.toString());
        }
    }

    /** Publishers → wildcard subscribers, paced when {@code rate} > 0, else limited by the in-flight window. */
    private ScenarioResult flow(final Scenario scenario, final int publisherCount, final int subscriberCount,
        final double rate, final int window) throws Exception
    {
        final ScenarioResult result = newResult(scenario);
        result.publishers = publisherCount;
        result.subscribers = subscriberCount;
        result.targetRate = rate > 0 ? rate : null;
        result.window = rate > 0 || window == 0 ? null : window;
        final Measurement m = new Measurement();
        // In the ack scenario the publisher's own ACKs are what is delivered (one per message) and timed.
        final boolean acked = scenario == Scenario.ACK;
        final int perMessage = acked ? 1 : subscriberCount;
        final List<Endpoint> subscribers = new ArrayList<>();
        final List<Endpoint> publishers = new ArrayList<>();
        final long errorsBefore = transport.errors();
        // A paced run without spinning can run on the transport's sending loop as timer tasks, never blocking it, so
        // the subscribers share that loop: one generator thread sends and receives.
        final boolean onLoop = rate > 0 && settings.spinNs == 0 && transport.sendingLoop() != null;
        transport.subscribersOnSendingLoop(onLoop);
        try
        {
            for (int i = 0; i < subscriberCount; i++)
            {
                final Endpoint s = transport.connect(m);
                subscribers.add(s);
                s.subscribeAll();
            }
            for (int i = 0; i < publisherCount; i++)
            {
                publishers.add(transport.connect(acked ? m : Receiver.NONE));
            }
            // Each subscribeAll() above returned after a round trip: the router has every subscription.
            final Sender sender = new Sender(publishers.toArray(new Endpoint[0]), m, perMessage, rate, window);
            final String label = label(scenario);
            final WelcomeProbe probe = scenario == Scenario.FLOOD ?
                new WelcomeProbe(probes == null ? transport : probes) : null;
            try (ProgressReporter ignored = new ProgressReporter(settings.progress, second ->
                progressLine(label, second, sender, m, perMessage)))
            {
                if (probe != null)
                {
                    probe.start();
                }
                sender.run(transport.sendingLoop(), onLoop);
            }
            finally
            {
                if (probe != null)
                {
                    probe.stop(result);
                }
            }
            result.barrierFailure = awaitDeliveries(publishers, subscribers);
            if (acked && null == result.barrierFailure)
            {
                // A PONG is never held, but the ACKs of journaled writes may be (until their record is on disk);
                // a session's ACKs come in order, so the run ends when the last one has arrived.
                result.barrierFailure = awaitCount(m, sender.sent);
            }
            m.fromIntended.interval(); // take the last partial second into the totals
            m.fromSent.interval();
            m.pacingLag.interval();
            result.measuredSeconds = (sender.measureEndNs - sender.measureStartNs) / 1e9;
            result.sent = sender.sentAtEnd - sender.sentAtStart;
            result.delivered = sender.deliveredAtEnd - sender.deliveredAtStart;
            result.sentPerSecond = result.sent / result.measuredSeconds;
            result.deliveredPerSecond = result.delivered / result.measuredSeconds;
            result.lost = Math.max(0, sender.sent * perMessage - m.delivered());
            result.deliveryRatio = sender.sent == 0 ? null :
                (double)Math.min(m.delivered(), sender.sent * perMessage) / (sender.sent * perMessage);
            result.stalls = sender.stalls;
            result.routerCpuPercent = sender.routerCpuPercent;
            result.generatorCpuPercent = sender.generatorCpuPercent;
            result.fromIntended = copy(m.fromIntended.total());
            result.fromSent = copy(m.fromSent.total());
            result.latencyFromIntended = Percentiles.of(result.fromIntended);
            result.latencyFromSent = Percentiles.of(result.fromSent);
            result.pacingLag = rate > 0 ? Percentiles.of(m.pacingLag.total()) : null;
            result.rssBytes = rss();
        }
        finally
        {
            closeAll(publishers);
            closeAll(subscribers);
        }
        result.errors = transport.errors() - errorsBefore;
        return result;
    }

    /**
     * The end-of-run barrier: a round trip on each publisher after its last message (the router has then handled
     * everything it sent and queued the deliveries), then one on each subscriber (its answer is queued behind those
     * deliveries, so once it arrives they all have). What has not arrived then was lost, however slow the machine.
     *
     * @return null, or why a round trip failed (a connection closed, no answer within {@link #BARRIER_TIMEOUT_NS}).
     */
    private static String awaitDeliveries(final List<Endpoint> publishers, final List<Endpoint> subscribers)
    {
        final long deadline = System.nanoTime() + BARRIER_TIMEOUT_NS;
        final String publishersFailed = roundTrips(publishers, deadline);
        return publishersFailed != null ? "publisher: " + publishersFailed : roundTrips(subscribers, deadline);
    }

    /** Wait until {@code expected} messages were delivered; null, or why not within {@link #BARRIER_TIMEOUT_NS}. */
    private static String awaitCount(final Measurement m, final long expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + BARRIER_TIMEOUT_NS;
        while (m.delivered() < expected)
        {
            if (System.nanoTime() > deadline)
            {
                return "only " + m.delivered() + " of " + expected + " answers arrived";
            }
            Thread.sleep(1);
        }
        return null;
    }

    /** Round trips on all endpoints at once, each awaited until the shared deadline; null or why one failed. */
    private static String roundTrips(final List<Endpoint> endpoints, final long deadline)
    {
        final List<java.util.concurrent.CompletableFuture<?>> answers = new ArrayList<>(endpoints.size());
        try
        {
            for (final Endpoint e : endpoints)
            {
                answers.add(e.roundTrip());
            }
            for (final java.util.concurrent.CompletableFuture<?> answer : answers)
            {
                answer.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            return String.valueOf(ex.getCause());
        }
        catch (final Exception ex)
        {
            return ex.toString();
        }
    }

    private String progressLine(
        final String label, final long second, final Sender sender, final Measurement m, final int fanout)
    {
        final long sent = sender.sentVisible.get();
        final long delivered = m.delivered();
        final long sentRate = sent - sender.lastSent;
        final long deliveredRate = delivered - sender.lastDelivered;
        sender.lastSent = sent;
        sender.lastDelivered = delivered;
        final Histogram fromIntended = m.fromIntended.interval();
        final Histogram fromSent = m.fromSent.interval();
        final Histogram lag = m.pacingLag.interval();
        final boolean warm = sender.measureStartNs != 0;
        return String.format("%-28s %3ds %s sent %,11d/s  delivered %,11d/s  p99 %s µs from intended, %s µs from " +
                "sent, lag p99 %s µs  errors %d",
            label, second, warm ? "        " : "warm-up ", sentRate, deliveredRate,
            p99(fromIntended), p99(fromSent), p99(lag), transport.errors());
    }

    private static String p99(final Histogram h)
    {
        return h.getTotalCount() == 0 ? "-" : String.format("%,.0f", h.getValueAtPercentile(99) / 1000.0);
    }

    /** C clients connected and each subscribed to one topic, held for the run's duration. */
    private ScenarioResult connections() throws Exception
    {
        return connectMany(Scenario.CONNECTIONS, settings.connections, CONNECT_THREADS, settings.durationNs);
    }

    /**
     * The connection storm: {@code stormClients} clients, {@code stormConcurrency} handshaking at any moment, held
     * open until the storm is over.
     */
    private ScenarioResult storm() throws Exception
    {
        if (transport instanceof IdleClientTransport)
        {
            return storm((IdleClientTransport)transport);
        }
        if (settings.warmupNs > 0)
        {
            // Unmeasured: the router's handshake path compiled by the JIT, as the message scenarios' warm-up does
            // for theirs (a fresh router JVM runs each scenario).
            warmUpHandshakes(Math.min(STORM_WARMUP_CLIENTS, settings.stormClients));
        }
        return connectMany(Scenario.STORM, settings.stormClients, settings.stormConcurrency, 0);
    }

    /**
     * The storm through handshake-only clients, driven from their event loop: each finished handshake (answer and
     * subscription acknowledged) starts the next connect, so {@code stormConcurrency} are in flight with no thread
     * per client and no hand-off between threads inside a handshake.
     */
    private ScenarioResult storm(final IdleClientTransport idle) throws Exception
    {
        long warmupHandshakes = 0;
        if (settings.warmupNs > 0)
        {
            // Unmeasured handshakes (connect, subscribe, close) for the warm-up time, at least 1 000: a router that
            // has run a while has its handshake path compiled. After only 1 000 the fresh router JVM was still
            // compiling it through the storm (its C2 thread used more CPU than its I/O thread, on 2 cores). Then on,
            // round by round, while the JIT compiler threads of the router or of this generator still used more than
            // STORM_WARMUP_JIT_SHARE of their process's CPU in the last round (at most STORM_WARMUP_MAX_NS): a fixed
            // time does little work on a busy machine, and the measured storm then timed both JVMs' compilers.
            final long start = System.nanoTime();
            final long end = start + settings.warmupNs;
            boolean compiling = true;
            do
            {
                final CpuMeter routerCpu = new CpuMeter(routerPid);
                final CpuMeter generatorCpu = new CpuMeter(ProcessHandle.current().pid());
                routerCpu.start();
                generatorCpu.start();
                final HandshakeStorm round = new HandshakeStorm(idle, Math.min(STORM_WARMUP_CLIENTS,
                    settings.stormClients), settings.stormConcurrency, settings.topics, true);
                round.run();
                warmupHandshakes += round.ok();
                compiling = stillCompiling(routerCpu) || stillCompiling(generatorCpu);
            }
            while (System.nanoTime() - end < 0 ||
                (compiling && System.nanoTime() - start - STORM_WARMUP_MAX_NS < 0));
        }
        final ScenarioResult result = newResult(Scenario.STORM);
        result.connections = settings.stormClients;
        result.warmupHandshakes = warmupHandshakes;
        final long errorsBefore = transport.errors();
        result.rssBeforeBytes = rss();
        final HandshakeStorm storm = new HandshakeStorm(idle, settings.stormClients, settings.stormConcurrency,
            settings.topics, false);
        final String label = label(Scenario.STORM);
        final CpuMeter routerCpu = new CpuMeter(routerPid);
        final CpuMeter generatorCpu = new CpuMeter(ProcessHandle.current().pid());
        try (ProgressReporter ignored = new ProgressReporter(settings.progress, second ->
            String.format("%-28s %3ds connected %,d  failed %,d  router RSS %s  errors %d", label, second,
                storm.ok(), storm.failed(), mib(rss()), transport.errors())))
        {
            routerCpu.start();
            generatorCpu.start();
            storm.run();
        }
        result.routerCpuPerThousand = perThousand(routerCpu.secondsSinceStart(), storm.ok());
        result.generatorCpuPerThousand = perThousand(generatorCpu.secondsSinceStart(), storm.ok());
        result.routerJitCpuPerThousand = perThousand(routerCpu.jitSecondsSinceStart(), storm.ok());
        result.routerEventLoopCpuPerThousand = perThousand(routerCpu.eventLoopSecondsSinceStart(), storm.ok());
        result.connectSeconds = storm.seconds();
        result.connectOk = storm.ok();
        result.connectFailed = storm.failed();
        result.welcomeFailures = storm.failed();
        result.welcomeLatency = Percentiles.of(storm.answered);
        result.tcpConnectLatency = Percentiles.of(storm.connected);
        result.upgradeLatency = storm.upgraded.getTotalCount() == 0 ? null : Percentiles.of(storm.upgraded);
        result.rssBytes = rss();
        result.errors = transport.errors() - errorsBefore;
        storm.closeAll();
        return result;
    }

    /** The JIT compiler threads used more than {@link #STORM_WARMUP_JIT_SHARE} of the process's CPU (unknown: no). */
    private static boolean stillCompiling(final CpuMeter cpu)
    {
        final Double total = cpu.secondsSinceStart();
        final Double jit = cpu.jitSecondsSinceStart();
        return total != null && jit != null && total > 0 && jit > STORM_WARMUP_JIT_SHARE * total;
    }

    private static Double perThousand(final Double cpuSeconds, final long handshakes)
    {
        return cpuSeconds == null || handshakes <= 0 ? null : cpuSeconds * 1000.0 / handshakes;
    }

    /** {@code count} handshakes (connect, WELCOME, subscribe, close), {@code stormConcurrency} at a time. */
    private void warmUpHandshakes(final int count) throws Exception
    {
        final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(settings.stormConcurrency);
        final List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < settings.stormConcurrency; w++)
        {
            workers.add(pool.submit(() ->
            {
                int i;
                while ((i = next.getAndIncrement()) < count)
                {
                    try
                    {
                        final Endpoint e = transport.connect(Receiver.NONE);
                        e.subscribe(i % settings.topics);
                        e.close();
                    }
                    catch (final Exception ignore)
                    {
                        // warm-up only
                    }
                }
            }));
        }
        for (final Future<?> f : workers)
        {
            f.get();
        }
        pool.shutdown();
    }

    /**
     * {@code count} clients, {@code concurrency} at a time, each timed from the start of its TCP connect to its
     * handshake answer (CLASP WELCOME), then subscribed to one topic (a round trip); all held {@code holdNs} after
     * the last one connected, then closed.
     */
    private ScenarioResult connectMany(final Scenario scenario, final int count, final int concurrency,
        final long holdNs) throws Exception
    {
        final ScenarioResult result = newResult(scenario);
        result.connections = count;
        final long errorsBefore = transport.errors();
        result.rssBeforeBytes = rss();
        final List<Endpoint> endpoints = java.util.Collections.synchronizedList(new ArrayList<>(count));
        final Histogram welcome = new Histogram(LatencyStats.HIGHEST_NS, 3);
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        final String label = label(scenario);
        final ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try (ProgressReporter ignored = new ProgressReporter(settings.progress, second ->
            String.format("%-28s %3ds connected %,d  failed %,d  router RSS %s  errors %d", label, second, ok.get(),
                failed.get(), mib(rss()), transport.errors())))
        {
            final long start = System.nanoTime();
            final List<Future<?>> workers = new ArrayList<>(concurrency);
            for (int w = 0; w < concurrency; w++)
            {
                workers.add(pool.submit(() ->
                {
                    int i;
                    while ((i = next.getAndIncrement()) < count)
                    {
                        final long t0 = System.nanoTime();
                        try
                        {
                            final Endpoint e = transport.connect(Receiver.NONE);
                            final long took = System.nanoTime() - t0;
                            synchronized (welcome)
                            {
                                welcome.recordValue(Math.min(took, LatencyStats.HIGHEST_NS));
                            }
                            endpoints.add(e);
                            e.subscribe(i % settings.topics);
                            ok.incrementAndGet();
                        }
                        catch (final Exception ex)
                        {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            for (final Future<?> f : workers)
            {
                f.get();
            }
            result.connectSeconds = (System.nanoTime() - start) / 1e9;
            TimeUnit.NANOSECONDS.sleep(holdNs);
        }
        result.connectOk = ok.get();
        result.connectFailed = failed.get();
        result.welcomeLatency = Percentiles.of(welcome);
        result.welcomeFailures = failed.get();
        result.rssBytes = rss();
        if (result.rssBytes != null && result.rssBeforeBytes != null && ok.get() > 0)
        {
            result.rssPerConnectionBytes = (double)(result.rssBytes - result.rssBeforeBytes) / ok.get();
        }
        result.errors = transport.errors() - errorsBefore;
        final List<Future<?>> closing = new ArrayList<>();
        for (final Endpoint e : endpoints)
        {
            closing.add(pool.submit(e::close));
        }
        for (final Future<?> f : closing)
        {
            f.get();
        }
        pool.shutdown();
        return result;
    }

    /**
     * During the flood: every {@code probeIntervalNs} a new client connects and is timed to its WELCOME (the
     * handshake answer), then closes. Latencies and failures go into the result.
     */
    private final class WelcomeProbe implements Runnable
    {
        private final Transport through;
        private final Histogram latency = new Histogram(LatencyStats.HIGHEST_NS, 3);
        private final Thread thread = new Thread(this, "welcome-probe");
        private volatile boolean running = true;
        private long failures;

        WelcomeProbe(final Transport through)
        {
            this.through = through;
            thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        public void run()
        {
            while (running)
            {
                final long t0 = System.nanoTime();
                try
                {
                    final Endpoint e = through.connect(Receiver.NONE);
                    latency.recordValue(Math.min(System.nanoTime() - t0, LatencyStats.HIGHEST_NS));
                    e.close();
                }
                catch (final Exception ex)
                {
                    failures++;
                }
                final long left = settings.probeIntervalNs - (System.nanoTime() - t0);
                if (left > 0)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
            }
        }

        void stop(final ScenarioResult result) throws InterruptedException
        {
            running = false;
            thread.join(30_000);
            result.welcomeLatency = Percentiles.of(latency);
            result.welcomeFailures = failures;
        }
    }

    private ScenarioResult newResult(final Scenario scenario)
    {
        final ScenarioResult r = new ScenarioResult();
        r.target = transport.name();
        r.scenario = scenario.label();
        r.kind = kind;
        r.payloadBytes = settings.payloadSize;
        r.routerPid = routerPid > 0 ? routerPid : null;
        return r;
    }

    private String label(final Scenario scenario)
    {
        return transport.name() + " " + scenario.label() + (kind == null ? "" : " " + kind);
    }

    private Long rss()
    {
        final long v = rss.getAsLong();
        return v > 0 ? v : null;
    }

    private static String mib(final Long bytes)
    {
        return bytes == null ? "-" : String.format("%,.1f MiB", bytes / 1048576.0);
    }

    private static Histogram copy(final Histogram h)
    {
        return h == null ? new Histogram(LatencyStats.HIGHEST_NS, 3) : h.copy();
    }

    private static void closeAll(final List<Endpoint> endpoints)
    {
        for (final Endpoint e : endpoints)
        {
            try
            {
                e.close();
            }
            catch (final RuntimeException ex)
            {
                // closing anyway
            }
        }
    }

    /** The sending loop and its counters; runs on the caller's thread (or the transport's sending thread), read by the progress thread. */
    private final class Sender
    {
        private final Endpoint[] publishers;
        private final Measurement m;
        private final int fanout;
        private final double rate;
        private final int window;
        final AtomicLong sentVisible = new AtomicLong();
        final CpuMeter routerCpu = new CpuMeter(routerPid);
        final CpuMeter generatorCpu = new CpuMeter(ProcessHandle.current().pid());
        Double routerCpuPercent;
        Double generatorCpuPercent;
        long sent;
        long stalls;
        volatile long measureStartNs;
        long measureEndNs;
        long sentAtStart;
        long deliveredAtStart;
        long sentAtEnd;
        long deliveredAtEnd;
        long lastSent;
        long lastDelivered;

        Sender(final Endpoint[] publishers, final Measurement m, final int fanout, final double rate, final int window)
        {
            this.window = window;
            this.publishers = publishers;
            this.m = m;
            this.fanout = fanout;
            this.rate = rate;
        }

        /**
         * @param loop   the transport's sending loop, or null to send from this thread.
         * @param onLoop run a paced send as timer tasks on the loop (which then also serves the subscribers);
         *               otherwise the whole sending loop runs as one task on it (or here without a loop).
         */
        void run(final SendingLoop loop, final boolean onLoop)
        {
            if (window == 0 && rate == 0 && loop != null)
            {
                // The flood writes only to publishers whose sockets take more: it must never block the loop that
                // flushes them, so it runs as tasks that give the loop back after every round.
                runOnLoopAndWait(loop, done -> new FloodOnLoop(loop, done).start());
                return;
            }
            if (loop == null || (!onLoop && !loop.mayBlock()))
            {
                run(null);
            }
            else if (onLoop)
            {
                // LoopPacing completes `done` from its last timer task.
                runOnLoopAndWait(loop, done -> run(new LoopPacing(loop, done)));
            }
            else
            {
                runOnLoopAndWait(loop, done ->
                {
                    run(null);
                    done.complete(null);
                });
            }
        }

        /** Start {@code body} on the loop's thread and wait until it (or a task it left behind) completes the run. */
        private void runOnLoopAndWait(final SendingLoop loop,
            final java.util.function.Consumer<java.util.concurrent.CompletableFuture<Void>> body)
        {
            final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            loop.execute(() ->
            {
                try
                {
                    body.accept(done);
                }
                catch (final Throwable t)
                {
                    done.completeExceptionally(t);
                }
            });
            done.join();
        }

        private void run(final LoopPacing loopPacing)
        {
            final long startNs = System.nanoTime();
            final long measureFrom = startNs + settings.warmupNs;
            final long endNs = measureFrom + settings.durationNs;
            m.measureFrom(measureFrom);
            if (rate > 0)
            {
                final PacedRun paced = new PacedRun(startNs, measureFrom, endNs);
                if (loopPacing != null)
                {
                    // Completes later, on the loop; the figures below are taken when it has.
                    loopPacing.start(paced, () -> finish(measureFrom));
                    return;
                }
                paced.runHere();
            }
            else if (window == 0)
            {
                floodHere(measureFrom, endNs);
            }
            else
            {
                windowed(measureFrom, endNs);
            }
            finish(measureFrom);
        }

        /**
         * Unwindowed, on this thread: each publisher gets a batch whenever it takes one (a client library that blocks
         * or queues when its socket is full is the only brake).
         */
        private void floodHere(final long measureFrom, final long endNs)
        {
            final IdleStrategy idle = backoff();
            long now;
            while ((now = System.nanoTime()) < endNs)
            {
                if (measureStartNs == 0 && now >= measureFrom)
                {
                    markStart(now);
                }
                if (floodRound(now))
                {
                    idle.reset();
                }
                else
                {
                    idle.idle();
                }
            }
        }

        /**
         * One batch to every publisher that takes more now.
         *
         * @return whether any did.
         */
        private boolean floodRound(final long now)
        {
            boolean any = false;
            for (final Endpoint p : publishers)
            {
                if (!p.writable())
                {
                    continue;
                }
                any = true;
                for (int k = 0; k < MAX_BATCH; k++)
                {
                    p.send(topic(sent), now, now);
                    sent++;
                }
                p.flush();
            }
            sentVisible.lazySet(sent);
            return any;
        }

        /** The flood as tasks on the publishers' event loop. */
        private final class FloodOnLoop implements Runnable
        {
            private static final long FULL_RETRY_NS = 20_000;
            private final SendingLoop loop;
            private final java.util.concurrent.CompletableFuture<Void> done;
            private long measureFrom;
            private long endNs;

            FloodOnLoop(final SendingLoop loop, final java.util.concurrent.CompletableFuture<Void> done)
            {
                this.loop = loop;
                this.done = done;
            }

            void start()
            {
                final long startNs = System.nanoTime();
                measureFrom = startNs + settings.warmupNs;
                endNs = measureFrom + settings.durationNs;
                m.measureFrom(measureFrom);
                run();
            }

            public void run()
            {
                try
                {
                    final long now = System.nanoTime();
                    if (measureStartNs == 0 && now >= measureFrom)
                    {
                        markStart(now);
                    }
                    if (now >= endNs)
                    {
                        finish(measureFrom);
                        done.complete(null);
                        return;
                    }
                    if (floodRound(now))
                    {
                        loop.execute(this);
                    }
                    else
                    {
                        loop.schedule(this, FULL_RETRY_NS);
                    }
                }
                catch (final Throwable t)
                {
                    done.completeExceptionally(t);
                }
            }
        }

        private void finish(final long measureFrom)
        {
            if (measureStartNs == 0)
            {
                markStart(measureFrom);
            }
            measureEndNs = System.nanoTime();
            routerCpuPercent = routerCpu.percentSinceStart();
            generatorCpuPercent = generatorCpu.percentSinceStart();
            sentAtEnd = sent;
            deliveredAtEnd = m.delivered();
        }

        private void markStart(final long now)
        {
            routerCpu.start();
            generatorCpu.start();
            sentAtStart = sent;
            deliveredAtStart = m.delivered();
            measureStartNs = now;
        }

        /** Fixed rate: every message has an intended time; a late sender sends what is due at once. */
        private final class PacedRun
        {
            private final Pacer pacer;
            private final long measureFrom;
            private final long endNs;
            /** A router that cannot keep up must not grow the generator's memory without bound. */
            private final long cap = (long)window * 100;
            private long i;

            PacedRun(final long startNs, final long measureFrom, final long endNs)
            {
                this.pacer = new Pacer(startNs, rate, settings.spinNs);
                this.measureFrom = measureFrom;
                this.endNs = endNs;
            }

            /** Block this thread between sends (parking, or spinning the last {@code --spin-us}). */
            void runHere()
            {
                final IdleStrategy idle = backoff();
                long next = pacer.intendedNs(0);
                while (next < endNs)
                {
                    long now = pacer.awaitUntil(next);
                    // Wait for the router, and let the wait show in the latency from the intended time.
                    while (overCap() && (now = System.nanoTime()) < endNs)
                    {
                        idle.idle();
                    }
                    next = sendDue(now);
                }
            }

            boolean overCap()
            {
                return inFlight() > cap;
            }

            long intendedNs(final long index)
            {
                return pacer.intendedNs(index);
            }

            /**
             * Send every message due at {@code now} (at most a batch), flush once.
             *
             * @return the intended time of the next message ({@code >= endNs} when the run is over).
             */
            long sendDue(final long now)
            {
                final long intended = pacer.intendedNs(i);
                if (intended >= endNs)
                {
                    return intended;
                }
                if (measureStartNs == 0 && intended >= measureFrom)
                {
                    markStart(intended);
                }
                final long due = Math.min(pacer.dueCount(now), i + MAX_BATCH);
                do
                {
                    final long t = pacer.intendedNs(i);
                    if (t >= endNs)
                    {
                        break;
                    }
                    publishers[(int)(i % publishers.length)].send(topic(i), t, now);
                    if (m.measuring(t))
                    {
                        m.pacingLag.record(now - t);
                    }
                    i++;
                    sent++;
                }
                while (i < due);
                flushAll();
                sentVisible.lazySet(sent);
                return pacer.intendedNs(i);
            }

            long endNs()
            {
                return endNs;
            }
        }

        /**
         * A paced run as timer tasks on the sending loop: each task sends what is due and schedules the next at the
         * next intended time, so the loop serves its sockets (the subscribers' reads) in between.
         */
        private final class LoopPacing implements Runnable
        {
            private static final long OVER_CAP_RETRY_NS = 50_000;
            private final SendingLoop loop;
            private final java.util.concurrent.CompletableFuture<Void> done;
            private PacedRun run;
            private Runnable onEnd;

            LoopPacing(final SendingLoop loop,
                final java.util.concurrent.CompletableFuture<Void> done)
            {
                this.loop = loop;
                this.done = done;
            }

            void start(final PacedRun run, final Runnable onEnd)
            {
                this.run = run;
                this.onEnd = onEnd;
                schedule(run.intendedNs(0));
            }

            public void run()
            {
                try
                {
                    final long now = System.nanoTime();
                    if (now < run.endNs() && run.overCap())
                    {
                        loop.schedule(this, OVER_CAP_RETRY_NS);
                        return;
                    }
                    final long next = run.sendDue(now);
                    if (next >= run.endNs())
                    {
                        onEnd.run();
                        done.complete(null);
                        return;
                    }
                    schedule(next);
                }
                catch (final Throwable t)
                {
                    done.completeExceptionally(t);
                }
            }

            private void schedule(final long intendedNs)
            {
                loop.schedule(this, Math.max(0, intendedNs - System.nanoTime()));
            }
        }

        /** As fast as the window allows: at most {@code window} messages sent and not yet fully delivered. */
        private void windowed(final long measureFrom, final long endNs)
        {
            final IdleStrategy idle = backoff();
            long forgiven = 0;
            long lastDelivered = -1;
            long lastProgressNs = System.nanoTime();
            long now;
            while ((now = System.nanoTime()) < endNs)
            {
                if (measureStartNs == 0 && now >= measureFrom)
                {
                    markStart(now);
                }
                final long delivered = m.delivered();
                final long room = window - (sent - (delivered + forgiven) / fanout);
                if (room <= 0)
                {
                    if (delivered != lastDelivered)
                    {
                        lastDelivered = delivered;
                        lastProgressNs = now;
                    }
                    else if (now - lastProgressNs > STALL_NS)
                    {
                        // Deliveries stopped (conflated or dropped): stop waiting for the missing ones.
                        forgiven = sent * fanout - delivered;
                        stalls++;
                        lastProgressNs = now;
                    }
                    idle.idle();
                    continue;
                }
                idle.reset();
                final long n = Math.min(room, MAX_BATCH);
                for (long k = 0; k < n; k++)
                {
                    publishers[(int)(sent % publishers.length)].send(topic(sent), now, now);
                    sent++;
                }
                flushAll();
                sentVisible.lazySet(sent);
            }
        }

        private long inFlight()
        {
            return sent - m.delivered() / fanout;
        }

        private int topic(final long index)
        {
            return (int)(index % settings.topics);
        }

        private void flushAll()
        {
            for (final Endpoint p : publishers)
            {
                p.flush();
            }
        }
    }

    private static IdleStrategy backoff()
    {
        return new BackoffIdleStrategy(10, 20, 1_000, 50_000);
    }
}
