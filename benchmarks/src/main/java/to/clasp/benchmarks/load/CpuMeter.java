package to.clasp.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used, from /proc/PID/stat (user + system, in clock ticks). Comparing the router's and the
 * generator's share of the 2 cores over the measured window tells which of them was the bottleneck.
 */
public final class CpuMeter
{
    /** USER_HZ: 100 on every Linux this runs on (the kernel's ABI value, not CONFIG_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long pid;
    private long startTicks = -1;
    private long startJitTicks = -1;
    private long startIoTicks = -1;
    private long startNs;

    public CpuMeter(final long pid)
    {
        this.pid = pid;
    }

    public void start()
    {
        startTicks = ticks(pid);
        startJitTicks = threadTicks(pid, JIT_THREAD);
        startIoTicks = threadTicks(pid, IO_THREAD);
        startNs = System.nanoTime();
    }

    /** Percent of one core used since {@link #start()} (200 = both cores of this machine), or null if unknown. */
    public Double percentSinceStart()
    {
        final long now = ticks(pid);
        final long elapsedNs = System.nanoTime() - startNs;
        if (startTicks < 0 || now < 0 || elapsedNs <= 0)
        {
            return null;
        }
        return (now - startTicks) / TICKS_PER_SECOND / (elapsedNs / 1e9) * 100.0;
    }

    /** CPU seconds used since {@link #start()}, or null if unknown. */
    public Double secondsSinceStart()
    {
        final long now = ticks(pid);
        if (startTicks < 0 || now < 0)
        {
            return null;
        }
        return (now - startTicks) / TICKS_PER_SECOND;
    }

    /** HotSpot's compiler threads ("C1 CompilerThread0", truncated to 15 characters by the kernel). */
    private static final String JIT_THREAD = "CompilerThre";
    /** The router's WebSocket event loops ({@code clasp-ws-io-…}), which also run the core in the default mode. */
    private static final String IO_THREAD = "clasp-ws-io";

    /**
     * CPU seconds the JVM's JIT compiler threads used since {@link #start()}, or null if unknown: on a fresh JVM a
     * short run's figure can be mostly compilation, which a router that has run a while no longer pays.
     */
    public Double jitSecondsSinceStart()
    {
        return secondsSince(startJitTicks, threadTicks(pid, JIT_THREAD));
    }

    /** CPU seconds the router's WebSocket event loops used since {@link #start()}, or null if unknown. */
    public Double eventLoopSecondsSinceStart()
    {
        return secondsSince(startIoTicks, threadTicks(pid, IO_THREAD));
    }

    private static Double secondsSince(final long startTicks, final long nowTicks)
    {
        return startTicks < 0 || nowTicks < 0 ? null : (nowTicks - startTicks) / TICKS_PER_SECOND;
    }

    /** User + system ticks of the threads of {@code pid} whose name contains {@code name}, or -1. */
    static long threadTicks(final long pid, final String name)
    {
        if (pid <= 0)
        {
            return -1;
        }
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            long sum = 0;
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).contains(name))
                    {
                        sum += statTicks(stat);
                    }
                }
                catch (final IOException ignored)
                {
                    // the thread ended meanwhile
                }
            }
            return sum;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /** utime + stime (fields 14 and 15) of a process's or thread's {@code stat} line. */
    private static long statTicks(final String stat)
    {
        // Fields after the command name, which is in parentheses and may contain spaces.
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** User + system ticks of {@code pid}, or -1. */
    static long ticks(final long pid)
    {
        if (pid <= 0)
        {
            return -1;
        }
        try
        {
            return statTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
