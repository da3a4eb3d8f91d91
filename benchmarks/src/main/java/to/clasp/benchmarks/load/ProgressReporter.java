package to.clasp.benchmarks.load;

import java.io.PrintStream;
import java.util.function.LongFunction;

/**
 * Prints one line per second while a scenario runs, so a person watching sees rates and latency settle (or not)
 * long before the summary. The line itself comes from the scenario; this class only keeps time.
 */
public final class ProgressReporter implements AutoCloseable
{
    private final Thread thread;
    private volatile boolean running = true;

    /** @param line given the whole seconds since start, returns the line to print (or null for none). */
    public ProgressReporter(final PrintStream out, final LongFunction<String> line)
    {
        final long start = System.nanoTime();
        thread = new Thread(() ->
        {
            long second = 1;
            while (running)
            {
                final long wake = start + second * 1_000_000_000L;
                long now;
                while (running && (now = System.nanoTime()) < wake)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(wake - now);
                }
                if (!running)
                {
                    break;
                }
                final String text = line.apply(second++);
                if (text != null && out != null)
                {
                    out.println(text);
                }
            }
        }, "bench-progress");
        thread.setDaemon(true);
        thread.start();
    }

    public void close()
    {
        running = false;
        java.util.concurrent.locks.LockSupport.unpark(thread);
        try
        {
            thread.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
