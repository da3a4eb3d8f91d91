package to.clasp.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.core.WaitStrategy;
import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import io.aeron.driver.ThreadingMode;
import to.clasp.transport.aeron.AeronEdge;
import to.clasp.transport.aeron.IdleStrategies;
import to.clasp.transport.ws.WebSocketEdge;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line: defaults, every flag reaching its setting, and bad values rejected with one line and exit 2.
 */
final class ServerCommandTest
{
    @Test
    void defaultsMatchTheDocumentedValues()
    {
        final ClaspServer.Context ctx = parse().context();
        final Router.Context router = ctx.router();
        final WebSocketEdge.Context edge = ctx.edge();
        assertEquals("0.0.0.0", edge.host());
        assertEquals(7330, edge.port());
        assertEquals(1, edge.ioThreads());
        assertEquals("Clasp Router", router.name());
        assertEquals(10_000, router.maxSessions());
        assertEquals(0, router.rateLimit());
        assertEquals(TimeUnit.SECONDS.toNanos(300), router.idleTimeoutNs());
        assertEquals(0, router.paramTtlSeconds());
        assertEquals(1_000_000, router.maxParams());
        assertEquals(WaitStrategy.BLOCK, router.waitStrategy());
        assertEquals(CoreThreading.SHARED, router.coreThreading());
        assertEquals(false, ctx.coreOnAeron(), "a shared core runs on the WebSocket event loop");
        assertEquals(ClaspServer.Context.OFF, ctx.healthPort());
        assertEquals(ClaspServer.Context.OFF, ctx.metricsPort());
        assertEquals(LogSetup.Format.TEXT, parse().logFormat);
        assertEquals(null, ctx.aeron(), "Aeron is off unless --aeron-endpoint is given");
        assertEquals(1_000, edge.maxConnectionsPerIp());
        assertEquals(10_000, edge.upgradeTimeoutMs());
        assertEquals(Runtime.getRuntime().maxMemory() / 100 * 25, router.maxOutboundMemory());
        assertEquals(16L * 1024 * 1024, router.snapshotBytesPerSecond());
        assertEquals(TimeUnit.SECONDS.toNanos(5), router.stallTimeoutNs());
        assertEquals(5_000, ctx.drainTimeoutMs());
    }

    @Test
    void overloadFlagsReachTheirSettings()
    {
        final ClaspServer.Context ctx = parse("--max-connections-per-ip", "20", "--upgrade-timeout", "1500ms",
            "--max-outbound-memory", "64MiB", "--snapshot-rate", "512k", "--stall-timeout", "0",
            "--drain-timeout", "2s").context();
        assertEquals(20, ctx.edge().maxConnectionsPerIp());
        assertEquals(1_500, ctx.edge().upgradeTimeoutMs());
        assertEquals(64L << 20, ctx.router().maxOutboundMemory());
        assertEquals(512L << 10, ctx.router().snapshotBytesPerSecond());
        assertEquals(0, ctx.router().stallTimeoutNs(), "0 = no watchdog");
        assertEquals(2_000, ctx.drainTimeoutMs());
        assertEquals(0, parse("--max-outbound-memory", "0").context().router().maxOutboundMemory());
        assertEquals(3L << 30, parse("--max-outbound-memory", "3g").context().router().maxOutboundMemory());
    }

    @Test
    void aeronFlagsReachTheEdgeAndDriverSettings()
    {
        final AeronEdge.Context defaults = parse("--aeron-endpoint", "0.0.0.0:7331").context().aeron();
        assertEquals("0.0.0.0:7331", defaults.endpoint());
        assertEquals(null, defaults.driver().aeronDir(), "embedded driver by default");
        assertEquals(ThreadingMode.INVOKER, defaults.driver().threadingMode());
        assertEquals(IdleStrategies.DEFAULT, defaults.driver().idleStrategy());
        assertEquals(5_000, defaults.heartbeatTimeoutMs());
        assertEquals(1_000, defaults.heartbeatIntervalMs());

        final AeronEdge.Context set = parse("--aeron-endpoint", "10.0.0.5:9000", "--aeron-dir", "/dev/shm/aeron-x",
            "--aeron-threading", "shared", "--aeron-idle", "sleep:200", "--aeron-heartbeat-timeout", "2s")
            .context().aeron();
        assertEquals("10.0.0.5:9000", set.endpoint());
        assertEquals("/dev/shm/aeron-x", set.driver().aeronDir());
        assertEquals(ThreadingMode.SHARED, set.driver().threadingMode());
        assertEquals("sleep:200", set.driver().idleStrategy());
        assertEquals(2_000, set.heartbeatTimeoutMs());
        assertEquals(400, set.heartbeatIntervalMs());
    }

    @Test
    void everyFlagReachesItsSetting()
    {
        final ServerCommand command = parse("--host", "127.0.0.1", "--port", "9001", "--name", "Studio A",
            "--max-sessions", "7", "--rate-limit", "250", "--idle-timeout", "90s", "--param-ttl", "2m",
            "--max-params", "500", "--health-port", "9002", "--metrics-port", "9003", "--io-threads", "3",
            "--wait", "spin", "--log-format", "json");
        final ClaspServer.Context ctx = command.context();
        assertEquals("127.0.0.1", ctx.edge().host());
        assertEquals(9001, ctx.edge().port());
        assertEquals(3, ctx.edge().ioThreads());
        assertEquals("Studio A", ctx.router().name());
        assertEquals(7, ctx.router().maxSessions());
        assertEquals(250, ctx.router().rateLimit());
        assertEquals(TimeUnit.SECONDS.toNanos(90), ctx.router().idleTimeoutNs());
        assertEquals(120, ctx.router().paramTtlSeconds());
        assertEquals(500, ctx.router().maxParams());
        assertEquals(WaitStrategy.SPIN, ctx.router().waitStrategy());
        assertEquals(9002, ctx.healthPort());
        assertEquals(9003, ctx.metricsPort());
        assertEquals(LogSetup.Format.JSON, command.logFormat);
    }

    @Test
    void theCoreCanRunOnTheAeronEdge()
    {
        final ClaspServer.Context ctx = parse("--aeron-endpoint", "127.0.0.1:7331", "--core-thread", "aeron").context();
        assertEquals(CoreThreading.SHARED, ctx.router().coreThreading());
        assertTrue(ctx.coreOnAeron());
        assertEquals(false, parse("--aeron-endpoint", "127.0.0.1:7331").context().coreOnAeron());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--core-thread=aeron", "--core-thread=aeron --aeron-endpoint=127.0.0.1:7331 --wait=spin"})
    void aCoreOnAeronNeedsTheEdgeAndItsIdleStrategy(final String flags)
    {
        final StringWriter err = new StringWriter();
        final String[] args = ("server " + flags).split(" ");
        assertEquals(2, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args));
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void coreThreadingFollowsTheFlagOrTheWaitStrategy()
    {
        assertEquals(CoreThreading.DEDICATED, parse("--core-thread", "dedicated").context().router().coreThreading());
        assertEquals(CoreThreading.SHARED, parse("--wait", "spin").context().router().coreThreading());
        assertEquals(CoreThreading.DEDICATED, parse("--wait", "yield").context().router().coreThreading(),
            "a yielding core needs its own thread");
        assertEquals(CoreThreading.DEDICATED, parse("--wait", "sleep").context().router().coreThreading());
        assertEquals(CoreThreading.DEDICATED, parse("--wait", "yield", "--core-thread", "dedicated").context().router()
            .coreThreading());
    }

    @Test
    void durationsAcceptUnits()
    {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(250), parse("--idle-timeout", "250ms").context().router()
            .idleTimeoutNs());
        assertEquals(TimeUnit.MINUTES.toNanos(5), parse("--idle-timeout", "5m").context().router().idleTimeoutNs());
        assertEquals(3600, parse("--param-ttl", "1h").context().router().paramTtlSeconds());
        assertEquals(45, parse("--param-ttl", "45").context().router().paramTtlSeconds());
        assertEquals(0, parse("--idle-timeout", "0").context().router().idleTimeoutNs());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--port=70000", "--port=abc", "--port=-1", "--max-sessions=-1", "--rate-limit=x", "--idle-timeout=5x",
        "--idle-timeout=-5s", "--param-ttl=1500ms", "--max-params=0", "--io-threads=0", "--io-threads=65",
        "--wait=fast", "--log-format=xml", "--health-port=99999", "--metrics-port=http", "--bogus", "--name=",
        "--aeron-endpoint=7331", "--aeron-endpoint=host:99999", "--aeron-dir=/tmp/x", "--aeron-threading=turbo",
        "--aeron-idle=nap", "--aeron-idle=park:0", "--aeron-heartbeat-timeout=10ms", "--core-thread=both",
        "--max-connections-per-ip=0", "--upgrade-timeout=0", "--max-outbound-memory=12x",
        "--max-outbound-memory=101%", "--snapshot-rate=-1", "--stall-timeout=soon", "--drain-timeout=0"
    })
    void badValuesPrintOneLineAndExit2(final String arg)
    {
        final StringWriter err = new StringWriter();
        final StringWriter out = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "server", arg);
        assertEquals(2, code, arg + " → " + err);
        final String text = err.toString();
        assertEquals(1, text.lines().count(), "exactly one line: " + text);
        assertTrue(text.startsWith("clasp: "), text);
        assertEquals("", out.toString());
    }

    @Test
    void durableStateIsOffByDefaultAndEveryDurabilityFlagReachesItsSetting()
    {
        assertEquals(null, parse().context().durable(), "in memory unless --data-dir is given");
        final DurableState.Context defaults = parse("--data-dir", "/var/lib/clasp").context().durable();
        assertEquals(new java.io.File("/var/lib/clasp"), defaults.directory());
        assertEquals(FsyncPolicy.BATCH, defaults.journal().fsync());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2), defaults.journal().fsyncIntervalNs());
        assertEquals(TimeUnit.SECONDS.toNanos(60), defaults.snapshotIntervalNs());
        assertEquals(TimeUnit.HOURS.toNanos(24), defaults.retentionNs());
        final DurableState.Context set = parse("--data-dir", "d", "--fsync", "ALWAYS", "--fsync-interval", "5ms",
            "--snapshot-interval", "0", "--journal-retention", "1h").context().durable();
        assertEquals(FsyncPolicy.ALWAYS, set.journal().fsync());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(5), set.journal().fsyncIntervalNs());
        assertEquals(0, set.snapshotIntervalNs());
        assertEquals(TimeUnit.HOURS.toNanos(1), set.retentionNs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--fsync=never", "--fsync-interval=1ms", "--snapshot-interval=5s",
        "--journal-retention=2h"})
    void aDurabilityFlagWithoutADataDirectoryIsAUsageError(final String flag)
    {
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "server", flag);
        assertEquals(2, code);
        assertTrue(err.toString().contains("needs '--data-dir'"), err.toString());
    }

    @Test
    void aBadFsyncLevelIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "server",
            "--data-dir", "d", "--fsync", "sometimes");
        assertEquals(2, code);
        assertTrue(err.toString().contains("always, batch, never"), err.toString());
    }

    @Test
    void aSharedCoreThatWouldYieldIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "server",
            "--core-thread", "shared", "--wait", "yield");
        assertEquals(2, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--core-thread dedicated"), err.toString());
    }

    @Test
    void missingCommandIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        assertEquals(2, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true)));
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void helpDocumentsEveryFlagAndItsDefault()
    {
        final StringWriter out = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "server", "--help"));
        final String help = out.toString().replaceAll("\\s+", " ");
        for (final String flag : new String[] {"--host", "--port", "--name", "--max-sessions", "--rate-limit",
            "--idle-timeout", "--param-ttl", "--max-params", "--health-port", "--metrics-port", "--io-threads",
            "--wait", "--log-format", "--aeron-endpoint", "--aeron-dir", "--aeron-threading", "--aeron-idle",
            "--aeron-heartbeat-timeout", "--core-thread", "--no-inspector", "--config", "--print-config",
            "--max-connections-per-ip", "--upgrade-timeout", "--max-outbound-memory", "--snapshot-rate",
            "--stall-timeout", "--drain-timeout"})
        {
            assertTrue(help.contains(flag), flag + " missing from --help");
        }
        for (final String def : new String[] {"(default: 0.0.0.0)", "(default: 7330)", "(default: Clasp Router)",
            "(default: 10000)", "(default: 300s)", "(default: 1000000)", "(default: off)", "(default: 1)",
            "(default: block)", "(default: text)", "(default: invoker)", "(default: " + IdleStrategies.DEFAULT + ")",
            "(default: 5s)", "(default: embedded)", "(default: shared; dedicated with --wait sleep or yield)"})
        {
            assertTrue(help.contains(def), def + " missing from --help: " + help);
        }
    }

    static ServerCommand parse(final String... args)
    {
        final ServerCommand command = new ServerCommand();
        final CommandLine commandLine = new CommandLine(command);
        commandLine.parseArgs(args);
        command.validate(commandLine);
        return command;
    }
}
