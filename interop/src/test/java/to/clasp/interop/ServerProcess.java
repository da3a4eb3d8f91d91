package to.clasp.interop;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The BUILT server jar ({@code server/target/clasp-server.jar}) running as a subprocess, exactly as a user runs it:
 * {@code java -jar clasp-server.jar server --host 127.0.0.1 --port N}. Output goes to a log file under
 * {@code interop/target/interop-logs}.
 */
final class ServerProcess implements AutoCloseable
{
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final int port;
    private final List<String> extraArgs;
    private final Path log;
    private List<String> commandPrefix = List.of();
    private List<String> jvmArgs = List.of();
    private Process process;

    private ServerProcess(final int port, final List<String> extraArgs)
    {
        this.port = port;
        this.extraArgs = extraArgs;
        this.log = logDir().resolve("server-" + COUNTER.incrementAndGet() + "-" + port + ".log");
    }

    /** Start on a free port and wait until it accepts connections. */
    static ServerProcess start(final String... extraArgs) throws Exception
    {
        final ServerProcess server = prepare(extraArgs);
        server.launch();
        return server;
    }

    /** A server on a free port, not started yet: set {@link #jvmArgs} or {@link #commandPrefix}, then launch. */
    static ServerProcess prepare(final String... extraArgs) throws IOException
    {
        return new ServerProcess(freePort(), List.of(extraArgs));
    }

    /** JVM options (system properties) for the next launches. */
    ServerProcess jvmArgs(final String... args)
    {
        this.jvmArgs = List.of(args);
        return this;
    }

    /** A command the next launches run the JVM through, e.g. {@code prlimit --fsize=N --}; empty for none. */
    ServerProcess commandPrefix(final String... prefix)
    {
        this.commandPrefix = List.of(prefix);
        return this;
    }

    static Path jar()
    {
        final Path jar = Path.of(System.getProperty("clasp.server.jar", "../server/target/clasp-server.jar"));
        if (!Files.isRegularFile(jar))
        {
            fail("server jar not found at " + jar.toAbsolutePath() + ": build it first (mvn -B verify builds it " +
                "before this module; or mvn -B -DskipTests package -pl server -am)");
        }
        return jar;
    }

    static Path logDir()
    {
        final Path dir = Path.of(System.getProperty("clasp.interop.logs", "target/interop-logs"));
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return dir;
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** (Re)start the process on the same port without waiting for it (a start that is meant to fail). */
    Process launchExpectingExit() throws IOException
    {
        final List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(javaBinary(), "-Xmx256m"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar().toString(), "server", "--host", "127.0.0.1", "--port",
            Integer.toString(port)));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        return process;
    }

    /** (Re)start the process on the same port and wait until it accepts connections. */
    void launch() throws Exception
    {
        launchExpectingExit();
        awaitPort(15_000);
    }

    private void awaitPort(final long timeoutMs) throws Exception
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline)
        {
            if (!process.isAlive())
            {
                fail("server exited with " + process.exitValue() + " before listening; log:\n" + log());
            }
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                Thread.sleep(50);
            }
        }
        fail("server did not listen on port " + port + " within " + timeoutMs + " ms; log:\n" + log());
    }

    int port()
    {
        return port;
    }

    String url()
    {
        return "ws://127.0.0.1:" + port + "/";
    }

    Process process()
    {
        return process;
    }

    String log()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    /** Send SIGHUP (reload tokens and certificates). */
    void hangUp() throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0)
        {
            fail("kill -HUP " + process.pid() + " failed");
        }
    }

    /**
     * SIGKILL ({@code kill -9}): the process ends at once, whatever it was doing; waits until it is gone.
     *
     * @return when the signal had been sent (wall clock, µs since the epoch: the clock the router on this machine
     * stamps writes with), or -1 when no process was running. The router runs none of its code after it (bar
     * the microseconds the kernel takes to stop its threads).
     */
    long kill() throws InterruptedException
    {
        if (process != null && process.isAlive())
        {
            process.destroyForcibly();
            final long signalledMicros = epochMicros();
            if (!process.waitFor(15, TimeUnit.SECONDS))
            {
                fail("server did not die on SIGKILL");
            }
            return signalledMicros;
        }
        return -1;
    }

    /** @return the wall clock in µs since the epoch. */
    static long epochMicros()
    {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Mark in the log where a test did something (restarts append to the same log). */
    void note(final String text) throws IOException
    {
        Files.writeString(log, "---- test: " + text + System.lineSeparator(), StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** SIGTERM and wait; returns the exit code. */
    int stop() throws InterruptedException
    {
        if (process == null)
        {
            return -1;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    /** For a test class's {@code @AfterAll}: stop the server (if it started) and check it exits 0 on SIGTERM. */
    static void stopAndCheck(final ServerProcess server) throws InterruptedException
    {
        if (server != null)
        {
            org.junit.jupiter.api.Assertions.assertEquals(0, server.stop(),
                "server exit code after SIGTERM; log:\n" + server.log());
        }
    }

    public void close() throws InterruptedException
    {
        if (process != null && process.isAlive())
        {
            stop();
        }
    }

    static String javaBinary()
    {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
