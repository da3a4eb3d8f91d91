package to.clasp.core;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Several subscriptions of one session match an address and carry maxRate/epsilon options: the session gets an
 * update if ANY of them would deliver it, once; and once the session has a value, every one of those filters
 * counts it as delivered (docs/differences.md).
 */
class OverlappingFilteredSubscriptionsTest extends RouterFixture
{
    /**
     * Move the core's monotonic clock on by {@code millis} and return what {@code c} receives meanwhile: the first
     * PING gets the core through a duty cycle at the new time (its timers fire after handling the PING, so what they
     * send may follow the first PONG), the second collects it.
     */
    private List<Received> after(final long millis, final TestClient c)
    {
        clock.offsetNanos.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis));
        final List<Received> frames = new ArrayList<>(c.receiveUntilBarrier());
        frames.addAll(c.receiveUntilBarrier());
        return frames;
    }

    private static List<Double> setValues(final List<Received> frames)
    {
        final List<Double> values = new ArrayList<>();
        for (final Received r : frames)
        {
            assertEquals(MessageType.SET, r.type(), r.toString());
            values.add(r.decoder().set().value().asDouble());
        }
        return values;
    }

    /**
     * A loose (epsilon 100) and a tight (epsilon 0.5) subscription on the same address. Whichever the router looks
     * at first — tried on the literal and on the wildcard pattern, registered first and second — 2.0 is delivered
     * because the tight one lets it through, and 2.2 is not, because after 2.0 was delivered neither filter sees a
     * change of 0.5 or more. With "the first filtered subscription decides", a session whose loose filter comes
     * first gets only 1.0.
     */
    @Test
    void anyMatchingFilteredSubscriptionThatPassesDeliversTheUpdateOnce()
    {
        start();
        final TestClient w = client("w");
        final String[][] orders = {
            // {first pattern, its epsilon, second pattern, its epsilon}
            {"/eps/**", "100", "/eps/x", "0.5"},
            {"/eps/x", "0.5", "/eps/**", "100"},
            {"/eps/**", "0.5", "/eps/x", "100"},
            {"/eps/x", "100", "/eps/**", "0.5"},
        };
        final List<TestClient> clients = new ArrayList<>();
        for (final String[] order : orders)
        {
            final TestClient c = client("c" + clients.size());
            c.send(Frames.subscribe(1, order[0], 0xFF, null, Double.parseDouble(order[1])));
            c.send(Frames.subscribe(2, order[2], 0xFF, null, Double.parseDouble(order[3])));
            c.expectNothingMore();
            clients.add(c);
        }
        w.send(Frames.set(0, "/eps/x", 1.0));
        w.send(Frames.set(0, "/eps/x", 2.0));
        w.send(Frames.set(0, "/eps/x", 2.2));
        w.expectNothingMore();
        for (int i = 0; i < clients.size(); i++)
        {
            assertEquals(List.of(1.0, 2.0), setValues(clients.get(i).receiveUntilBarrier()),
                "subscriptions " + String.join(" ", orders[i]));
        }
    }

    /**
     * A maxRate subscription holds back an update; then the session adds an unfiltered subscription on the address
     * and a newer value goes out at once through it. The held-back (older) value must not follow later: the session
     * already has a newer one.
     */
    @Test
    void aValueDeliveredThroughOneSubscriptionCancelsAnOlderOneHeldBackByAnother()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/r/**", 0xFF, 2L, null)); // 2/s: 500 ms apart
        c.expectNothingMore();
        w.send(Frames.set(0, "/r/x", 1.0));
        w.send(Frames.set(0, "/r/x", 2.0)); // inside the interval: held back
        w.expectNothingMore();
        assertEquals(List.of(1.0), setValues(c.receiveUntilBarrier()));

        c.send(Frames.subscribe(2, "/r/x"));
        assertEquals(MessageType.SNAPSHOT, c.receive().type()); // the current value, 2.0
        w.send(Frames.set(0, "/r/x", 3.0));
        w.expectNothingMore();
        assertEquals(List.of(3.0), setValues(c.receiveUntilBarrier()));

        // Past the maxRate interval: a still-pending 2.0 would have been sent by now.
        assertEquals(List.of(), setValues(after(800, c)), "no older value after 3.0");
    }

    /**
     * Two maxRate subscriptions hold back the same update; when the first one's timer sends it, the second one must
     * not send it again.
     */
    @Test
    void aHeldBackValueIsSentOnceWhenSeveralSubscriptionsHeldItBack()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/d/**", 0xFF, 5L, null)); // 200 ms
        c.send(Frames.subscribe(2, "/d/x", 0xFF, 3L, null));  // 333 ms
        c.expectNothingMore();
        w.send(Frames.set(0, "/d/x", 1.0));
        w.send(Frames.set(0, "/d/x", 2.0)); // held back by both
        w.expectNothingMore();
        assertEquals(List.of(1.0, 2.0), setValues(after(800, c)), "both intervals are over");
    }
}
