package to.clasp.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest
{
    /** 1..1000 µs, one value each: every percentile is known exactly (within HdrHistogram's 3 digits). */
    private static Histogram uniform(final long scale)
    {
        final Histogram h = new Histogram(LatencyStats.HIGHEST_NS, 3);
        for (long us = 1; us <= 1_000; us++)
        {
            h.recordValue(us * 1_000 * scale);
        }
        return h;
    }

    @Test
    void percentilesAreInMicroseconds()
    {
        final Percentiles p = Percentiles.of(uniform(1));
        assertEquals(1_000, p.count);
        assertEquals(500, p.p50, 1);
        assertEquals(900, p.p90, 1);
        assertEquals(990, p.p99, 1);
        assertEquals(999, p.p999, 1);
        assertEquals(1_000, p.p9999, 1);
        assertEquals(1_000, p.max, 1);
        assertEquals(500.5, p.mean, 1);
    }

    @Test
    void emptyHistogramGivesZeroCountNotAnError()
    {
        assertEquals(0, Percentiles.of(new Histogram(3)).count);
    }

    @Test
    void latencyStatsIntervalsAddUpToTheTotal()
    {
        final LatencyStats stats = new LatencyStats();
        stats.record(1_000);
        stats.record(2_000);
        assertEquals(2, stats.interval().getTotalCount());
        stats.record(3_000);
        assertEquals(1, stats.interval().getTotalCount());
        assertEquals(3, stats.total().getTotalCount());
        stats.record(-5); // clock went backwards between threads: kept, as zero
        stats.record(Long.MAX_VALUE); // beyond range: clamped, not thrown
        stats.interval();
        assertEquals(5, stats.total().getTotalCount());
    }

    private static ScenarioResult result(final String target, final String kind, final double delivered,
        final long latencyScale)
    {
        final ScenarioResult r = new ScenarioResult();
        r.target = target;
        r.kind = kind;
        r.scenario = "latency";
        r.deliveredPerSecond = delivered;
        r.fromIntended = uniform(latencyScale);
        r.fromSent = uniform(latencyScale);
        r.latencyFromIntended = Percentiles.of(r.fromIntended);
        r.latencyFromSent = Percentiles.of(r.fromSent);
        return r;
    }

    @Test
    void summaryTableGivesEachFigureAsARatioToTheFirstRun()
    {
        final String table = SummaryTable.render(List.of(
            result("clasp-ws", "publish", 1, 1), result("nats", null, 1, 2)));
        final String p99 = table.lines().filter(l -> l.contains("p99 from intended")).findFirst().orElseThrow();
        assertTrue(p99.matches(".*\\| 99\\d\\.\\d \\| 1,98\\d\\.\\d \\(×2\\.00\\) \\|.*"), p99);
        assertTrue(table.contains("| clasp-ws publish | nats |"), table);
        assertFalse(table.contains("throughput"), "figures of scenarios that did not run are left out");
    }

    @Test
    void connectionsRowsAreComparedWithThisRoutersOwnConnectionsRun()
    {
        final ScenarioResult clasp = new ScenarioResult();
        clasp.target = "clasp-ws";
        clasp.scenario = "connections";
        clasp.connectOk = 10_000L;
        clasp.rssBytes = 400L << 20;
        final ScenarioResult nats = new ScenarioResult();
        nats.target = "nats";
        nats.scenario = "connections";
        nats.connectOk = 10_000L;
        nats.rssBytes = 200L << 20;
        final String table = SummaryTable.render(List.of(result("clasp-ws", "publish", 1, 1), clasp, nats));
        final String rss = table.lines().filter(l -> l.contains("router RSS")).findFirst().orElseThrow();
        assertTrue(rss.contains("| 400.0 |") && rss.contains("200.0 (×0.50)"), rss);
    }

    @Test
    void aFailedRunShowsAsFailedWithItsReason()
    {
        final ScenarioResult failed = new ScenarioResult();
        failed.target = "mosquitto";
        failed.scenario = "latency";
        failed.failure = "did not start";
        final String table = SummaryTable.render(List.of(result("clasp-ws", "set", 1, 1), failed));
        assertTrue(table.contains("failed |"), table);
        assertTrue(table.contains("did not start"), table);
    }

    @Test
    void jsonHasSettingsMachineAndResultsWithPercentilesButNoRawHistograms(@TempDir final Path dir) throws Exception
    {
        final Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("startedAt", "20260101-000000");
        settings.put("durationSeconds", 10.0);
        final Path file = dir.resolve("result.json");
        JsonReport.write(file, JsonReport.document(settings, List.of(result("clasp-ws", "set", 123.0, 1))));
        final JsonNode doc = new ObjectMapper().readTree(file.toFile());
        assertEquals("20260101-000000", doc.get("startedAt").asText());
        assertEquals(10.0, doc.get("settings").get("durationSeconds").asDouble());
        assertTrue(doc.get("machine").get("cpus").asInt() > 0);
        final JsonNode r = doc.get("results").get(0);
        assertEquals("clasp-ws", r.get("target").asText());
        assertEquals("set", r.get("kind").asText());
        assertEquals(123.0, r.get("deliveredPerSecond").asDouble());
        assertEquals(990, r.get("latencyFromIntended").get("p99").asDouble(), 1);
        assertFalse(r.has("fromIntended"), "raw histograms stay out of the JSON");
        assertFalse(r.has("failure"), "absent figures are omitted, not null");
    }

    @Test
    void svgIsWellFormedWithTwoLinesPerRun() throws Exception
    {
        final String svg = SvgPlot.forScenario("latency <test> & more",
            List.of(result("clasp-ws", "set", 1, 1), result("nats", null, 1, 3)));
        final Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals(4, doc.getElementsByTagName("polyline").getLength());
        assertTrue(svg.contains("nats (sent)"));
        assertTrue(svg.contains("99.9%"), "the tail is labelled on the x axis");
        final String points = ((org.w3c.dom.Element)doc.getElementsByTagName("polyline").item(0))
            .getAttribute("points");
        double lastX = -1;
        double lastY = Double.MAX_VALUE;
        for (final String point : points.split(" "))
        {
            final String[] xy = point.split(",");
            final double x = Double.parseDouble(xy[0]);
            final double y = Double.parseDouble(xy[1]);
            assertTrue(x >= lastX, "x never goes back: " + points);
            assertTrue(y <= lastY + 0.01, "latency never falls as the percentile rises (y grows downwards)");
            lastX = x;
            lastY = y;
        }
    }

    @Test
    void roundsAreSummarisedByTheirMedianNotTheirBest()
    {
        final ScenarioResult slow = result("nats", null, 1, 3);
        final ScenarioResult mid = result("nats", null, 1, 2);
        final ScenarioResult fast = result("nats", null, 1, 1);
        slow.round = 1;
        mid.round = 2;
        fast.round = 3;
        final ScenarioResult failed = result("clasp-ws", "set", 1, 1);
        failed.failure = "crashed";
        final ScenarioResult good = result("clasp-ws", "set", 1, 5);
        final List<ScenarioResult> shown = RoundSelector.medians(List.of(slow, failed, mid, fast, good));
        assertEquals(2, shown.size());
        assertEquals(2, shown.get(0).round, "median p99 of three rounds");
        assertTrue(shown.get(1) == good, "a failed round is passed over while another succeeded");
    }

    @Test
    void aLateGeneratorIsFlaggedUnderTheTable()
    {
        final ScenarioResult r = result("clasp-ws", "publish", 1, 1);
        r.pacingLag = Percentiles.of(uniform(5)); // p99 ≈ 4.95 ms
        assertTrue(SummaryTable.render(List.of(r)).contains("pacing lag p99 was 4,95"));
        r.pacingLag = Percentiles.of(uniform(0)); // zero lag
        assertFalse(SummaryTable.render(List.of(r)).contains("pacing lag p99 was"));
    }

    @Test
    void cpuOfThisProcessIsMeasured()
    {
        final CpuMeter meter = new CpuMeter(ProcessHandle.current().pid());
        meter.start();
        final long until = System.nanoTime() + 300_000_000L;
        long spins = 0;
        while (System.nanoTime() < until)
        {
            spins++;
        }
        final Double percent = meter.percentSinceStart();
        assertTrue(spins > 0 && percent != null && percent > 0, "busy 300 ms, measured " + percent + " %");
        assertEquals(null, new CpuMeter(-1).percentSinceStart(), "no process, no figure");
    }

    @Test
    void percentLabels()
    {
        assertEquals("90%", SvgPlot.percentLabel(1));
        assertEquals("99%", SvgPlot.percentLabel(2));
        assertEquals("99.9%", SvgPlot.percentLabel(3));
        assertEquals("99.999%", SvgPlot.percentLabel(5));
    }
}
