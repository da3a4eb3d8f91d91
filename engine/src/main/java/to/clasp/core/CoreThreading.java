package to.clasp.core;

/**
 * Which thread runs the core's duty cycle. Named after Aeron's threading modes: the choice trades a thread (and a
 * hand-off per message) against sharing one thread's time.
 */
public enum CoreThreading
{
    /**
     * The core has a thread of its own ({@code clasp-core}), fed by the edges through the ring and idling per the
     * {@link WaitStrategy}. Each message crosses threads twice: edge → core → edge. Best when cores are plentiful
     * and many I/O threads feed one core.
     */
    DEDICATED,
    /**
     * An edge's I/O thread runs the core between its socket polls ({@link SharedCore}): a message read on that
     * thread is routed and its fan-out written in the same loop iteration, with no thread wake-up in between. The
     * ring stays the only hand-off from every other thread (other I/O loops, the Aeron edge), which wake the host
     * instead of the core. Best on small machines, where every wake-up of a sleeping thread costs tens of
     * microseconds.
     */
    SHARED;

    /**
     * @param name {@code dedicated} or {@code shared} (any case).
     * @return the mode.
     */
    public static CoreThreading parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
