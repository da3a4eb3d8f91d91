package to.clasp.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A third-party command-line client (mosquitto_sub, oscdump, a python3-paho-mqtt script) run as a subprocess whose
 * output lines are collected for assertions. A tool that is not installed fails the test (never skips it): .ci/run
 * installs the Debian packages.
 */
final class ToolProcess implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = Collections.synchronizedList(new ArrayList<>());

    private ToolProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    all.add(line);
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the process ended
            }
        }, "tool-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** @return the absolute path of a Debian-packaged tool; fails the test when it is missing. */
    static String require(final String path, final String debianPackage)
    {
        if (!Files.isExecutable(Path.of(path)))
        {
            fail(path + " is missing: install the Debian package " + debianPackage + " (.ci/run does)");
        }
        return path;
    }

    static ToolProcess start(final String... command) throws IOException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ToolProcess(Path.of(command[0]).getFileName().toString(), p);
    }

    /** Run to completion (bounded) and return its output; fails on a non-zero exit. */
    static String run(final String... command) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish: " + out);
        }
        if (p.exitValue() != 0)
        {
            fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** @return the next line matching, waiting at most {@code timeoutMs}; fails with everything seen otherwise. */
    String await(final Predicate<String> match, final String what, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            final long left = deadline - System.currentTimeMillis();
            final String line = left > 0 ? lines.poll(left, TimeUnit.MILLISECONDS) : null;
            if (line == null)
            {
                fail(name + ": no " + what + " within " + timeoutMs + " ms; output so far: " + all);
            }
            if (match.test(line))
            {
                return line;
            }
        }
    }

    /** @return the process's exit code, waiting at most 20 s. */
    int waitFor() throws InterruptedException
    {
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            fail(name + " did not exit; output: " + all);
        }
        return process.exitValue();
    }

    List<String> output()
    {
        synchronized (all)
        {
            return new ArrayList<>(all);
        }
    }

    public void close()
    {
        if (process.isAlive())
        {
            process.destroy();
        }
    }
}
