package to.clasp.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §4: subscriptions, matching, options, limits. */
class SubscriptionBehaviourTest extends RouterFixture
{
    @Test
    void invalidPatternGetsError202WithThePatternAsAddressAndRegistersNothing()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "a/b"));
        final ErrorDecoder e = c.expect(MessageType.ERROR).decoder().error();
        assertEquals(202, e.code());
        assertEquals("invalid pattern", e.message());
        assertEquals("a/b", e.address());
        c.send(Frames.subscribe(2, "/a//b"));
        assertEquals(202, c.expect(MessageType.ERROR).decoder().error().code());
        await(() -> router.metrics().subscriptions() == 0, "nothing registered");
    }

    @Test
    void subscribeSendsASnapshotOfMatchingParamsWhateverTheTypeMaskAndNoAck()
    {
        start();
        final TestClient w = client("w");
        w.send(Frames.set(0, "/s/a", 1.0));
        w.send(Frames.set(0, "/s/b/c", 2.0));
        w.send(Frames.set(0, "/t", 3.0));
        w.expectNothingMore();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/s/**", 0x02, null, null)); // events only: still gets the param snapshot
        final SnapshotDecoder d = c.expect(MessageType.SNAPSHOT).decoder().snapshot();
        assertEquals(2, d.count());
        c.expectNothingMore(); // no ACK
        c.send(Frames.subscribe(2, "/nothing/**"));
        c.expectNothingMore(); // no reply when nothing matches
    }

    @Test
    void reusingASubscriptionIdReplacesTheSubscription()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/a/**"));
        c.send(Frames.subscribe(1, "/b/**"));
        c.expectNothingMore();
        w.send(Frames.set(0, "/a/x", 1.0));
        w.send(Frames.set(0, "/b/x", 1.0));
        w.expectNothingMore();
        final Received r = c.expect(MessageType.SET);
        assertEquals("/b/x", r.decoder().set().address());
        c.expectNothingMore();
        await(() -> router.metrics().subscriptions() == 1, "one subscription");
    }

    @Test
    void unsubscribeStopsDeliveryAndUnknownIdsAreIgnoredSilently()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(7, "/u"));
        c.send(Frames.unsubscribe(7));
        c.send(Frames.unsubscribe(99));
        c.expectNothingMore();
        w.send(Frames.set(0, "/u", 1.0));
        w.expectNothingMore();
        c.expectNothingMore();
    }

    @Test
    void typeMaskFiltersLiveDelivery()
    {
        start();
        final TestClient params = client("params");
        final TestClient events = client("events");
        final TestClient w = client("w");
        params.send(Frames.subscribe(1, "/m/**", 0x01, null, null));
        events.send(Frames.subscribe(1, "/m/**", 0x02, null, null));
        params.expectNothingMore();
        events.expectNothingMore();
        w.send(Frames.set(0, "/m/p", 1.0));
        w.send(Frames.publish(0, SignalType.EVENT, "/m/e", "go"));
        w.expectNothingMore();
        assertEquals(MessageType.SET, params.receive().type());
        params.expectNothingMore();
        assertEquals(MessageType.PUBLISH, events.receive().type());
        events.expectNothingMore();
    }

    @Test
    void subscriptionLimitGetsError429WithThePattern()
    {
        start(ctx -> ctx.maxSubscriptionsPerSession(2));
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/1"));
        c.send(Frames.subscribe(2, "/2"));
        c.send(Frames.subscribe(2, "/2b")); // replacement does not count
        c.send(Frames.subscribe(3, "/3"));
        final ErrorDecoder e = c.expect(MessageType.ERROR).decoder().error();
        assertEquals(429, e.code());
        assertEquals("subscription limit reached", e.message());
        assertEquals("/3", e.address());
        c.expectNothingMore();
    }

    @Test
    void maxRateConflatesPerAddressLatestWinsAndTheFinalValueIsDelivered()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/rate/**", 0xFF, 5L, null)); // 5/s: 200 ms apart
        c.expectNothingMore();
        final long t0 = System.nanoTime();
        for (int i = 1; i <= 50; i++)
        {
            w.send(Frames.set(0, "/rate/x", (double)i));
        }
        w.expectNothingMore();
        final Received first = c.expect(MessageType.SET);
        assertEquals(1.0, first.decoder().set().value().asDouble(), "the first update goes at once");
        int delivered = 1;
        double last = 1.0;
        while (last < 50.0)
        {
            final double v = c.expect(MessageType.SET).decoder().set().value().asDouble();
            assertTrue(v > last, "latest wins, never older: " + v + " after " + last);
            last = v;
            delivered++;
        }
        final long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(delivered <= 2 + elapsedMs / 200, delivered + " updates in " + elapsedMs + " ms at 5/s");
        assertTrue(elapsedMs >= 150, "the final value waited for the interval");
        c.expectNothingMore();
    }

    @Test
    void epsilonSkipsNumericUpdatesInsideTheDeadBand()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/eps", 0xFF, null, 0.5));
        c.expectNothingMore();
        final double[] values = {1.0, 1.2, 1.4, 1.6, 1.7, 0.9, "x".length()};
        for (final double v : values)
        {
            w.send(Frames.set(0, "/eps", v));
        }
        w.send(Frames.set(0, "/eps", "text"));
        w.expectNothingMore();
        final List<Received> got = c.receiveUntilBarrier();
        // delivered: 1.0, 1.6 (|0.6|), 0.9 (|0.7|), then 1 (|0.1| skipped), "text" (non-numeric always passes)
        assertEquals(4, got.size(), got.toString());
        assertEquals(1.0, got.get(0).decoder().set().value().asDouble());
        assertEquals(1.6, got.get(1).decoder().set().value().asDouble());
        assertEquals(0.9, got.get(2).decoder().set().value().asDouble());
        assertEquals("text", got.get(3).decoder().set().value().toObject());
    }

    @Test
    void deliveryIsFifoPerPublisherPerRecipient()
    {
        start();
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/**"));
        c.expectNothingMore();
        for (int i = 0; i < 200; i++)
        {
            w.send(i % 2 == 0 ? Frames.set(0, "/f/" + (i % 7), (long)i) :
                Frames.publish(0, SignalType.EVENT, "/f/e", (long)i));
        }
        w.expectNothingMore();
        final List<Received> got = c.receiveUntilBarrier();
        assertEquals(200, got.size());
        for (int i = 0; i < 200; i++)
        {
            final Received r = got.get(i);
            final long v = r.type() == MessageType.SET ? r.decoder().set().value().asLong() :
                r.decoder().publish().value().asLong();
            assertEquals(i, v, "position " + i);
        }
        assertTrue(c.connection().readySignals() > 0);
    }
}
