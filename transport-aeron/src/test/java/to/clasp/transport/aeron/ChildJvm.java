package to.clasp.transport.aeron;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running a main class from the test classpath (optionally under a command prefix such as
 * {@code ip netns exec NS}), its stdout lines collected for the test to wait on. The child gets the same module
 * flags Agrona and Aeron need here.
 */
final class ChildJvm implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();

    private ChildJvm(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    System.out.println("[" + name + "] " + line);
                    synchronized (transcript)
                    {
                        transcript.add(line);
                    }
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // process gone
            }
        }, "child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(final String name, final List<String> prefix, final Class<?> main, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>(prefix);
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--add-opens");
        command.add("java.base/sun.nio.ch=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ChildJvm(name, process);
    }

    /**
     * Wait for a stdout line starting with {@code prefix}.
     *
     * @return the line.
     * @throws AssertionError on timeout or when the process exits first (with what it printed).
     */
    String awaitLine(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new AssertionError(name + ": no line '" + prefix + "…' within " + timeoutMs + " ms; output: " +
                    transcript());
            }
            final String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (null != line && line.startsWith(prefix))
            {
                return line;
            }
            if (null == line && !process.isAlive() && lines.isEmpty())
            {
                Thread.sleep(100); // let the reader drain the last lines
                if (lines.isEmpty())
                {
                    throw new AssertionError(name + " exited (" + process.exitValue() + ") before '" + prefix +
                        "…'; output: " + transcript());
                }
            }
        }
    }

    List<String> transcript()
    {
        synchronized (transcript)
        {
            return new ArrayList<>(transcript);
        }
    }

    Process process()
    {
        return process;
    }

    /** Kill -9 the child (no shutdown hooks, no goodbye on the wire) and wait for it to be gone. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public void close()
    {
        try
        {
            if (process.isAlive())
            {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS))
                {
                    kill();
                }
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
