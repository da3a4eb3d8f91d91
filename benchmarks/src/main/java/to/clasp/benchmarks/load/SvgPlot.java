package to.clasp.benchmarks.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A latency-by-percentile chart as a self-contained SVG (opens in any browser): the x axis is the percentile on
 * HdrHistogram's "number of nines" scale (1/(1−p), logarithmic) so the tail gets as much room as the median;
 * the y axis is latency in µs, logarithmic. Solid lines are latency from the intended send time, dashed lines from
 * the actual send time; one colour per run.
 */
public final class SvgPlot
{
    private static final int WIDTH = 980;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 290;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    /** Rightmost percentile shown: 99.999 %, five nines. */
    private static final double MAX_NINES = 5;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    private SvgPlot()
    {
    }

    /** One line on the chart. */
    public static final class Series
    {
        final String label;
        final Histogram histogram;
        final boolean dashed;
        final int colour;

        public Series(final String label, final Histogram histogram, final boolean dashed, final int colour)
        {
            this.label = label;
            this.histogram = histogram;
            this.dashed = dashed;
            this.colour = colour;
        }
    }

    /** The chart for one scenario: both latency series of every result that recorded any. */
    public static String forScenario(final String title, final List<ScenarioResult> results)
    {
        final List<Series> series = new ArrayList<>();
        int colour = 0;
        for (final ScenarioResult r : results)
        {
            if (r.fromSent == null || r.fromSent.getTotalCount() == 0)
            {
                continue;
            }
            series.add(new Series(r.run() + " (intended)", r.fromIntended, false, colour));
            series.add(new Series(r.run() + " (sent)", r.fromSent, true, colour));
            colour++;
        }
        return render(title, series);
    }

    public static String render(final String title, final List<Series> series)
    {
        double maxUs = 10;
        double minUs = Double.MAX_VALUE;
        for (final Series s : series)
        {
            if (s.histogram.getTotalCount() > 0)
            {
                maxUs = Math.max(maxUs, s.histogram.getMaxValue() / 1000.0);
                minUs = Math.min(minUs, Math.max(1, s.histogram.getMinValue() / 1000.0));
            }
        }
        final double yLow = Math.pow(10, Math.floor(Math.log10(minUs == Double.MAX_VALUE ? 1 : minUs)));
        final double yHigh = Math.pow(10, Math.ceil(Math.log10(maxUs)));
        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>\n", LEFT,
            escape(title)));
        final int plotW = WIDTH - LEFT - RIGHT;
        final int plotH = HEIGHT - TOP - BOTTOM;
        // Axes and grid.
        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final double x = LEFT + plotW * nines / MAX_NINES;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                x, TOP, x, TOP + plotH));
            final String label = nines == 0 ? "0%" : percentLabel(nines);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                x, TOP + plotH + 18, label));
        }
        for (double y = yLow; y <= yHigh * 1.0001; y *= 10)
        {
            final double py = yOf(y, yLow, yHigh, plotH);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                LEFT, py, LEFT + plotW, py));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                LEFT - 6, py + 4, usLabel(y)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>\n",
            LEFT + plotW / 2, HEIGHT - 18));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" " +
            "text-anchor=\"middle\">latency (µs, log)</text>\n", TOP + plotH / 2, TOP + plotH / 2));
        int legend = 0;
        for (final Series s : series)
        {
            final String colour = COLOURS[s.colour % COLOURS.length];
            final String dash = s.dashed ? " stroke-dasharray=\"6 4\"" : "";
            final StringBuilder points = new StringBuilder();
            for (final HistogramIterationValue v : s.histogram.percentiles(5))
            {
                final double p = v.getPercentileLevelIteratedTo() / 100.0;
                final double nines = p >= 1 ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - p));
                final double us = Math.max(yLow, v.getValueIteratedTo() / 1000.0);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * nines / MAX_NINES,
                    yOf(us, yLow, yHigh, plotH)));
                if (p >= 1)
                {
                    break;
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s " +
                "points=\"%s\"/>\n", colour, dash, points.toString().trim()));
            final int ly = TOP + 10 + legend * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" " +
                "stroke-width=\"2\"%s/>\n", WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 40, ly, colour, dash));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", WIDTH - RIGHT + 46, ly + 4,
                escape(s.label)));
            legend++;
        }
        if (series.isEmpty())
        {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no latency recorded</text>\n",
                LEFT + 20, TOP + 30));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double yOf(final double us, final double low, final double high, final int plotH)
    {
        final double f = (Math.log10(us) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
        return TOP + plotH - f * plotH;
    }

    /** 1 → 90%, 2 → 99%, 3 → 99.9% … */
    static String percentLabel(final int nines)
    {
        return String.format(Locale.ROOT, "%." + Math.max(0, nines - 2) + "f%%", 100 * (1 - Math.pow(10, -nines)));
    }

    private static String usLabel(final double us)
    {
        if (us >= 1_000_000)
        {
            return String.format(Locale.ROOT, "%.0f s", us / 1_000_000);
        }
        if (us >= 1_000)
        {
            return String.format(Locale.ROOT, "%.0f ms", us / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f µs", us);
    }

    static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
