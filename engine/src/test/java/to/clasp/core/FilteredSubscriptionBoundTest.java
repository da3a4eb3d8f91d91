package to.clasp.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Router.Context#maxFilterAddresses()} reaches the core: a maxRate subscription over more addresses than its
 * bound keeps state for the bound, delivers at once what it cannot track, and still delivers every held-back value.
 */
class FilteredSubscriptionBoundTest extends RouterFixture
{
    private static List<String> sets(final List<Received> frames)
    {
        final List<String> out = new ArrayList<>();
        for (final Received r : frames)
        {
            assertEquals(MessageType.SET, r.type(), r.toString());
            out.add(r.decoder().set().address() + "=" + r.decoder().set().value().asDouble());
        }
        return out;
    }

    @Test
    void beyondTheBoundUpdatesGoOutAtOnceAndHeldBackOnesStillArrive()
    {
        start(ctx -> ctx.maxFilterAddresses(2));
        final TestClient c = client("c");
        final TestClient w = client("w");
        c.send(Frames.subscribe(1, "/r/**", 0xFF, 2L, null)); // 2/s: 500 ms apart
        c.expectNothingMore();
        for (final String a : new String[] {"/r/a", "/r/b", "/r/c"})
        {
            w.send(Frames.set(0, a, 1.0));
            w.send(Frames.set(0, a, 2.0));
        }
        w.expectNothingMore();
        // /r/a and /r/b each hold 2.0 back and fill the bound; /r/c has no state, so both its values go out.
        assertEquals(List.of("/r/a=1.0", "/r/b=1.0", "/r/c=1.0", "/r/c=2.0"), sets(c.receiveUntilBarrier()));

        clock.offsetNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        final List<Received> later = new ArrayList<>(c.receiveUntilBarrier());
        later.addAll(c.receiveUntilBarrier());
        assertEquals(List.of("/r/a=2.0", "/r/b=2.0"), sets(later).stream().sorted().toList());
    }
}
