package to.clasp.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import to.clasp.benchmarks.load.ServerProcess;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The built server jar as its own process, as an operator runs it, with health and metrics on: optionally with a
 * lower open-file limit ({@code prlimit}), so that descriptor exhaustion can be reached on purpose.
 */
final class RouterProcess implements AutoCloseable
{
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ServerProcess process;
    private final int port;
    private final int healthPort;
    private final int metricsPort;

    private RouterProcess(final ServerProcess process, final int port, final int healthPort, final int metricsPort)
    {
        this.process = process;
        this.port = port;
        this.healthPort = healthPort;
        this.metricsPort = metricsPort;
    }

    static RouterProcess start(final String... args) throws Exception
    {
        return start(0, args);
    }

    /**
     * @param openFileLimit the process's open-file limit (soft and hard), or 0 to inherit this JVM's.
     */
    static RouterProcess start(final int openFileLimit, final String... args) throws Exception
    {
        return start(openFileLimit, List.of(), args);
    }

    /**
     * @param jvmArgs extra JVM options (system properties) before {@code -jar}.
     */
    static RouterProcess start(final int openFileLimit, final List<String> jvmArgs, final String... args)
        throws Exception
    {
        final int port = freePort();
        final int health = freePort();
        final int metrics = freePort();
        final List<String> command = new ArrayList<>();
        if (openFileLimit > 0)
        {
            command.addAll(List.of("prlimit", "--nofile=" + openFileLimit + ":" + openFileLimit, "--"));
        }
        command.addAll(List.of(javaBinary(), "-Xmx512m", "-XX:+UseSerialGC",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar().toString(), "server", "--host", "127.0.0.1", "--port", Integer.toString(port),
            "--health-port", Integer.toString(health), "--metrics-port", Integer.toString(metrics)));
        command.addAll(List.of(args));
        final Path log = logDir().resolve("router-" + COUNTER.incrementAndGet() + "-" + port + ".log");
        return new RouterProcess(ServerProcess.start("clasp", command, port, log), port, health, metrics);
    }

    int port()
    {
        return port;
    }

    long pid()
    {
        return process.pid();
    }

    long rssBytes()
    {
        return process.rssBytes();
    }

    boolean alive()
    {
        return !process.exited();
    }

    /** SIGTERM and wait at most {@code timeoutMs}; the exit code, or -1 if it had to be killed. */
    int terminate(final long timeoutMs) throws InterruptedException
    {
        return process.terminate(timeoutMs);
    }

    String log()
    {
        try
        {
            return Files.readString(process.log(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    /** GET on the health port; throws when it does not answer within {@code timeoutMs}. */
    HttpResponse<String> health(final String path, final long timeoutMs) throws Exception
    {
        return get(healthPort, path, timeoutMs);
    }

    /** GET on the WebSocket port itself (plain HTTP answers 200 ok). */
    HttpResponse<String> plainGet(final long timeoutMs) throws Exception
    {
        return get(port, "/", timeoutMs);
    }

    int healthPort()
    {
        return healthPort;
    }

    int metricsPort()
    {
        return metricsPort;
    }

    /** The value of one sample of the Prometheus exposition, e.g. {@code clasp_sessions}; fails if absent. */
    double metric(final String sample) throws Exception
    {
        final String text = get(metricsPort, "/metrics", 10_000).body();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(sample + " "))
            {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        fail("no sample " + sample + " in:\n" + text);
        return Double.NaN;
    }

    static HttpResponse<String> get(final int port, final String path, final long timeoutMs) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofMillis(timeoutMs)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public void close()
    {
        process.close();
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    static Path jar()
    {
        final Path jar = Path.of(System.getProperty("clasp.server.jar", "../server/target/clasp-server.jar"));
        if (!Files.isRegularFile(jar))
        {
            fail("server jar not found at " + jar.toAbsolutePath() + ": mvn -B verify builds it before this module");
        }
        return jar;
    }

    static Path logDir()
    {
        final Path dir = Path.of(System.getProperty("clasp.reliability.logs", "target/reliability-logs"));
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

    static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
