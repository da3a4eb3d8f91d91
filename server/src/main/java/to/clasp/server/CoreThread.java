package to.clasp.server;

import java.util.Locale;

import to.clasp.core.CoreThreading;

/**
 * Where {@code clasp server --core-thread} runs the router core: on the WebSocket edge's first event loop, on the
 * Aeron edge's agent, or on a thread of its own.
 */
public enum CoreThread
{
    /** The first WebSocket event loop hosts the core (the default). */
    SHARED(CoreThreading.SHARED),
    /** The Aeron edge's agent hosts the core: for LAN deployments whose traffic is mostly Aeron. */
    AERON(CoreThreading.SHARED),
    /** A {@code clasp-core} thread of its own. */
    DEDICATED(CoreThreading.DEDICATED);

    private final CoreThreading threading;

    CoreThread(final CoreThreading threading)
    {
        this.threading = threading;
    }

    /** @return the router's threading for this choice. */
    public CoreThreading threading()
    {
        return threading;
    }

    /**
     * @param name {@code shared}, {@code aeron} or {@code dedicated} (any case).
     * @return the choice.
     */
    public static CoreThread parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
