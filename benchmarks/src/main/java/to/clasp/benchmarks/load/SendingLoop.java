package to.clasp.benchmarks.load;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The thread of a client library that owns its connections (a Netty event loop, the Aeron client's agent), lent to
 * the generator so that sends are written on it, with no hand-off from a generator thread.
 */
public interface SendingLoop
{
    /** Run {@code task} on the loop's thread soon. */
    void execute(Runnable task);

    /** Run {@code task} on the loop's thread after {@code delayNs}. */
    void schedule(Runnable task, long delayNs);

    /**
     * @return whether a task may block the loop (a max-rate sender waiting for deliveries): only when the loop does
     * not also have to receive those deliveries.
     */
    boolean mayBlock();

    /** A {@link ScheduledExecutorService} (a Netty event loop) as a sending loop. */
    static SendingLoop of(final ScheduledExecutorService executor, final boolean mayBlock)
    {
        return new SendingLoop()
        {
            public void execute(final Runnable task)
            {
                executor.execute(task);
            }

            public void schedule(final Runnable task, final long delayNs)
            {
                executor.schedule(task, delayNs, TimeUnit.NANOSECONDS);
            }

            public boolean mayBlock()
            {
                return mayBlock;
            }
        };
    }
}
