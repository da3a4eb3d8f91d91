package to.clasp.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A router under test running as its own process, so its memory is its own and can be read from /proc, and so it
 * can be stopped by its PID and nothing else. Output goes to a log file beside the results.
 */
public final class ServerProcess implements AutoCloseable
{
    private static final long START_TIMEOUT_MS = 30_000;

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(final String name, final Process process, final Path log)
    {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Start {@code command} and wait until {@code port} on 127.0.0.1 accepts a TCP connection. */
    public static ServerProcess start(final String name, final List<String> command, final int port, final Path log)
        throws IOException, InterruptedException
    {
        Files.createDirectories(log.getParent());
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        final ServerProcess server = new ServerProcess(name, process, log);
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(port))
        {
            if (!process.isAlive() || System.currentTimeMillis() > deadline)
            {
                server.close();
                throw new IOException(name + " did not start on port " + port + " (exit " +
                    (process.isAlive() ? "none" : process.exitValue()) + "); see " + log + ":\n" + tail(log));
            }
            Thread.sleep(50);
        }
        return server;
    }

    public long pid()
    {
        return process.pid();
    }

    public String name()
    {
        return name;
    }

    /** Resident set size of the process now, from /proc/PID/status (VmRSS); -1 if it cannot be read. */
    public long rssBytes()
    {
        return rssBytes(process.pid());
    }

    public static long rssBytes(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /**
     * SIGTERM, then wait for the process to end.
     *
     * @return its exit code, or -1 when it was still running after {@code timeoutMs} (it is then killed).
     */
    public int terminate(final long timeoutMs) throws InterruptedException
    {
        process.destroy();
        if (process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return -1;
    }

    /** Stop the process (SIGTERM, then SIGKILL after 5 s). */
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the process ended on its own before {@link #close()} (a crash under load). */
    public boolean exited()
    {
        return !process.isAlive();
    }

    public Path log()
    {
        return log;
    }

    private static boolean accepts(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static String tail(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
