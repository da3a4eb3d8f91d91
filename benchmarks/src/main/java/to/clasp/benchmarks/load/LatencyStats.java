package to.clasp.benchmarks.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency series: any thread records (wait-free, through HdrHistogram's {@link Recorder}); one reporting thread
 * takes per-second intervals for the progress line and adds each into the whole-run total.
 */
public final class LatencyStats
{
    /** Longest latency kept exactly: one minute. Longer values are clamped, so a stall still shows at the max. */
    static final long HIGHEST_NS = 60_000_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_NS, 3);
    private final Histogram total = new Histogram(HIGHEST_NS, 3);
    private Histogram interval;

    public void record(final long ns)
    {
        recorder.recordValue(Math.min(Math.max(ns, 0), HIGHEST_NS));
    }

    /** The values recorded since the last call (also added to {@link #total()}). Reporting thread only. */
    public synchronized Histogram interval()
    {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return interval;
    }

    /** Everything recorded up to the last {@link #interval()}. */
    public synchronized Histogram total()
    {
        return total;
    }
}
