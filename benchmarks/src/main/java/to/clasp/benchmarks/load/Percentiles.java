package to.clasp.benchmarks.load;

import org.HdrHistogram.Histogram;

/** The percentiles reported for a latency series, in microseconds (what the JSON and the tables show). */
public final class Percentiles
{
    public long count;
    public double mean;
    public double p50;
    public double p90;
    public double p99;
    public double p999;
    public double p9999;
    public double max;

    public static Percentiles of(final Histogram h)
    {
        final Percentiles p = new Percentiles();
        p.count = h.getTotalCount();
        if (p.count == 0)
        {
            return p;
        }
        p.mean = h.getMean() / 1000.0;
        p.p50 = us(h, 50);
        p.p90 = us(h, 90);
        p.p99 = us(h, 99);
        p.p999 = us(h, 99.9);
        p.p9999 = us(h, 99.99);
        p.max = h.getMaxValue() / 1000.0;
        return p;
    }

    private static double us(final Histogram h, final double percentile)
    {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }
}
