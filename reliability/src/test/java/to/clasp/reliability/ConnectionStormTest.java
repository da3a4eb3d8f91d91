package to.clasp.reliability;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.benchmarks.load.LoadSettings;
import to.clasp.benchmarks.load.MessageKind;
import to.clasp.benchmarks.load.Scenario;
import to.clasp.benchmarks.load.ScenarioResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of sensors reconnecting after a network blip: 5 000 clients, 100 handshaking at any moment (connect,
 * HELLO → WELCOME, SUBSCRIBE, PING → PONG). Every one gets its WELCOME, none is refused, within a bound. The latency
 * targets (p50 ≤ 5 ms, p99 ≤ 100 ms) are benchmark figures ({@code ./clasp bench storm}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectionStormTest
{
    private static final int CLIENTS = 5_000;

    @Test
    void fiveThousandClientsAHundredAtATimeAllGetTheirWelcome() throws Exception
    {
        Fds.ensure(CLIENTS + 2_000L);
        // All the clients come from 127.0.0.1: past the default 1 000 per source address.
        try (RouterProcess router = RouterProcess.start("--max-connections-per-ip", Integer.toString(CLIENTS)))
        {
            final ScenarioResult r = LoadRuns.run(router, Scenario.STORM, MessageKind.PUBLISH,
                new LoadSettings().storm(CLIENTS, 100).progress(null));
            System.out.printf("storm: %d connected in %.1f s, WELCOME p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                r.connectOk, r.connectSeconds, r.welcomeLatency.p50 / 1000, r.welcomeLatency.p99 / 1000,
                r.welcomeLatency.max / 1000);
            assertEquals(CLIENTS, r.connectOk, "every client connected, got its WELCOME and its PONG");
            assertEquals(0L, r.connectFailed);
            assertEquals(0, r.errors, "no ERROR, no close");
            assertTrue(r.welcomeLatency.max / 1000 < 10_000, "each WELCOME within 10 s: max " +
                r.welcomeLatency.max / 1000 + " ms");
            assertEquals(0, router.terminate(7_000), router.log());
        }
    }
}
