package to.clasp.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import to.clasp.core.Router;
import to.clasp.server.config.ConfigDefaults;
import to.clasp.server.config.ConfigPrinter;
import to.clasp.core.WaitStrategy;
import io.aeron.driver.ThreadingMode;
import to.clasp.transport.aeron.AeronEdge;
import to.clasp.transport.aeron.DriverOptions;
import to.clasp.transport.aeron.IdleStrategies;
import to.clasp.transport.mqtt.MqttBridge;
import to.clasp.transport.mqtt.MqttEdge;
import to.clasp.transport.osc.OscEdge;
import to.clasp.transport.ws.WebSocketEdge;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code clasp server}: parses the flags into the components' contexts, starts a {@link ClaspServer} and runs until
 * SIGTERM/SIGINT. Every flag maps onto one context setting; nothing is read later.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Run the CLASP router: WebSocket clients on ws://HOST:PORT (any path, subprotocol 'clasp'),",
        "plain HTTP GET on the same port answers 200 ok. SIGTERM drains and exits 0."
    })
public final class ServerCommand implements Callable<Integer>
{
    @Option(names = "--host", paramLabel = "ADDR", defaultValue = WebSocketEdge.Context.HOST_DEFAULT,
        description = "Address to listen on for WebSocket, health and metrics (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7330", converter = Converters.Port.class,
        description = "WebSocket port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "Clasp Router",
        description = "Router name sent to clients in WELCOME (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "10000",
        converter = Converters.NonNegativeInt.class,
        description = "Most concurrent sessions; more are refused with ERROR 503; 0 = unlimited " +
            "(default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--rate-limit", paramLabel = "MSGS", defaultValue = "0", converter = Converters.NonNegativeInt.class,
        description = "Inbound messages per second per session; excess dropped with ERROR 429; 0 = off " +
            "(default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "300s",
        converter = DurationConverter.class,
        description = "Inbound silence before the router PINGs a session (closed 30 s later without reply); " +
            "0 = off. Units: ms, s, m, h; bare number = seconds (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--param-ttl", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
        description = "Default sliding TTL for params written without one (whole seconds); 0 = keep forever " +
            "(default: ${DEFAULT-VALUE}).")
    Duration paramTtl;

    @Option(names = "--max-params", paramLabel = "N", defaultValue = "1000000", converter = Converters.PositiveInt.class,
        description = "Most params stored; a new address beyond it gets ERROR 400 'state full' " +
            "(default: ${DEFAULT-VALUE}).")
    int maxParams;

    @Option(names = "--health-port", paramLabel = "PORT", converter = Converters.Port.class,
        description = "Serve /healthz and /readyz over HTTP on this port (default: off).")
    Integer healthPort;

    @Option(names = "--metrics-port", paramLabel = "PORT", converter = Converters.Port.class,
        description = "Serve Prometheus metrics at /metrics on this port (default: off).")
    Integer metricsPort;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1", converter = Converters.IoThreads.class,
        description = "Netty event loop threads for WebSocket I/O, 1..64 (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--wait", paramLabel = "STRATEGY", defaultValue = "block", converter = Converters.Wait.class,
        description = "What the core thread does when idle: block, sleep, yield or spin " +
            "(spin = lowest latency, burns a core) (default: ${DEFAULT-VALUE}).")
    WaitStrategy waitStrategy;

    @Option(names = "--core-thread", paramLabel = "MODE", converter = Converters.CoreThreadMode.class,
        description = "Which thread runs the core: shared (the first WebSocket I/O thread runs it between socket " +
            "polls, so a frame is routed and its fan-out written without waking another thread; waits with --wait " +
            "block or spin), aeron (the Aeron edge's agent runs it, for LAN deployments whose traffic is mostly " +
            "Aeron; needs --aeron-endpoint, waits per --aeron-idle) or dedicated (a thread of its own, fed through " +
            "the ring) (default: shared; dedicated with --wait sleep or yield).")
    CoreThread coreThread;

    @Option(names = "--aeron-endpoint", paramLabel = "HOST:PORT",
        description = "Also serve CLASP over Aeron UDP (unicast) on this endpoint, e.g. 0.0.0.0:7331; " +
            "port 0 picks a free one (default: off).")
    String aeronEndpoint;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Attach to an external Aeron media driver in DIR instead of embedding one (default: embedded).")
    String aeronDir;

    @Option(names = "--aeron-threading", paramLabel = "MODE", defaultValue = "invoker",
        converter = Converters.Threading.class,
        description = "Embedded driver threading: invoker (driver runs inside the edge's thread, no extra threads), " +
            "shared, shared-network or dedicated (default: ${DEFAULT-VALUE}).")
    ThreadingMode aeronThreading;

    @Option(names = "--aeron-idle", paramLabel = "STRATEGY", defaultValue = IdleStrategies.DEFAULT,
        converter = Converters.Idle.class,
        description = "Idle strategy of the Aeron edge (and of the driver's threads outside invoker mode): " +
            "spin, yield, backoff, park[:MAX_US] or sleep:US (default: ${DEFAULT-VALUE}).")
    String aeronIdle;

    @Option(names = "--aeron-heartbeat-timeout", paramLabel = "DURATION", defaultValue = "5s",
        converter = DurationConverter.class,
        description = "Inbound silence after which an Aeron session is dropped and its locks released; heartbeats " +
            "go every fifth of it (default: ${DEFAULT-VALUE}).")
    Duration aeronHeartbeatTimeout;

    // ---- Durable state (#12): --data-dir turns it on; the other flags need it.

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Keep the state on disk in DIR (created if missing; one router per DIR): a journal of every " +
            "state change plus snapshots, recovered at start, and REPLAY. Default: in memory only.")
    java.io.File dataDir;

    @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "batch", converter = Converters.Fsync.class,
        description = "When the journal is synced to disk: always (before every QoS>=1 ACK), batch (at most once " +
            "per --fsync-interval; a machine crash loses at most that window) or never (the OS decides) " +
            "(default: ${DEFAULT-VALUE}).")
    to.clasp.journal.FsyncPolicy fsync;

    @Option(names = "--fsync-interval", paramLabel = "DURATION", defaultValue = "2ms",
        converter = DurationConverter.class,
        description = "Batch window of --fsync batch (default: ${DEFAULT-VALUE}).")
    Duration fsyncInterval;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION", defaultValue = "60s",
        converter = DurationConverter.class,
        description = "Time between snapshots of the whole state (and one at shutdown); 0 = only at shutdown " +
            "(default: ${DEFAULT-VALUE}).")
    Duration snapshotInterval;

    @Option(names = "--journal-retention", paramLabel = "DURATION", defaultValue = "24h",
        converter = DurationConverter.class,
        description = "Journal kept at least this long (what REPLAY can reach); older segments no snapshot needs " +
            "are deleted (default: ${DEFAULT-VALUE}).")
    Duration journalRetention;

    @Option(names = "--journal-events",
        description = "Also journal every PUBLISH the router forwards (events, streams, gestures, timelines; not " +
            "P2P signalling), so REPLAY returns them. Default: only state changes are journaled.")
    boolean journalEvents;

    // ---- MQTT and OSC edges (docs/operations.md § MQTT, § OSC) ----

    @Option(names = "--mqtt-port", paramLabel = "PORT", converter = Converters.Port.class,
        description = "Also run an MQTT 3.1.1/5.0 broker on this TCP port (1883 is MQTT's); 0 picks a free one " +
            "(default: off).")
    Integer mqttPort;

    @Option(names = "--mqtt-namespace", paramLabel = "PREFIX", defaultValue = MqttEdge.Context.NAMESPACE_DEFAULT,
        description = "CLASP prefix of MQTT topics: topic a/b is address PREFIX/a/b; \"\" maps topics to the root " +
            "(default: ${DEFAULT-VALUE}).")
    String mqttNamespace;

    // Comma-split so a configuration file's array (and --print-config's joined value) reads back the same: a value
    // that starts with mqtt:// begins a bridge, the values after it are that bridge's filters.
    @Option(names = "--mqtt-bridge", paramLabel = "URL[,FILTER...]", split = ",",
        description = "Connect to an existing MQTT broker, mqtt://[user:pass@]host:port, and mirror its topics " +
            "(the filters, default #) into the MQTT namespace and back. Repeatable (default: none).")
    java.util.List<String> mqttBridges = new java.util.ArrayList<>();

    @Option(names = "--osc-port", paramLabel = "PORT", converter = Converters.Port.class,
        description = "Also take OSC messages and bundles on this UDP port (8000 is usual); 0 picks a free one " +
            "(default: off).")
    Integer oscPort;

    @Option(names = "--osc-namespace", paramLabel = "PREFIX", defaultValue = OscEdge.Context.NAMESPACE_DEFAULT,
        description = "CLASP prefix of OSC addresses: /x/y is PREFIX/x/y (default: ${DEFAULT-VALUE}).")
    String oscNamespace;

    @Option(names = "--osc-send", paramLabel = "HOST:PORT=PATTERN", split = ",",
        description = "Send CLASP updates matching PATTERN to HOST:PORT as OSC messages (from the OSC port when it " +
            "is on). Repeatable, or several separated by commas (default: none).")
    java.util.List<String> oscTargets = new java.util.ArrayList<>();

    // ---- Overload, admission and liveness (docs/operations.md, "Overload and hostile clients") ----

    @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "1000",
        converter = Converters.PositiveInt.class,
        description = "Most WebSocket connections open at once from one source IP address; more are closed on " +
            "accept (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--upgrade-timeout", paramLabel = "DURATION", defaultValue = "10s",
        converter = DurationConverter.class,
        description = "A connection to the WebSocket port that has not completed its WebSocket upgrade within this " +
            "is closed (default: ${DEFAULT-VALUE}).")
    Duration upgradeTimeout;

    @Option(names = "--max-outbound-memory", paramLabel = "SIZE", defaultValue = "25%",
        converter = ByteSizeConverter.class,
        description = "Most bytes all sessions' outbound queues may hold together; past it the largest slow " +
            "consumers are cut (ERROR 503, close 1008). Bytes, KiB/MiB/GiB, or a share of the heap; 0 = no " +
            "global cap (default: ${DEFAULT-VALUE} of the heap).")
    long maxOutboundMemory;

    @Option(names = "--snapshot-rate", paramLabel = "SIZE", defaultValue = "16MiB", converter = ByteSizeConverter.class,
        description = "Snapshot bytes per second per session (and the burst); beyond it a session's snapshots are " +
            "paced; 0 = unpaced (default: ${DEFAULT-VALUE}).")
    long snapshotRate;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
        description = "When the core has work and completes no duty cycle for this long, /healthz answers 503 and " +
            "the stuck thread's stack is logged; 0 = no watchdog (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
        description = "Budget of a graceful shutdown (SIGTERM): sessions get their queued frames and close 1001 " +
            "within it; the process ends at most a second later whatever state it is in (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = Converters.Log.class,
        description = "Log line format on stdout: text or json (default: ${DEFAULT-VALUE}).")
    LogSetup.Format logFormat;

    /** Token auth, the auth API, TLS and --aeron-allow (issue #13): see {@link SecurityFlags}. */
    @CommandLine.Mixin
    SecurityFlags security;

    // ---- web inspector (#15) ----

    @Option(names = "--no-inspector",
        description = "Do not serve the web inspector at http://HOST:PORT/inspector/ (default: served).")
    boolean noInspector;

    // ---- configuration file (#15): read by ConfigDefaults for every option above, never per flag ----

    @Option(names = ConfigDefaults.CONFIG_FLAG, paramLabel = "FILE",
        description = "Read flags from this TOML file: keys are the flags without dashes (max-sessions = 500); " +
            "unknown keys are an error. Precedence: flag > environment CLASP_<FLAG> > file > default. " +
            "Also CLASP_CONFIG (default: none).")
    java.nio.file.Path config;

    @Option(names = ConfigDefaults.PRINT_CONFIG_FLAG,
        description = "Print the configuration in use (every flag, its value and where it came from) as TOML and exit.")
    boolean printConfig;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Integer call() throws Exception
    {
        validate(spec.commandLine());
        if (printConfig)
        {
            final ConfigDefaults defaults = spec.defaultValueProvider() instanceof ConfigDefaults ?
                (ConfigDefaults)spec.defaultValueProvider() : new ConfigDefaults(java.util.Map.of(), spec, null);
            spec.commandLine().getOut().print(ConfigPrinter.resolved(spec, defaults));
            spec.commandLine().getOut().flush();
            return 0;
        }
        LogSetup.configure(logFormat);
        final ServerSecurity serverSecurity;
        security.dataDir = dataDir == null ? null : dataDir.toPath();
        try
        {
            serverSecurity = security.authEnabled() || security.tlsCert != null ?
                ServerSecurity.open(security) : ServerSecurity.none();
        }
        catch (final ServerSecurity.StartupException ex)
        {
            spec.commandLine().getErr().println("clasp server: " + ex.getMessage());
            spec.commandLine().getErr().flush();
            return Main.USAGE_ERROR;
        }
        // Every signal the router acts on is caught before it starts: its start-up line is what scripts and
        // supervisors wait for, and a signal sent the moment it appears must not meet the JVM's default handler.
        final ShutdownSignals.Termination termination = ShutdownSignals.install();
        ShutdownSignals.onReload(serverSecurity::reload);
        final ClaspServer server;
        try
        {
            final ClaspServer.Context ctx = context().security(serverSecurity)
                .inspectorAccess(serverSecurity.inspectorAccess());
            ctx.router().authenticator(serverSecurity.authenticator());
            server = ClaspServer.start(ctx);
        }
        catch (final to.clasp.journal.DataDirectory.LockedException ex)
        {
            System.err.println("clasp server: cannot start: " + ex.getMessage());
            return Main.USAGE_ERROR;
        }
        catch (final RuntimeException ex)
        {
            final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            System.err.println("clasp server: cannot start: " + cause.getMessage());
            return 1;
        }
        ShutdownSignals.awaitTermination(termination, server);
        final String journalFailure = server.journalFailure();
        if (null != journalFailure)
        {
            // Writes were refused (and some ACKs answered with errors) since the failure: not a clean run.
            System.err.println("clasp server: stopped after a journal failure: " + journalFailure);
            return 1;
        }
        return 0;
    }

    /**
     * @return the server's context built from the parsed flags.
     */
    ClaspServer.Context context()
    {
        final Router.Context router = new Router.Context()
            .name(name)
            .maxSessions(maxSessions)
            .rateLimit(rateLimit)
            .idleTimeoutNs(idleTimeout.toNanos())
            .paramTtlSeconds((int)paramTtl.getSeconds())
            .maxParams(maxParams)
            .waitStrategy(waitStrategy)
            .coreThreading(coreThread().threading())
            .maxOutboundMemory(maxOutboundMemory)
            .snapshotBytesPerSecond(snapshotRate)
            .stallTimeoutNs(stallTimeout.toNanos());
        final WebSocketEdge.Context edge = new WebSocketEdge.Context()
            .host(host)
            .port(port)
            .ioThreads(ioThreads)
            .maxConnectionsPerIp(maxConnectionsPerIp)
            .upgradeTimeoutMs(upgradeTimeout.toMillis());
        AeronEdge.Context aeron = null;
        if (aeronEndpoint != null)
        {
            final int timeoutMs = (int)aeronHeartbeatTimeout.toMillis();
            aeron = new AeronEdge.Context()
                .endpoint(aeronEndpoint)
                .heartbeatTimeoutMs(timeoutMs)
                .heartbeatIntervalMs(Math.max(1, timeoutMs / 5))
                .driver(new DriverOptions().aeronDir(aeronDir).threadingMode(aeronThreading).idleStrategy(aeronIdle))
                .allow(security.aeronAllow);
        }
        to.clasp.journal.DurableState.Context durable = null;
        if (dataDir != null)
        {
            durable = new to.clasp.journal.DurableState.Context()
                .directory(dataDir)
                .snapshotIntervalNs(snapshotInterval.toNanos())
                .retentionNs(journalRetention.toNanos())
                .journalEvents(journalEvents);
            durable.journal().fsync(fsync).fsyncIntervalNs(fsyncInterval.toNanos());
        }
        MqttEdge.Context mqtt = null;
        if (mqttPort != null)
        {
            mqtt = new MqttEdge.Context().host(host).port(mqttPort).namespace(mqttNamespace)
                // A persistent session whose client is away keeps its CLASP session alive through the idle timeout.
                .offlineKeepAliveMs(idleTimeout.toMillis() / 2);
            if (dataDir != null)
            {
                // Persistent MQTT sessions survive a restart beside the journal (the data directory's lock covers it).
                mqtt.sessionDirectory(new java.io.File(dataDir, MqttEdge.SESSION_DIRECTORY));
            }
        }
        final java.util.List<MqttBridge.Context> bridges = new java.util.ArrayList<>();
        for (final String spec : bridgeSpecs())
        {
            bridges.add(MqttBridge.Context.parse(spec).namespace(mqttNamespace).token(security.edgeToken));
        }
        OscEdge.Context osc = null;
        if (oscPort != null || !oscTargets.isEmpty())
        {
            osc = new OscEdge.Context().host(host).port(oscPort == null ? 0 : oscPort).namespace(oscNamespace)
                .token(security.edgeToken);
            for (final String target : oscTargets)
            {
                osc.target(OscEdge.Context.Target.parse(target));
            }
        }
        return new ClaspServer.Context()
            .durable(durable)
            .mqtt(mqtt)
            .mqttBridges(bridges)
            .osc(osc)
            .coreOnAeron(coreThread() == CoreThread.AERON)
            .router(router)
            .edge(edge)
            .aeron(aeron)
            .healthPort(healthPort == null ? ClaspServer.Context.OFF : healthPort)
            .metricsPort(metricsPort == null ? ClaspServer.Context.OFF : metricsPort)
            .inspector(!noInspector)
            .drainTimeoutMs(drainTimeout.toMillis());
    }

    /**
     * @return where the core runs: as asked, or the default for the wait strategy (a core that sleeps or yields
     * needs a thread of its own).
     */
    CoreThread coreThread()
    {
        if (coreThread != null)
        {
            return coreThread;
        }
        return waitStrategy.canShareThread() ? CoreThread.SHARED : CoreThread.DEDICATED;
    }

    /**
     * Checks that need more than one flag, or a unit conversion, run after parsing.
     */
    void validate(final CommandLine commandLine)
    {
        if (paramTtl.toMillis() % 1000 != 0 || paramTtl.getSeconds() > Integer.MAX_VALUE)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--param-ttl': must be whole seconds up to " + Integer.MAX_VALUE);
        }
        if (idleTimeout.getSeconds() > 365L * 24 * 3600)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--idle-timeout': at most 365 days");
        }
        if (aeronDir != null && aeronEndpoint == null)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Option '--aeron-dir' needs '--aeron-endpoint' (the Aeron edge is off without it)");
        }
        if (aeronEndpoint != null)
        {
            final int colon = aeronEndpoint.lastIndexOf(':');
            boolean valid = colon > 0;
            if (valid)
            {
                try
                {
                    final int p = Integer.parseInt(aeronEndpoint.substring(colon + 1));
                    valid = p >= 0 && p <= 65_535;
                }
                catch (final NumberFormatException ex)
                {
                    valid = false;
                }
            }
            if (!valid)
            {
                throw new CommandLine.ParameterException(commandLine,
                    "Invalid value for option '--aeron-endpoint': '" + aeronEndpoint + "' is not HOST:PORT");
            }
        }
        if (aeronHeartbeatTimeout.toMillis() < 100 || aeronHeartbeatTimeout.toMillis() > 3_600_000)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--aeron-heartbeat-timeout': 100ms..1h");
        }
        if (coreThread == CoreThread.SHARED && !waitStrategy.canShareThread())
        {
            throw new CommandLine.ParameterException(commandLine,
                "Option '--wait " + waitStrategy.name().toLowerCase(java.util.Locale.ROOT) +
                "' needs '--core-thread dedicated' (a shared core waits in the event loop's poll: block or spin)");
        }
        if (coreThread == CoreThread.AERON && aeronEndpoint == null)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Option '--core-thread aeron' needs '--aeron-endpoint' (the Aeron edge is off without it)");
        }
        if (coreThread == CoreThread.AERON && waitStrategy != WaitStrategy.BLOCK)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Option '--core-thread aeron' waits as the Aeron agent does (--aeron-idle); drop '--wait'");
        }
        if (dataDir == null)
        {
            // By value, not by what was typed: the flag may come from the environment or a config file too.
            final String[][] durable = {
                {"--fsync", String.valueOf(fsync != to.clasp.journal.FsyncPolicy.BATCH)},
                {"--fsync-interval", String.valueOf(fsyncInterval.toNanos() != 2_000_000L)},
                {"--snapshot-interval", String.valueOf(snapshotInterval.toSeconds() != 60 ||
                    snapshotInterval.getNano() != 0)},
                {"--journal-retention", String.valueOf(!journalRetention.equals(Duration.ofHours(24)))},
                {"--journal-events", String.valueOf(journalEvents)}};
            for (final String[] flag : durable)
            {
                if (Boolean.parseBoolean(flag[1]))
                {
                    throw new CommandLine.ParameterException(commandLine,
                        "Option '" + flag[0] + "' needs '--data-dir' (the state is in memory without it)");
                }
            }
        }
        if (fsyncInterval.toMillis() > 60_000)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--fsync-interval': at most 60s");
        }
        if (upgradeTimeout.isZero() || drainTimeout.isZero())
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--" + (upgradeTimeout.isZero() ? "upgrade" : "drain") + "-timeout': " +
                "must be more than 0");
        }
        validateAdapters(commandLine);
        if (host.isBlank())
        {
            throw new CommandLine.ParameterException(commandLine, "Invalid value for option '--host': empty");
        }
        security.validate(commandLine, aeronEndpoint != null, oscPort != null ? "--osc-port" :
            !oscTargets.isEmpty() ? "--osc-send" : !mqttBridges.isEmpty() ? "--mqtt-bridge" : null);
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--name': 1..255 bytes of UTF-8");
        }
    }

    /** The MQTT and OSC flags: namespaces, bridge URLs and OSC targets parse, or the flag is named in the error. */
    private void validateAdapters(final CommandLine commandLine)
    {
        for (final String[] ns : new String[][] {{"--mqtt-namespace", mqttNamespace}, {"--osc-namespace", oscNamespace}})
        {
            if (!ns[1].isEmpty() && (!to.clasp.address.AddressRules.isValidAddress(ns[1]) || ns[1].endsWith("/")))
            {
                throw new CommandLine.ParameterException(commandLine, "Invalid value for option '" + ns[0] + "': '" +
                    ns[1] + "' is not \"\" or a CLASP address such as /mqtt");
            }
        }
        if (!mqttBridges.isEmpty() && !mqttBridges.get(0).startsWith("mqtt://"))
        {
            throw new CommandLine.ParameterException(commandLine,
                "Invalid value for option '--mqtt-bridge': '" + mqttBridges.get(0) + "' is not mqtt://host:port");
        }
        for (final String spec : bridgeSpecs())
        {
            try
            {
                MqttBridge.Context.parse(spec).namespace(mqttNamespace).conclude();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(commandLine,
                    "Invalid value for option '--mqtt-bridge': " + ex.getMessage());
            }
        }
        for (final String target : oscTargets)
        {
            try
            {
                OscEdge.Context.Target.parse(target);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(commandLine,
                    "Invalid value for option '--osc-send': " + ex.getMessage());
            }
        }
    }

    /** @return one {@code URL,FILTER,...} per bridge, regrouped from the comma-split values. */
    private java.util.List<String> bridgeSpecs()
    {
        final java.util.List<String> specs = new java.util.ArrayList<>();
        for (final String value : mqttBridges)
        {
            if (value.startsWith("mqtt://") || specs.isEmpty())
            {
                specs.add(value);
            }
            else
            {
                specs.set(specs.size() - 1, specs.get(specs.size() - 1) + "," + value);
            }
        }
        return specs;
    }

    /** The flag converters: each rejects a bad value with a message picocli prints on one line. */
    static final class Converters
    {
        private Converters()
        {
        }

        static int parseInt(final String value, final String what)
        {
            try
            {
                return Integer.parseInt(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is not " + what);
            }
        }

        /** A whole number within [min, max]; the message names what the flag expects. */
        abstract static class BoundedInt implements CommandLine.ITypeConverter<Integer>
        {
            private final int min;
            private final int max;
            private final String what;

            BoundedInt(final int min, final int max, final String what)
            {
                this.min = min;
                this.max = max;
                this.what = what;
            }

            public Integer convert(final String value)
            {
                final int n = parseInt(value, what);
                if (n < min || n > max)
                {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not " + what);
                }
                return n;
            }
        }

        static final class Port extends BoundedInt
        {
            Port()
            {
                super(0, 65_535, "a port number (0..65535)");
            }
        }

        static final class NonNegativeInt extends BoundedInt
        {
            NonNegativeInt()
            {
                super(0, Integer.MAX_VALUE, "a whole number >= 0");
            }
        }

        static final class PositiveInt extends BoundedInt
        {
            PositiveInt()
            {
                super(1, Integer.MAX_VALUE, "a whole number >= 1");
            }
        }

        static final class IoThreads extends BoundedInt
        {
            IoThreads()
            {
                super(1, 64, "a thread count (1..64)");
            }
        }

        /** One of an enum's names, any case; the message lists the choices. */
        abstract static class Choice<E extends Enum<E>> implements CommandLine.ITypeConverter<E>
        {
            private final java.util.function.Function<String, E> parse;
            private final String choices;

            Choice(final java.util.function.Function<String, E> parse, final String choices)
            {
                this.parse = parse;
                this.choices = choices;
            }

            public E convert(final String value)
            {
                try
                {
                    return parse.apply(value);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not one of " + choices);
                }
            }
        }

        static final class CoreThreadMode extends Choice<CoreThread>
        {
            CoreThreadMode()
            {
                super(CoreThread::parse, "shared, aeron, dedicated");
            }
        }

        static final class Fsync extends Choice<to.clasp.journal.FsyncPolicy>
        {
            Fsync()
            {
                super(to.clasp.journal.FsyncPolicy::parse, "always, batch, never");
            }
        }

        static final class Wait extends Choice<WaitStrategy>
        {
            Wait()
            {
                super(WaitStrategy::parse, "block, sleep, yield, spin");
            }
        }

        static final class Threading implements CommandLine.ITypeConverter<ThreadingMode>
        {
            public ThreadingMode convert(final String value)
            {
                switch (value.trim().toLowerCase(Locale.ROOT))
                {
                    case "invoker":
                        return ThreadingMode.INVOKER;
                    case "shared":
                        return ThreadingMode.SHARED;
                    case "shared-network":
                        return ThreadingMode.SHARED_NETWORK;
                    case "dedicated":
                        return ThreadingMode.DEDICATED;
                    default:
                        throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not one of invoker, shared, shared-network, dedicated");
                }
            }
        }

        static final class Idle implements CommandLine.ITypeConverter<String>
        {
            public String convert(final String value)
            {
                try
                {
                    IdleStrategies.parse(value);
                    return value.trim();
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new CommandLine.TypeConversionException(ex.getMessage());
                }
            }
        }

        static final class Log implements CommandLine.ITypeConverter<LogSetup.Format>
        {
            public LogSetup.Format convert(final String value)
            {
                switch (value.trim().toLowerCase(Locale.ROOT))
                {
                    case "text":
                        return LogSetup.Format.TEXT;
                    case "json":
                        return LogSetup.Format.JSON;
                    default:
                        throw new CommandLine.TypeConversionException("'" + value + "' is not one of text, json");
                }
            }
        }
    }
}
