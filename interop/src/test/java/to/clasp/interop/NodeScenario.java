package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One run of a scenario script with the real JS client:
 * {@code node --experimental-websocket interop/scenarios/<name>.mjs ws://127.0.0.1:<port>/ [args]}. Each stdout
 * line is a JSON event; stderr (the client's own logging) goes to a log file.
 */
final class NodeScenario implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final JsonNode EOF = JSON.createObjectNode().put("event", "<eof>");

    private final String name;
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = Collections.synchronizedList(new ArrayList<>());

    private NodeScenario(final String name, final Process process, final Path stderr)
    {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        final Thread reader = new Thread(this::readStdout, "node-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static Path interopDir()
    {
        return Path.of(System.getProperty("clasp.interop.dir", ".")).toAbsolutePath().normalize();
    }

    /**
     * Fail (never skip) when the JS client cannot run: no node, or node_modules not installed.
     */
    static void requireNodeAndClient()
    {
        try
        {
            final Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            final String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!version.waitFor(10, TimeUnit.SECONDS) || version.exitValue() != 0)
            {
                fail("`node --version` failed: " + out + " — install Node.js 20 or newer");
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            fail("node is not installed or not on PATH (" + ex.getMessage() + "): the interop tests need Node.js 20+");
        }
        final Path client = interopDir().resolve("node_modules/@clasp-to/core/package.json");
        if (!Files.isRegularFile(client))
        {
            fail("the JS client is not installed (" + client + " missing): run `npm ci` in " + interopDir() +
                " (./clasp test does it)");
        }
    }

    static NodeScenario start(final String script, final String url, final String... args) throws IOException
    {
        return start(java.util.Map.of(), 40_000, script, url, args);
    }

    /** As {@link #start(String, String, String...)} with the scenario's own watchdog set to {@code timeoutMs}. */
    static NodeScenario start(final long timeoutMs, final String script, final String url, final String... args)
        throws IOException
    {
        return start(java.util.Map.of(), timeoutMs, script, url, args);
    }

    /** {@link #start(String, String, String...)} with extra environment variables (e.g. NODE_EXTRA_CA_CERTS). */
    static NodeScenario start(final java.util.Map<String, String> env, final String script, final String url,
        final String... args) throws IOException
    {
        return start(env, 40_000, script, url, args);
    }

    static NodeScenario start(final java.util.Map<String, String> env, final long timeoutMs,
        final String script, final String url, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            "node", "--experimental-websocket", "--no-warnings", "scenarios/" + script + ".mjs", url));
        command.addAll(List.of(args));
        final Path stderr = ServerProcess.logDir().resolve(
            "node-" + COUNTER.incrementAndGet() + "-" + script + ".stderr.log");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(interopDir().toFile())
            .redirectError(stderr.toFile());
        builder.environment().put("SCENARIO_TIMEOUT_MS", String.valueOf(timeoutMs));
        builder.environment().putAll(env);
        return new NodeScenario(script, builder.start(), stderr);
    }

    private void readStdout()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (!line.startsWith("{"))
                {
                    continue;
                }
                final JsonNode event = JSON.readTree(line);
                all.add(event);
                events.add(event);
            }
        }
        catch (final IOException ignore)
        {
            // process ended
        }
        finally
        {
            events.add(EOF);
        }
    }

    /** The next event whose "event" field equals {@code type}; fails on another "error" event, EOF or timeout. */
    JsonNode await(final String type, final long timeoutMs) throws InterruptedException
    {
        return await(e -> type.equals(e.path("event").asText()), type, timeoutMs);
    }

    JsonNode await(final Predicate<JsonNode> match, final String what, final long timeoutMs)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final JsonNode event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (event == null)
            {
                fail(name + ": no '" + what + "' within " + timeoutMs + " ms; events: " + all + diagnostics());
            }
            if (event == EOF)
            {
                fail(name + ": exited before '" + what + "'; events: " + all + diagnostics());
            }
            if (match.test(event))
            {
                return event; // an "error" event too, when that is what the test waits for
            }
            if ("error".equals(event.path("event").asText()))
            {
                fail(name + ": scenario error " + event + diagnostics());
            }
        }
    }

    /** Write one line to the script's stdin. */
    void tell(final String line) throws IOException
    {
        final OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Wait for "done" and a zero exit code. */
    void awaitDone(final long timeoutMs) throws InterruptedException
    {
        await("done", timeoutMs);
        if (!process.waitFor(5, TimeUnit.SECONDS))
        {
            fail(name + ": did not exit after done" + diagnostics());
        }
        assertEquals(0, process.exitValue(), name + " exit code" + diagnostics());
    }

    List<JsonNode> events()
    {
        synchronized (all)
        {
            return new ArrayList<>(all);
        }
    }

    private String diagnostics()
    {
        try
        {
            final String err = Files.readString(stderr, StandardCharsets.UTF_8);
            return "\n--- " + name + " stderr (tail) ---\n" +
                err.substring(Math.max(0, err.length() - 3000));
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    public void close()
    {
        if (process.isAlive())
        {
            // A scenario may have started a browser: end it too.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
