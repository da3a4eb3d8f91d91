package to.clasp.core;

/**
 * What the core thread does when it has no work.
 */
public enum WaitStrategy
{
    /**
     * Park until an edge publishes an inbound event (it unparks the core) or the next timer is due. Uses no CPU when
     * idle; wake-up costs a few microseconds. The default: polite on a small shared machine.
     */
    BLOCK,
    /** Sleep 1 ms between empty polls. Cheapest in CPU, adds up to 1 ms of latency. */
    SLEEP,
    /** {@link Thread#yield()} between empty polls. */
    YIELD,
    /** Busy spin. Lowest latency; burns a core. For latency runs on machines with cores to spare. */
    SPIN;

    /**
     * @return whether a host thread's own poll can wait this way ({@link CoreThreading#SHARED}): it blocks or
     * spins; it cannot sleep in naps or yield between polls, which need the core's own thread.
     */
    public boolean canShareThread()
    {
        return this == BLOCK || this == SPIN;
    }

    /**
     * @param name {@code block}, {@code sleep}, {@code yield} or {@code spin} (any case).
     * @return the strategy.
     */
    public static WaitStrategy parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
