package to.clasp.core;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspector's data: the core samples sessions, rates by type and the busiest addresses once a second while they
 * are read, and publishes them for other threads.
 */
@Timeout(30)
final class RouterStatsTest extends RouterFixture
{
    @AfterEach
    void stop()
    {
        stopRouter();
    }

    @Test
    void snapshotsNameSessionsRatesAndTheBusiestAddresses()
    {
        start();
        final TestClient writer = client("stats-writer");
        final TestClient reader = client("stats-reader");
        reader.send(Frames.subscribe(1, "/s/**"));
        reader.send(Frames.subscribe(2, "/t/**"));
        writer.send(Frames.set(0, "/s/hot", 0.0));
        writer.send(Frames.set(0, "/s/cold", 0.0));
        reader.expect(to.clasp.protocol.MessageType.SET);
        reader.expect(to.clasp.protocol.MessageType.SET);

        // A first sample sets the revisions' baseline; writes after it show up as rates in a later one.
        final RouterStats.Snapshot baseline = await(s -> s.params() == 2);
        for (int i = 1; i <= 40; i++)
        {
            writer.send(Frames.set(0, "/s/hot", (double)i));
        }
        writer.send(Frames.set(0, "/s/cold", 1.0));
        for (int i = 0; i < 41; i++)
        {
            reader.expect(to.clasp.protocol.MessageType.SET);
        }
        final RouterStats.Snapshot later = await(s -> s.takenAtMillis() > baseline.takenAtMillis() &&
            !s.topAddresses().isEmpty() && s.rates().get("SET") > 0);

        final List<RouterStats.AddressRate> top = later.topAddresses();
        assertEquals("/s/hot", top.get(0).address(), top.toString());
        assertEquals(41, top.get(0).revision());
        assertEquals("/s/cold", top.get(1).address(), top.toString());
        assertTrue(top.get(0).writesPerSecond() > top.get(1).writesPerSecond(), top.toString());

        final RouterStats.SessionInfo w = session(later, "stats-writer");
        final RouterStats.SessionInfo r = session(later, "stats-reader");
        assertEquals(writer.sessionId(), w.id());
        assertEquals("inproc", w.transport());
        assertEquals(0, w.subscriptions());
        assertEquals(2, r.subscriptions());
        assertEquals(44, w.messagesIn(), "HELLO + 43 SETs");
        assertTrue(later.intervalMillis() > 0);
        assertEquals(2, later.subscriptions());
        assertEquals(RouterStats.HISTORY, later.history().get("SET").length);
        assertTrue(later.history().get("SET")[RouterStats.HISTORY - 1] > 0, "the newest rate is last");
    }

    @Test
    void theCoreSamplesOnlyWhileSomeoneReads()
    {
        final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
        final RouterStats stats = new RouterStats(new RouterClock()
        {
            public long epochMicros()
            {
                return now.get() / 1_000;
            }

            public long nanoTime()
            {
                return now.get();
            }
        });
        assertEquals(false, stats.isWanted(now.get()), "nobody read yet");
        assertEquals(null, stats.latest());
        assertTrue(stats.isWanted(now.get() + RouterStats.WANTED_FOR_NS - 1));
        assertEquals(false, stats.isWanted(now.get() + RouterStats.WANTED_FOR_NS));
    }

    private static RouterStats.SessionInfo session(final RouterStats.Snapshot snapshot, final String name)
    {
        return snapshot.sessions().stream().filter(s -> name.equals(s.name())).findFirst()
            .orElseThrow(() -> new AssertionError("no session " + name + " in " + snapshot.sessions()));
    }

    private RouterStats.Snapshot await(final Predicate<RouterStats.Snapshot> condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            final RouterStats.Snapshot s = router.stats().latest();
            if (s != null && condition.test(s))
            {
                return s;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        throw new AssertionError("no matching snapshot; last: " + router.stats().latest());
    }
}
