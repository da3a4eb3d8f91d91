package to.clasp.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition another thread makes true; the bound (10 s) only limits a failing test. */
public final class Await
{
    private static final long BOUND_NS = TimeUnit.SECONDS.toNanos(10);

    private Await()
    {
    }

    /** Poll {@code condition} every 2 ms; fail with {@code what} after 10 s. */
    public static void until(final BooleanSupplier condition, final Supplier<String> what)
    {
        final long deadline = System.nanoTime() + BOUND_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            try
            {
                Thread.sleep(2);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }
}
