package to.clasp.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.address.AddressView;
import to.clasp.address.SubscriptionIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-address state of a maxRate/epsilon filter is bounded: a filter remembers at most its bound of addresses,
 * forgets the least recently used one with nothing held back, never one that holds a value back, and when every
 * entry holds one, delivers an update to yet another address at once without keeping state. Driven directly with a
 * controllable time (the timer queue is polled by hand).
 */
class SubscriptionFiltersTest
{
    private static final int BOUND = 8;
    private static final long MS = 1_000_000L;

    private final TimerQueue timers = new TimerQueue();
    private final SubscriptionFilters filters = new SubscriptionFilters(timers, BOUND);
    private final List<String> delivered = new ArrayList<>();
    private final AddressView address = new AddressView();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);

    SubscriptionFiltersTest()
    {
        filters.delivery((entry, buffer, length, cls, paramId) ->
            delivered.add(entry.address.getStringWithoutLengthUtf8(0, entry.addressLength) + "=" +
                buffer.getDouble(0)));
    }

    /** One update of {@code value} to {@code path} at {@code ms}; true when the filter lets it through now. */
    private boolean offer(final SubscriptionFilters.Filter f, final String path, final double value, final long ms)
    {
        final byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        final DirectBuffer buffer = new UnsafeBuffer(bytes);
        address.wrap(buffer, 0, bytes.length);
        frame.putDouble(0, value);
        final Broadcast b = new Broadcast()
            .to(address, SubscriptionIndex.TYPE_PARAM, -1)
            .frame(frame, 0, 8, Outbox.CLASS_PARAM, -1)
            .value(true, value, ms * MS);
        return f.offer(b);
    }

    @Test
    void aFilterRemembersAtMostItsBoundOfAddresses()
    {
        assertTrue(filters.register(1, 0, 0, 0.5)); // epsilon only: nothing is ever held back
        final SubscriptionFilters.Filter f = filters.get(1);
        for (int i = 0; i < 1_000; i++)
        {
            assertTrue(offer(f, "/a/" + i, i, 0), "a first value always passes");
            assertTrue(f.entryCount() <= BOUND, "entries " + f.entryCount());
        }
        assertEquals(BOUND, f.entryCount());

        // The most recent addresses are remembered (epsilon applies); older ones were forgotten (a first value again).
        assertFalse(offer(f, "/a/999", 999.1, 0), "within epsilon of what was delivered");
        assertTrue(offer(f, "/a/0", 0.1, 0), "forgotten: delivered as a first value");
    }

    @Test
    void theLeastRecentlyUsedAddressIsForgottenFirst()
    {
        filters.register(1, 0, 0, 0.5);
        final SubscriptionFilters.Filter f = filters.get(1);
        for (int i = 0; i < BOUND; i++)
        {
            offer(f, "/a/" + i, i, 0);
        }
        assertFalse(offer(f, "/a/0", 0.1, 0)); // /a/0 is used again: now the most recent
        offer(f, "/a/new", 1, 0);               // one over the bound: /a/1 is the least recently used
        assertFalse(offer(f, "/a/0", 0.2, 0), "still remembered");
        assertTrue(offer(f, "/a/1", 1.1, 0), "forgotten");
        assertEquals(BOUND, f.entryCount());
    }

    @Test
    void entriesHoldingAValueBackAreNeverForgottenAndTheLatestValueArrives()
    {
        assertTrue(filters.register(1, 0, 10, Double.NaN)); // maxRate 10/s: 100 ms apart
        final SubscriptionFilters.Filter f = filters.get(1);
        for (int i = 0; i < BOUND; i++)
        {
            assertTrue(offer(f, "/r/" + i, 1, 0));
            assertFalse(offer(f, "/r/" + i, 2, 10), "inside the interval: held back");
        }
        assertEquals(BOUND, f.entryCount());

        // Every entry holds a value back: an update to another address is delivered at once and leaves no state.
        assertTrue(offer(f, "/r/extra", 1, 20));
        assertTrue(offer(f, "/r/extra", 2, 21), "no state kept, so no interval either");
        assertEquals(BOUND, f.entryCount());

        // The held-back values are all delivered when their interval ends: none was lost to the bound.
        timers.poll(100 * MS);
        assertEquals(BOUND, delivered.size());
        for (int i = 0; i < BOUND; i++)
        {
            assertTrue(delivered.contains("/r/" + i + "=2.0"), delivered.toString());
        }

        // Now idle, they can be forgotten for new addresses.
        for (int i = 0; i < BOUND; i++)
        {
            assertTrue(offer(f, "/s/" + i, 1, 200));
        }
        assertEquals(BOUND, f.entryCount());
        assertTrue(offer(f, "/r/0", 3, 201), "forgotten: passes at once although its interval had not ended");
    }

    @Test
    void removingTheSubscriptionDropsItsEntriesAndTimers()
    {
        filters.register(1, 0, 10, Double.NaN);
        final SubscriptionFilters.Filter f = filters.get(1);
        offer(f, "/r/x", 1, 0);
        offer(f, "/r/x", 2, 10);
        assertEquals(1, timers.size());
        assertTrue(filters.clear(1));
        assertEquals(0, timers.size());
        assertEquals(0, f.entryCount());
        timers.poll(1_000 * MS);
        assertEquals(List.of(), delivered);
    }
}
