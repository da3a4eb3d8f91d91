package to.clasp.interop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import to.clasp.server.Main;
import to.clasp.server.config.ConfigPrinter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The release package as a user gets it: {@code server/target/clasp-<version>.tar.gz} unpacked into a temporary
 * directory outside the source tree, {@code bin/clasp server} started from there with only Java on the PATH, and
 * {@code bin/clasp pub / set / get / sub} run against it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class ReleasePackageTest
{
    @TempDir
    Path dir;

    @Test
    void theUnpackedPackageRunsTheRouterAndTheClient() throws Exception
    {
        final Path tarball = Path.of(System.getProperty("clasp.release.tar", "../server/target/clasp.tar.gz"));
        if (!Files.isRegularFile(tarball))
        {
            fail("release package not found at " + tarball.toAbsolutePath() + ": `mvn -B package` builds it");
        }
        assertEquals(0, run(List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString()))
            .exitCode, "tar");
        final Path home;
        try (var entries = Files.list(dir))
        {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertTrue(home.getFileName().toString().startsWith("clasp-"), home.toString());
        final Path clasp = home.resolve("bin/clasp");
        assertTrue(Files.isExecutable(clasp), "bin/clasp is executable");
        assertTrue(Files.isRegularFile(home.resolve("lib/clasp-server.jar")));
        assertTrue(Files.readString(home.resolve("README.md")).contains("./clasp server"));
        final String unit = Files.readString(home.resolve("systemd/clasp.service"));
        for (final String setting : new String[] {"ExecStart=/opt/clasp/bin/clasp server", "DynamicUser=yes",
            "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateDevices=yes", "CapabilityBoundingSet="})
        {
            assertTrue(unit.contains(setting), setting + " missing from the systemd unit");
        }
        final String script = Files.readString(clasp);
        assertFalse(script.contains("mvn"), "bin/clasp needs no Maven");

        // conf/clasp.toml is the template of this build's flags: every option, commented.
        final String template = Files.readString(home.resolve("conf/clasp.toml"));
        assertEquals(ConfigPrinter.template(new CommandLine(new Main()).getSubcommands().get("server")
            .getCommandSpec()), template);

        final Output config = run(List.of(clasp.toString(), "server", "--print-config", "--port", "0"));
        assertEquals(0, config.exitCode, config.text);
        assertTrue(config.text.contains("port = 0"), config.text);
        assertTrue(config.text.matches("(?s).*\nname = \"Clasp Router\" +# default\n.*"), config.text);

        final Process server = start(List.of(clasp.toString(), "server", "--host", "127.0.0.1", "--port", "0"));
        try
        {
            final BlockingQueue<String> lines = lines(server);
            final String url = awaitReady(lines);
            assertEquals(0, run(List.of(clasp.toString(), "pub", "/pkg/count", "42", "-s", url)).exitCode);
            final Output got = run(List.of(clasp.toString(), "get", "/pkg/count", "-s", url));
            assertEquals(0, got.exitCode, got.text);
            assertEquals("42\n", got.text);

            final Process sub = start(List.of(clasp.toString(), "sub", "/pkg/**", "--json", "-n", "2", "-s", url));
            final BlockingQueue<String> subLines = lines(sub);
            final List<String> printed = new ArrayList<>();
            awaitLine(subLines, "clasp: subscribed to /pkg/**", printed);
            assertEquals(0, run(List.of(clasp.toString(), "set", "/pkg/level", "0.5", "-s", url)).exitCode);
            assertTrue(sub.waitFor(30, TimeUnit.SECONDS), "sub exits after 2 updates");
            assertEquals(0, sub.exitValue());
            subLines.drainTo(printed);
            assertTrue(printed.contains("{\"address\":\"/pkg/count\",\"value\":42,\"revision\":1,\"signal\":\"param\"}"),
                printed.toString());
            assertTrue(printed.contains("{\"address\":\"/pkg/level\",\"value\":0.5,\"revision\":1,\"signal\":\"param\"}"),
                printed.toString());
            assertEquals(1, run(List.of(clasp.toString(), "get", "/pkg/none", "-s", url)).exitCode);
        }
        finally
        {
            server.destroy(); // SIGTERM: drain and exit 0
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "server stops on SIGTERM");
        }
        assertEquals(0, server.exitValue(), "exit code after SIGTERM");
    }

    private record Output(int exitCode, String text)
    {
    }

    /** A process started from the unpacked directory, with only Java and the base system on its PATH. */
    private Process start(final List<String> command) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("CLASP_") || key.equals("JAVA_HOME"));
        builder.environment().put("PATH", Path.of(ServerProcess.javaBinary()).getParent() + ":/usr/bin:/bin");
        builder.environment().put("HOME", dir.toString());
        return builder.start();
    }

    private Output run(final List<String> command) throws Exception
    {
        final Process process = start(command);
        final String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        return new Output(process.exitValue(), text);
    }

    private static BlockingQueue<String> lines(final Process process)
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); line != null; line = in.readLine())
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String awaitReady(final BlockingQueue<String> lines) throws InterruptedException
    {
        final java.util.regex.Pattern ready = java.util.regex.Pattern.compile("ready: WebSocket (ws://[0-9.]+:[0-9]+)");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null)
            {
                final Matcher m = ready.matcher(line);
                if (m.find())
                {
                    return m.group(1);
                }
            }
        }
        return fail("no ready line from bin/clasp server");
    }

    /** Wait for a line starting with {@code prefix}; the lines before it go to {@code seen}. */
    private static void awaitLine(final BlockingQueue<String> lines, final String prefix, final List<String> seen)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith(prefix))
            {
                return;
            }
            if (line != null)
            {
                seen.add(line);
            }
        }
        assertNotNull(null, "no '" + prefix + "' line; got " + seen);
    }
}
