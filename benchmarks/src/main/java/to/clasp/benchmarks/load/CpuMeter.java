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
    private long startNs;

    public CpuMeter(final long pid)
    {
        this.pid = pid;
    }

    public void start()
    {
        startTicks = ticks(pid);
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

    /** User + system ticks of {@code pid}, or -1. */
    static long ticks(final long pid)
    {
        if (pid <= 0)
        {
            return -1;
        }
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
