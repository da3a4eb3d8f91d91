package to.clasp.benchmarks.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The end-of-run table: one row per figure, one column per run (router and message kind), and when more than one
 * router ran, each figure as a ratio to the first run (this router). Written as Markdown so it can be pasted into
 * docs/benchmarks.md unchanged.
 */
public final class SummaryTable
{
    /** Pacing lag p99 above which a latency run is flagged as disturbed by the machine. */
    static final double LATE_SENDER_US = 1_000;

    private SummaryTable()
    {
    }

    /** A figure: its name, whether more is better, and how to read it from a result (null when not measured). */
    private static final class Figure
    {
        final String scenario;
        final String name;
        final Function<ScenarioResult, Double> value;
        final String format;
        /** A latency of messages sent by a closed loop (a window), when the run had no fixed rate. */
        final boolean saturation;

        Figure(final String scenario, final String name, final String format,
            final Function<ScenarioResult, Double> value)
        {
            this(scenario, name, format, false, value);
        }

        Figure(final String scenario, final String name, final String format, final boolean saturation,
            final Function<ScenarioResult, Double> value)
        {
            this.scenario = scenario;
            this.name = name;
            this.format = format;
            this.saturation = saturation;
            this.value = value;
        }

        /**
         * A closed-loop run measures latency at saturation (each message waits behind the window), never one-hop
         * latency: the row says so.
         */
        String name(final ScenarioResult base)
        {
            return saturation && base != null && base.targetRate == null ? name + ", at saturation" : name;
        }
    }

    /** Every run's honesty rows: what was sent and never arrived, the sender's stalls, errors. */
    private static List<Figure> accounting(final String scenario)
    {
        return List.of(
            new Figure(scenario, "sent, never delivered", "%,.0f", r -> (double)r.lost),
            new Figure(scenario, "stalls (waits > 1 s)", "%,.0f", r -> (double)r.stalls),
            new Figure(scenario, "errors", "%,.0f", r -> (double)r.errors));
    }

    private static List<Figure> figures()
    {
        final List<Figure> all = new ArrayList<>();
        all.add(new Figure("throughput", "sent msgs/s", "%,.0f", r -> r.sentPerSecond));
        all.add(new Figure("throughput", "delivered msgs/s", "%,.0f", r -> r.deliveredPerSecond));
        all.add(new Figure("throughput", "delivery ratio", "%.3f", r -> r.deliveryRatio));
        all.add(new Figure("throughput", "p99 from sent (µs)", "%,.0f", true, r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("throughput", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.add(new Figure("throughput", "generator CPU (% of a core)", "%,.0f", r -> r.generatorCpuPercent));
        all.addAll(accounting("throughput"));
        all.add(new Figure("flood", "sent msgs/s", "%,.0f", r -> r.sentPerSecond));
        all.add(new Figure("flood", "delivered msgs/s", "%,.0f", r -> r.deliveredPerSecond));
        all.add(new Figure("flood", "delivery ratio", "%.3f", r -> r.deliveryRatio));
        all.add(new Figure("flood", "p99 from sent (µs)", "%,.0f", true, r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("flood", "new client WELCOME p50 (ms)", "%,.2f", r -> ms(p(r.welcomeLatency, 50))));
        all.add(new Figure("flood", "new client WELCOME p99 (ms)", "%,.2f", r -> ms(p(r.welcomeLatency, 99))));
        all.add(new Figure("flood", "new client WELCOME max (ms)", "%,.2f", r -> ms(p(r.welcomeLatency, 100))));
        all.add(new Figure("flood", "WELCOME probes failed", "%,.0f",
            r -> r.welcomeFailures == null ? null : (double)r.welcomeFailures));
        all.add(new Figure("flood", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.addAll(accounting("flood"));
        all.add(new Figure("latency", "p50 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 50)));
        all.add(new Figure("latency", "p90 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 90)));
        all.add(new Figure("latency", "p99 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 99)));
        all.add(new Figure("latency", "p99.9 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 99.9)));
        all.add(new Figure("latency", "p99.99 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 99.99)));
        all.add(new Figure("latency", "max from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 100)));
        all.add(new Figure("latency", "p50 from sent (µs)", "%,.1f", r -> p(r.latencyFromSent, 50)));
        all.add(new Figure("latency", "p99 from sent (µs)", "%,.1f", r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("latency", "p99.9 from sent (µs)", "%,.1f", r -> p(r.latencyFromSent, 99.9)));
        all.add(new Figure("latency", "pacing lag p99 (µs)", "%,.1f", r -> p(r.pacingLag, 99)));
        all.add(new Figure("latency", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.addAll(accounting("latency"));
        all.add(new Figure("fanout", "deliveries/s", "%,.0f", r -> r.deliveredPerSecond));
        all.add(new Figure("fanout", "p50 from sent (µs)", "%,.0f", true, r -> p(r.latencyFromSent, 50)));
        all.add(new Figure("fanout", "p99 from sent (µs)", "%,.0f", true, r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("fanout", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.add(new Figure("fanout", "generator CPU (% of a core)", "%,.0f", r -> r.generatorCpuPercent));
        // At a fixed --fanout-rate the fan-out is paced: the figure to set beside the churn scenario's.
        all.add(new Figure("fanout", "p99 from intended (µs)", "%,.0f", r -> r.targetRate == null ? null :
            p(r.latencyFromIntended, 99)));
        all.addAll(accounting("fanout"));
        // QoS-1 SET -> ACK (with --data-dir the ACK waits for the disk per --fsync).
        all.add(new Figure("ack", "SETs/s", "%,.0f", r -> r.sentPerSecond));
        all.add(new Figure("ack", "p50 SET to ACK from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 50)));
        all.add(new Figure("ack", "p99 SET to ACK from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 99)));
        all.add(new Figure("ack", "p99.9 SET to ACK from intended (µs)", "%,.1f",
            r -> p(r.latencyFromIntended, 99.9)));
        all.add(new Figure("ack", "max SET to ACK from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 100)));
        all.add(new Figure("ack", "p99 SET to ACK from sent (µs)", "%,.1f", r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("ack", "pacing lag p99 (µs)", "%,.1f", r -> p(r.pacingLag, 99)));
        all.add(new Figure("ack", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.addAll(accounting("ack"));
        all.add(new Figure("churn", "subscribe + unsubscribe pairs/s", "%,.0f", r -> r.churnPairsPerSecond));
        all.add(new Figure("churn", "deliveries/s", "%,.0f", r -> r.deliveredPerSecond));
        all.add(new Figure("churn", "p50 from intended (µs)", "%,.0f", r -> p(r.latencyFromIntended, 50)));
        all.add(new Figure("churn", "p99 from intended (µs)", "%,.0f", r -> p(r.latencyFromIntended, 99)));
        all.add(new Figure("churn", "p99 from sent (µs)", "%,.0f", r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("churn", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.addAll(accounting("churn"));
        // Set beside the latency scenario's figures: the target is a p99 at most 2 x the latency run's.
        all.add(new Figure("replay", "entries replayed/s", "%,.0f", r -> r.replayedPerSecond));
        all.add(new Figure("replay", "REPLAYs completed", "%,.0f", r -> r.replays == null ? null : (double)r.replays));
        all.add(new Figure("replay", "p50 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 50)));
        all.add(new Figure("replay", "p99 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 99)));
        all.add(new Figure("replay", "p99.9 from intended (µs)", "%,.1f", r -> p(r.latencyFromIntended, 99.9)));
        all.add(new Figure("replay", "p99 from sent (µs)", "%,.1f", r -> p(r.latencyFromSent, 99)));
        all.add(new Figure("replay", "pacing lag p99 (µs)", "%,.1f", r -> p(r.pacingLag, 99)));
        all.add(new Figure("replay", "router CPU (% of a core)", "%,.0f", r -> r.routerCpuPercent));
        all.addAll(accounting("replay"));
        all.add(new Figure("connections", "connected", "%,.0f", r -> r.connectOk == null ? null : (double)r.connectOk));
        all.add(new Figure("connections", "failed", "%,.0f",
            r -> r.connectFailed == null ? null : (double)r.connectFailed));
        all.add(new Figure("connections", "connect time (s)", "%,.1f", r -> r.connectSeconds));
        all.add(new Figure("connections", "router RSS (MiB)", "%,.1f",
            r -> r.rssBytes == null ? null : r.rssBytes / 1048576.0));
        all.add(new Figure("connections", "RSS per connection (KiB)", "%,.1f",
            r -> r.rssPerConnectionBytes == null ? null : r.rssPerConnectionBytes / 1024.0));
        all.add(new Figure("storm", "connected", "%,.0f", r -> r.connectOk == null ? null : (double)r.connectOk));
        all.add(new Figure("storm", "failed", "%,.0f", r -> r.connectFailed == null ? null : (double)r.connectFailed));
        all.add(new Figure("storm", "connect → WELCOME p50 (ms)", "%,.2f", r -> ms(p(r.welcomeLatency, 50))));
        all.add(new Figure("storm", "connect → WELCOME p99 (ms)", "%,.2f", r -> ms(p(r.welcomeLatency, 99))));
        all.add(new Figure("storm", "connect → TCP connected p50 (ms)", "%,.2f", r -> ms(p(r.tcpConnectLatency, 50))));
        all.add(new Figure("storm", "connect → upgrade 101 p50 (ms)", "%,.2f", r -> ms(p(r.upgradeLatency, 50))));
        all.add(new Figure("storm", "connect → WELCOME max (ms)", "%,.2f", r -> ms(p(r.welcomeLatency, 100))));
        all.add(new Figure("storm", "storm time (s)", "%,.1f", r -> r.connectSeconds));
        all.add(new Figure("storm", "handshakes/s", "%,.0f",
            r -> r.connectOk == null || r.connectSeconds == null || r.connectSeconds <= 0 ? null :
                r.connectOk / r.connectSeconds));
        all.add(new Figure("storm", "router CPU s per 1 000 handshakes", "%,.3f", r -> r.routerCpuPerThousand));
        all.add(new Figure("storm", "… of which router event loop", "%,.3f", r -> r.routerEventLoopCpuPerThousand));
        all.add(new Figure("storm", "… of which router JIT compiler", "%,.3f", r -> r.routerJitCpuPerThousand));
        all.add(new Figure("storm", "generator CPU s per 1 000 handshakes", "%,.3f", r -> r.generatorCpuPerThousand));
        all.add(new Figure("storm", "warm-up handshakes before the storm", "%,.0f",
            r -> r.warmupHandshakes == null ? null : (double)r.warmupHandshakes));
        all.add(new Figure("storm", "router RSS (MiB)", "%,.1f", r -> r.rssBytes == null ? null : r.rssBytes / 1048576.0));
        all.add(new Figure("storm", "errors", "%,.0f", r -> (double)r.errors));
        return List.copyOf(all);
    }

    private static Double ms(final Double micros)
    {
        return micros == null ? null : micros / 1000.0;
    }

    private static final List<Figure> FIGURES = figures();

    private static Double p(final Percentiles p, final double percentile)
    {
        if (p == null || p.count == 0)
        {
            return null;
        }
        if (percentile == 50) return p.p50;
        if (percentile == 90) return p.p90;
        if (percentile == 99) return p.p99;
        if (percentile == 99.9) return p.p999;
        if (percentile == 99.99) return p.p9999;
        return p.max;
    }

    /** Markdown table of every figure measured in {@code results}. */
    public static String render(final List<ScenarioResult> results)
    {
        final Map<String, Map<String, ScenarioResult>> byScenario = new LinkedHashMap<>();
        final List<String> runs = new ArrayList<>();
        for (final ScenarioResult r : results)
        {
            byScenario.computeIfAbsent(r.scenario, k -> new LinkedHashMap<>()).put(r.run(), r);
            if (!runs.contains(r.run()))
            {
                runs.add(r.run());
            }
        }
        final boolean ratios = runs.size() > 1;
        final StringBuilder out = new StringBuilder();
        out.append("| scenario | figure |");
        for (final String run : runs)
        {
            out.append(' ').append(run).append(" |");
        }
        out.append('\n').append("|---|---|");
        out.append("---:|".repeat(runs.size())).append('\n');
        for (final Figure f : FIGURES)
        {
            final Map<String, ScenarioResult> scenarioRuns = byScenario.get(f.scenario);
            if (scenarioRuns == null)
            {
                continue;
            }
            // The baseline is the first run of this scenario (this router, first message kind): the connections
            // scenario has no message kind, so its first column differs from the others'.
            final String baseline = firstRun(runs, scenarioRuns);
            final ScenarioResult base = scenarioRuns.get(baseline);
            final Double baseValue = base == null || base.failure != null ? null : f.value.apply(base);
            final StringBuilder row = new StringBuilder();
            boolean any = false;
            for (final String run : runs)
            {
                final ScenarioResult r = scenarioRuns.get(run);
                row.append(' ');
                if (r == null)
                {
                    row.append("–");
                }
                else if (r.failure != null)
                {
                    row.append("failed");
                }
                else
                {
                    final Double v = f.value.apply(r);
                    if (v == null)
                    {
                        row.append("–");
                    }
                    else
                    {
                        any = true;
                        row.append(String.format(Locale.ROOT, f.format, v));
                        if (ratios && !run.equals(baseline) && baseValue != null && baseValue != 0)
                        {
                            row.append(String.format(Locale.ROOT, " (×%.2f)", v / baseValue));
                        }
                    }
                }
                row.append(" |");
            }
            if (any)
            {
                out.append("| ").append(f.scenario).append(" | ").append(f.name(base)).append(" |").append(row)
                    .append('\n');
            }
        }
        for (final ScenarioResult r : results)
        {
            if (r.failure != null)
            {
                out.append("\n").append(r.run()).append(' ').append(r.scenario).append(" failed: ").append(r.failure);
            }
            else if (r.pacingLag != null && r.pacingLag.count > 0 && r.pacingLag.p99 > LATE_SENDER_US)
            {
                // The sender itself was late: whatever delayed it (usually other work on the machine) may have
                // delayed the router too, so this latency is not the router's alone.
                out.append(String.format(Locale.ROOT, "%nNote: %s %s: the generator's pacing lag p99 was %,.0f µs; " +
                    "the machine, not only the router, delayed these messages.", r.run(), r.scenario, r.pacingLag.p99));
            }
        }
        if (ratios)
        {
            out.append("\n(×r) = that run's figure ÷ the figure of the first run of the same scenario (the ")
                .append("leftmost filled column) in the same row.\n");
        }
        return out.toString();
    }

    private static String firstRun(final List<String> runs, final Map<String, ScenarioResult> scenarioRuns)
    {
        for (final String run : runs)
        {
            if (scenarioRuns.containsKey(run))
            {
                return run;
            }
        }
        return null;
    }
}
