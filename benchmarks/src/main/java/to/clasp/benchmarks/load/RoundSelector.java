package to.clasp.benchmarks.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * With {@code --rounds N} every router runs every scenario N times, interleaved (round 1 of each router, then round
 * 2 of each...), so load from elsewhere on a shared machine falls on all of them alike. The table then shows, for
 * each router and scenario, the round with the median of that scenario's main figure — not the best, which would
 * flatter whichever router happened to get the quietest moment. Every round stays in the JSON.
 */
public final class RoundSelector
{
    private RoundSelector()
    {
    }

    /** The figure a scenario's rounds are ranked by. */
    static ToDoubleFunction<ScenarioResult> mainFigure(final String scenario)
    {
        switch (scenario)
        {
            case "latency":
                return r -> r.latencyFromIntended == null ? Double.MAX_VALUE : r.latencyFromIntended.p99;
            case "connections":
                return r -> r.rssBytes == null ? Double.MAX_VALUE : r.rssBytes;
            default:
                return r -> r.deliveredPerSecond;
        }
    }

    /** One result per (run, scenario): the median round of those that did not fail (a failure if all failed). */
    public static List<ScenarioResult> medians(final List<ScenarioResult> results)
    {
        final Map<String, List<ScenarioResult>> groups = new LinkedHashMap<>();
        for (final ScenarioResult r : results)
        {
            groups.computeIfAbsent(r.run() + "\u0000" + r.scenario, k -> new ArrayList<>()).add(r);
        }
        final List<ScenarioResult> out = new ArrayList<>();
        for (final List<ScenarioResult> rounds : groups.values())
        {
            final List<ScenarioResult> ok = new ArrayList<>();
            for (final ScenarioResult r : rounds)
            {
                if (r.failure == null)
                {
                    ok.add(r);
                }
            }
            if (ok.isEmpty())
            {
                out.add(rounds.get(0));
                continue;
            }
            ok.sort(Comparator.comparingDouble(mainFigure(ok.get(0).scenario)));
            out.add(ok.get((ok.size() - 1) / 2));
        }
        return out;
    }
}
