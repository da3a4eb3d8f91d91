package to.clasp.reliability;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import to.clasp.benchmarks.load.LoadSettings;
import to.clasp.benchmarks.load.MessageKind;
import to.clasp.benchmarks.load.Scenario;
import to.clasp.benchmarks.load.ScenarioResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four publishers with no application window at all (each writes as fast as its socket takes it) to one subscriber,
 * with a new client connecting every 100 ms beside it. The router used to hang (shared core) or let reading the flood
 * starve writing until the subscriber was cut off as a slow consumer (dedicated core). Now reading is paused while
 * the core catches up, so every event the router took in reaches the subscriber (events are never conflated or
 * dropped below the hard limit), nobody gets an ERROR, and every new client gets its WELCOME.
 * <p>
 * The run ends on a round-trip barrier (each publisher's PING → PONG after its last frame, then the subscriber's), not
 * a timed wait, so a slow machine delays the answer instead of turning queued events into "lost" ones.
 * <p>
 * Behaviour only: the delivered rate and the WELCOME latency targets are benchmark figures
 * ({@code ./clasp bench flood}), not asserted here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FloodTest
{
    /** Far above the 100 ms target: a bound for a busy CI machine, where a hang or a starved loop still fails. */
    private static final double WELCOME_BOUND_MS = 5_000;

    @ParameterizedTest(name = "core {0}")
    @ValueSource(strings = {"shared", "dedicated"})
    void unwindowedPublishersWithAWelcomeProbe(final String mode) throws Exception
    {
        try (RouterProcess router = RouterProcess.start("--core-thread", mode))
        {
            final ScenarioResult r = LoadRuns.run(router, Scenario.FLOOD, MessageKind.PUBLISH, new LoadSettings()
                .publishers(4)
                .warmupMs(500)
                .durationMs(4_000)
                .probeIntervalMs(100)
                .progress(null));
            assertTrue(r.sent > 10_000, "the publishers got going: " + r.sent);
            assertEquals(0, r.errors, "no ERROR, no connection cut (slow-consumer disconnect)");
            assertNull(r.barrierFailure, "the end-of-run round trips were answered");
            assertEquals(0, r.lost, "every event the router took in was delivered: sent " + r.sent + ", delivered " +
                r.delivered);
            assertEquals(0L, r.welcomeFailures, "every probe got its WELCOME");
            assertTrue(r.welcomeLatency.count >= 10, "probes ran throughout: " + r.welcomeLatency.count);
            assertTrue(r.welcomeLatency.max / 1000 < WELCOME_BOUND_MS, "WELCOME within " + WELCOME_BOUND_MS +
                " ms during the flood: max " + r.welcomeLatency.max / 1000 + " ms");
            assertTrue(router.alive());
            assertEquals(0, router.terminate(7_000), router.log());
        }
    }
}
