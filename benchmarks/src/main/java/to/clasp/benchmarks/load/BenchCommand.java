package to.clasp.benchmarks.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clasp bench}: runs the load scenarios against each router in turn, one after the other on this machine,
 * each router a separate process started here and stopped by its PID, then prints the summary table and writes
 * result.json, summary.md and one latency plot per scenario.
 */
@Command(name = "clasp bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Load generator: throughput, latency, fan-out and connection scenarios against this router " +
        "and, for comparison, nats-server and Mosquitto.")
public final class BenchCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "SCENARIO", arity = "0..*",
        description = "throughput, flood, latency, fanout, connections, storm, churn, ack, replay (default: all but " +
            "churn, which needs --fanout-rate; ack: QoS-1 SET to ACK latency at --rate; replay: the latency scenario " +
            "while a client REPLAYs the journal; ack and replay need --data-dir-per-run).")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--targets", split = ",", paramLabel = "T",
        description = "Routers to drive, in order; figures are reported as ratios to the first: clasp-ws, " +
            "clasp-aeron, nats, mosquitto (default: clasp-ws).")
    List<String> targets = new ArrayList<>(List.of("clasp-ws"));

    @Option(names = "--kinds", split = ",", paramLabel = "K",
        description = "CLASP message kinds: publish, set, set_confirmed (QoS 1, each ACKed) (default: publish,set).")
    List<String> kinds = new ArrayList<>(List.of("publish", "set"));

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
        description = "Measured seconds per scenario; for connections, how long they are held (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2",
        description = "Unmeasured seconds before each scenario (JIT, connections, caches) (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--publishers", paramLabel = "P", defaultValue = "4",
        description = "Publisher connections in the throughput scenario (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "100",
        description = "Subscriber connections in the fan-out scenario (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--connections", paramLabel = "C", defaultValue = "10000",
        description = "Clients in the connections scenario (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--storm-clients", paramLabel = "C", defaultValue = "5000",
        description = "Clients in the storm scenario (default: ${DEFAULT-VALUE}).")
    int stormClients;

    @Option(names = "--storm-concurrency", paramLabel = "K", defaultValue = "100",
        description = "Storm clients handshaking at once (default: ${DEFAULT-VALUE}).")
    int stormConcurrency;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32",
        description = "Message payload bytes, the same for every router; at least 16 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--topics", paramLabel = "N", defaultValue = "100",
        description = "Distinct addresses/subjects/topics the publishers cycle through (default: ${DEFAULT-VALUE}).")
    int topics;

    @Option(names = "--window", paramLabel = "MSGS", defaultValue = "1000",
        description = "Messages in flight before a max-rate sender waits for deliveries (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--fanout-window", paramLabel = "MSGS", defaultValue = "100",
        description = "The window of the fan-out scenario, in published messages (each one is N deliveries) " +
            "(default: ${DEFAULT-VALUE}).")
    int fanoutWindow;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "10000",
        description = "Fixed send rate of the latency scenario (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--fanout-rate", paramLabel = "MSGS_PER_S", defaultValue = "0",
        description = "Fixed publish rate of the fan-out scenario; 0 = as fast as the window allows " +
            "(default: ${DEFAULT-VALUE}).")
    double fanoutRate;

    @Option(names = "--spin-us", paramLabel = "US", defaultValue = "0",
        description = "Pace precisely: spin this many µs before each intended send time instead of parking " +
            "(costs a core; default: ${DEFAULT-VALUE}).")
    long spinUs;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
        description = "Run everything N times, routers interleaved, and tabulate each router's median round: " +
            "evens out load from elsewhere on a shared machine (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "17400",
        description = "First loopback port for the routers; each run takes the next (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--url", paramLabel = "WS_URL",
        description = "Drive an already running CLASP router at this ws:// URL instead of starting one " +
            "(no memory figures).")
    String url;

    @Option(names = "--server-jar", paramLabel = "JAR", defaultValue = "server/target/clasp-server.jar",
        description = "The CLASP server jar (default: ${DEFAULT-VALUE}).")
    Path serverJar;

    @Option(names = "--server-jvm-opts", paramLabel = "OPTS", defaultValue = "-Xmx1g",
        description = "JVM options of the CLASP server process (default: ${DEFAULT-VALUE}).")
    String serverJvmOptions;

    @Option(names = "--server-args", paramLabel = "ARGS", defaultValue = "",
        description = "Extra `clasp server` flags, e.g. \"--wait spin\".")
    String serverArgs;

    @Option(names = "--data-dir-per-run",
        description = "Run each CLASP router with --data-dir in a fresh directory under --out (durable state: " +
            "journal and snapshots); add e.g. --server-args \"--fsync always\" for the sync level.")
    boolean dataDirPerRun;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Directory for result.json, summary.md, the plots and server logs " +
            "(default: bench-results/<date-time>).")
    Path out;

    @Option(names = "--tls", description = "Run the routers with TLS (a self-signed certificate made for the run): " +
        "this router over wss://, nats-server over tls://; targets without TLS are skipped.")
    boolean tls;

    @Option(names = "--auth", description = "Run this router with token auth on: a tokens file made for the run " +
        "holds one token with the scopes " + BenchAuth.SCOPES + " (a per-message pattern check, not the " +
        "everything-allowed shortcut), which every CLASP client sends in HELLO. Compare with the same run without.")
    boolean auth;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "Token the CLASP clients send in HELLO (for --url against a router with auth on).")
    String token;

    @Option(names = "--quiet", description = "No per-second progress lines.")
    boolean quiet;

    @CommandLine.Mixin
    SubscribeChurn.Options churn = new SubscribeChurn.Options();

    @CommandLine.Mixin
    ReplayLoad.Options replay = new ReplayLoad.Options();

    public static void main(final String[] args)
    {
        // As in the server: the sampling leak detector would show in the generator's receive path as router latency.
        to.clasp.transport.ws.NettyLeakDetection.disableUnlessAsked();
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    public Integer call() throws Exception
    {
        final List<Scenario> scenarioList = parseScenarios();
        final List<RouterTarget> targetList = new ArrayList<>();
        for (final String t : targets)
        {
            targetList.add(RouterTarget.parse(t));
        }
        final List<MessageKind> kindList = new ArrayList<>();
        for (final String k : kinds)
        {
            kindList.add(MessageKind.valueOf(k.trim().toUpperCase(Locale.ROOT)));
        }
        final String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        final Path dir = out != null ? out : Path.of("bench-results", started);
        Files.createDirectories(dir);
        final PrintStream console = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final String loadAtStart = JsonReport.loadAverage();
        console.println("load average at start: " + loadAtStart + " (" + Runtime.getRuntime().availableProcessors() +
            " CPUs; every process on the machine competes with the router and the generator)");
        final LoadSettings settings = new LoadSettings()
            .durationMs((long)(durationSeconds * 1000))
            .warmupMs((long)(warmupSeconds * 1000))
            .publishers(publishers)
            .subscribers(subscribers)
            .connections(connections)
            .storm(stormClients, stormConcurrency)
            .payloadSize(size)
            .topics(topics)
            .window(window)
            .fanoutWindow(fanoutWindow)
            .latencyRate(rate)
            .fanoutRate(fanoutRate)
            .spinNs(spinUs * 1000)
            .progress(quiet ? null : console);
        final RouterTarget.Options options = new RouterTarget.Options();
        options.serverJar = serverJar;
        options.serverJvmOptions = serverJvmOptions;
        options.serverArgs = serverArgs;
        if (tls)
        {
            options.tls = BenchTls.create(dir);
        }
        options.dataDirPerRun = dataDirPerRun;
        options.token = token;
        if (auth)
        {
            final BenchAuth made = BenchAuth.create(dir);
            options.tokensFile = made.tokensFile();
            options.token = made.token();
        }

        final List<ScenarioResult> results = new ArrayList<>();
        int nextPort = port;
        for (int round = 1; round <= rounds; round++)
        {
            if (rounds > 1)
            {
                console.printf("== round %d of %d%n", round, rounds);
            }
            nextPort = runRound(round, targetList, scenarioList, kindList, settings, options, nextPort, dir, console,
                results);
        }

        final List<ScenarioResult> shown = rounds > 1 ? RoundSelector.medians(results) : results;
        final String table = (rounds > 1 ? "Median of " + rounds + " interleaved rounds per router and scenario " +
            "(throughput and fan-out by delivered/s, latency by p99 from intended, connections by RSS).\n\n" : "") +
            SummaryTable.render(shown);
        console.println();
        console.println(table);
        final Map<String, Object> settingsMap = settingsMap(started, scenarioList);
        settingsMap.put("loadAverageAtStart", loadAtStart);
        final String loadAtEnd = JsonReport.loadAverage();
        JsonReport.write(dir.resolve("result.json"), JsonReport.document(settingsMap, results));
        Files.writeString(dir.resolve("summary.md"), "# clasp bench " + started + "\n\n```\n" +
            String.join(" ", commandLine()) + "\n```\n\nLoad average at start " + loadAtStart + ", at end " +
            loadAtEnd + ".\n\n" + table);
        for (final Scenario scenario : scenarioList)
        {
            if (!scenario.hasMessageKind())
            {
                continue;
            }
            final List<ScenarioResult> forScenario = new ArrayList<>();
            for (final ScenarioResult r : shown)
            {
                if (r.scenario.equals(scenario.label()))
                {
                    forScenario.add(r);
                }
            }
            Files.writeString(dir.resolve("latency-" + scenario.label() + ".svg"),
                SvgPlot.forScenario(scenario.label() + ": latency by percentile (solid: from intended send, " +
                    "dashed: from actual send)", forScenario));
        }
        console.println("results: " + dir.toAbsolutePath());
        boolean failed = false;
        for (final ScenarioResult r : results)
        {
            failed |= r.failure != null;
        }
        return failed ? 1 : 0;
    }

    /** Every scenario against every router once; returns the next free port. */
    private int runRound(final int round, final List<RouterTarget> targetList, final List<Scenario> scenarioList,
        final List<MessageKind> kindList, final LoadSettings settings, final RouterTarget.Options options,
        final int firstPort, final Path dir, final PrintStream console, final List<ScenarioResult> results)
    {
        int nextPort = firstPort;
        for (final RouterTarget target : targetList)
        {
            for (final Scenario scenario : scenarioList)
            {
                if (!target.supports(scenario) || (options.tls != null && !target.supportsTls(scenario)))
                {
                    console.printf("== %s %s: not applicable%s, skipped%n", target.label(), scenario.label(),
                        options.tls != null && !target.supportsTls(scenario) ? " with --tls" : "");
                    continue;
                }
                final List<MessageKind> runKinds = scenario == Scenario.ACK ? List.of(MessageKind.SET_CONFIRMED) :
                    target.hasKinds() && scenario.hasMessageKind() ? kindList : java.util.Collections.singletonList(null);
                for (final MessageKind kind : runKinds)
                {
                    final ScenarioResult r = runOne(target, scenario, kind, settings, options, nextPort++, dir,
                        console);
                    r.round = round;
                    results.add(r);
                }
            }
        }
        return nextPort;
    }

    private ScenarioResult runOne(final RouterTarget target, final Scenario scenario, final MessageKind kind,
        final LoadSettings settings, final RouterTarget.Options options, final int runPort, final Path dir,
        final PrintStream console)
    {
        final String kindLabel = kind == null ? null : kind.name().toLowerCase(Locale.ROOT);
        console.printf("== %s %s%s%n", target.label(), scenario.label(), kindLabel == null ? "" : " " + kindLabel);
        ServerProcess server = null;
        Transport transport = null;
        Transport probes = null;
        try
        {
            final boolean external = url != null && target == RouterTarget.CLASP_WS;
            if (!external)
            {
                server = ServerProcess.start(target.label(), target.command(options, runPort, dir), runPort,
                    dir.resolve("logs").resolve(target.label() + "-" + scenario.label() +
                        (kindLabel == null ? "" : "-" + kindLabel) + ".log"));
            }
            if (external && !scenario.hasMessageKind() && url.startsWith("ws://"))
            {
                // The same handshake-only clients as against a router the generator starts (e.g. a storm driven
                // from a second machine).
                final java.net.URI u = java.net.URI.create(url);
                transport = new IdleClientTransport(target.label(), IdleClientTransport.Protocol.CLASP, u.getHost(),
                    u.getPort() > 0 ? u.getPort() : 80, options.token);
            }
            else if (external)
            {
                transport = new ClaspWsTransport(url,
                    new ClaspFrames(kind == null ? MessageKind.PUBLISH : kind, size, topics).token(options.token), 1);
            }
            else if (!scenario.hasMessageKind())
            {
                transport = target.idleTransport(options, runPort, settings);
            }
            else
            {
                transport = target.transport(options, runPort, kind, settings);
            }
            if (scenario == Scenario.FLOOD && !external)
            {
                // New clients probe the handshake during the flood through threads of their own.
                probes = target.idleTransport(options, runPort, settings);
            }
            final ServerProcess s = server;
            final String wsUrl = external ? url : "ws://127.0.0.1:" + runPort + "/";
            final ScenarioResult r = scenario == Scenario.CHURN ?
                new SubscribeChurn(settings, churn, transport, wsUrl,
                    kindLabel, () -> s == null ? -1 : s.rssBytes(), s == null ? -1 : s.pid()).run() :
                scenario == Scenario.REPLAY ?
                new ReplayLoad(settings, replay, transport, wsUrl,
                    kindLabel, () -> s == null ? -1 : s.rssBytes(), s == null ? -1 : s.pid()).run() :
                new ScenarioRunner(settings, transport, kindLabel,
                    () -> s == null ? -1 : s.rssBytes(), s == null ? -1 : s.pid()).probes(probes).run(scenario);
            if (server != null && server.exited())
            {
                r.failure = "the router process exited during the run; see " + server.log();
            }
            return r;
        }
        catch (final Exception ex)
        {
            final ScenarioResult r = new ScenarioResult();
            r.target = target.label();
            r.scenario = scenario.label();
            r.kind = kindLabel;
            r.failure = ex.toString().replace('\n', ' ');
            console.println("   failed: " + r.failure);
            return r;
        }
        finally
        {
            if (probes != null)
            {
                probes.close();
            }
            if (transport != null)
            {
                transport.close();
            }
            if (server != null)
            {
                server.close();
            }
        }
    }

    private List<Scenario> parseScenarios()
    {
        final List<Scenario> list = new ArrayList<>();
        for (final String s : scenarios)
        {
            list.add(Scenario.valueOf(s.trim().toUpperCase(Locale.ROOT)));
        }
        // The churn scenario only runs when named: it needs a paced fan-out (--fanout-rate) to compare with. So does
        // the ack and replay scenarios: they are about a router with a data directory (--data-dir-per-run).
        return list.isEmpty() ? java.util.Arrays.stream(Scenario.values())
            .filter(s -> s != Scenario.CHURN && s != Scenario.ACK && s != Scenario.REPLAY).toList() : list;
    }

    private Map<String, Object> settingsMap(final String started, final List<Scenario> scenarioList)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("startedAt", started);
        m.put("command", String.join(" ", commandLine()));
        m.put("scenarios", scenarioList.stream().map(Scenario::label).toList());
        m.put("targets", targets);
        m.put("kinds", kinds);
        m.put("durationSeconds", durationSeconds);
        m.put("warmupSeconds", warmupSeconds);
        m.put("publishers", publishers);
        m.put("subscribers", subscribers);
        m.put("connections", connections);
        m.put("stormClients", stormClients);
        m.put("stormConcurrency", stormConcurrency);
        m.put("payloadBytes", size);
        m.put("topics", topics);
        m.put("rounds", rounds);
        m.put("window", window);
        m.put("fanoutWindow", fanoutWindow);
        m.put("latencyRate", rate);
        m.put("fanoutRate", fanoutRate);
        m.put("spinMicros", spinUs);
        m.put("churnPairsPerSecond", churn.pairsPerSecond);
        m.put("churnClients", churn.clients);
        m.put("replayEntries", replay.entries);
        m.put("replayLimit", replay.limit);
        m.put("serverJvmOptions", serverJvmOptions);
        m.put("tls", tls);
        m.put("auth", auth);
        m.put("serverArgs", serverArgs);
        m.put("dataDirPerRun", dataDirPerRun);
        return m;
    }

    private List<String> commandLine()
    {
        final List<String> args = new ArrayList<>(List.of("./clasp", "bench"));
        args.addAll(spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs());
        return args;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
}
