package to.clasp.reliability;

import to.clasp.benchmarks.load.ClaspFrames;
import to.clasp.benchmarks.load.ClaspWsTransport;
import to.clasp.benchmarks.load.IdleClientTransport;
import to.clasp.benchmarks.load.LoadSettings;
import to.clasp.benchmarks.load.MessageKind;
import to.clasp.benchmarks.load.Scenario;
import to.clasp.benchmarks.load.ScenarioResult;
import to.clasp.benchmarks.load.ScenarioRunner;
import to.clasp.benchmarks.load.Transport;

/** Runs one of the load generator's scenarios against a router process, from this JVM. */
final class LoadRuns
{
    private LoadRuns()
    {
    }

    private static Transport idle(final RouterProcess router)
    {
        return new IdleClientTransport("clasp-ws", IdleClientTransport.Protocol.CLASP, "127.0.0.1", router.port());
    }

    static ScenarioResult run(final RouterProcess router, final Scenario scenario, final MessageKind kind,
        final LoadSettings settings) throws Exception
    {
        final String url = "ws://127.0.0.1:" + router.port() + "/";
        // As `clasp bench` does: messages through the WebSocket client, handshakes (storm, probes) through the
        // handshake-only client.
        try (Transport transport = scenario.hasMessageKind() ?
                 new ClaspWsTransport(url, new ClaspFrames(kind, 32, 100), 1) : idle(router);
             Transport probes = idle(router))
        {
            return new ScenarioRunner(settings, transport, kind.name().toLowerCase(java.util.Locale.ROOT),
                router::rssBytes, router.pid()).probes(probes).run(scenario);
        }
    }
}
