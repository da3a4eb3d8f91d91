package to.clasp.transport.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import to.clasp.client.Signal;
import to.clasp.client.SubscriptionListener;

/**
 * A subscription listener that records what arrives and lets a test wait for it.
 */
final class Recorder implements SubscriptionListener
{
    /** One delivery. */
    record Delivery(String address, Object value, long revision, Signal signal)
    {
    }

    private final List<Delivery> deliveries = new ArrayList<>();

    public synchronized void onSignal(final String address, final Object value, final long revision, final Signal signal)
    {
        deliveries.add(new Delivery(address, value, revision, signal));
        notifyAll();
    }

    synchronized List<Delivery> all()
    {
        return new ArrayList<>(deliveries);
    }

    synchronized int size()
    {
        return deliveries.size();
    }

    /** Wait until {@code count} deliveries arrived; return them (fails the test on timeout). */
    synchronized List<Delivery> await(final int count, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (deliveries.size() < count)
        {
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0)
            {
                throw new AssertionError("expected " + count + " deliveries within " + timeoutMs + " ms, got " +
                    deliveries.size() + ": " + deliveries);
            }
            wait(left);
        }
        return new ArrayList<>(deliveries);
    }

    /** Wait until a delivery matches. */
    synchronized Delivery awaitMatch(final Predicate<Delivery> match, final long timeoutMs)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            for (final Delivery d : deliveries)
            {
                if (match.test(d))
                {
                    return d;
                }
            }
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0)
            {
                throw new AssertionError("no matching delivery within " + timeoutMs + " ms: " + deliveries);
            }
            wait(left);
        }
    }
}
