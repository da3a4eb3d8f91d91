package to.clasp.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Token auth's counters (#13), written by the core, readable from any thread: refusals by ERROR code (300 unknown or
 * missing token, 301 forbidden by scope, 302 expired), HELLOs refused because the verification queue was full,
 * sessions closed because their token stopped being valid (revoked, removed from the file, expired), log lines left
 * out by the rate limit, and open sessions by token source ({@code static}, {@code cpsk}, {@code capability}, or
 * {@code open} without auth). Every refusal is counted, including those whose ERROR was not sent (QoS 0 writes get at
 * most one ERROR per second).
 */
public final class AuthMetrics
{
    /** The refusal codes counted, in {@link #failures(int)} order. */
    public static final int[] CODES = {300, 301, 302};
    /** The source name of sessions in open mode. */
    public static final String OPEN_SOURCE = "open";

    private static final int BUSY = CODES.length;
    private static final int CLOSED_INVALID = BUSY + 1;
    private static final int LOG_SUPPRESSED = CLOSED_INVALID + 1;
    private static final int SOURCES = LOG_SUPPRESSED + 1;

    private final List<String> sources;
    private final AtomicLongArray values;

    /** @param sources the token sources' names; {@link #OPEN_SOURCE} is added. */
    public AuthMetrics(final List<String> sources)
    {
        final java.util.ArrayList<String> names = new java.util.ArrayList<>(sources);
        if (!names.contains(OPEN_SOURCE))
        {
            names.add(OPEN_SOURCE);
        }
        this.sources = List.copyOf(names);
        this.values = new AtomicLongArray(SOURCES + this.sources.size());
    }

    /** @return refusals with {@code code} (one of {@link #CODES}), or 0 for another code. */
    public long failures(final int code)
    {
        final int i = codeIndex(code);
        return i < 0 ? 0 : values.get(i);
    }

    /** @return HELLOs refused (ERROR 503) because too many tokens were waiting for verification. */
    public long busyRefusals()
    {
        return values.get(BUSY);
    }

    /** @return open sessions closed because their token was revoked, removed or expired. */
    public long invalidatedSessions()
    {
        return values.get(CLOSED_INVALID);
    }

    /** @return auth failure log lines left out by the rate limit. */
    public long suppressedLogLines()
    {
        return values.get(LOG_SUPPRESSED);
    }

    /** @return the source names {@link #sessions(int)} is indexed by. */
    public List<String> sourceNames()
    {
        return sources;
    }

    /** @return open sessions whose token came from the source at {@code index} of {@link #sourceNames()}. */
    public long sessions(final int index)
    {
        return values.get(SOURCES + index);
    }

    /** @return the index of a source name in {@link #sourceNames()}, or -1. */
    public int sourceIndex(final String name)
    {
        return sources.indexOf(name);
    }

    void failure(final int code)
    {
        final int i = codeIndex(code);
        if (i >= 0)
        {
            values.incrementAndGet(i);
        }
    }

    void busy()
    {
        values.incrementAndGet(BUSY);
    }

    void invalidated()
    {
        values.incrementAndGet(CLOSED_INVALID);
    }

    void logSuppressed(final long lines)
    {
        values.addAndGet(LOG_SUPPRESSED, lines);
    }

    void sessionOpened(final int sourceIndex)
    {
        values.incrementAndGet(SOURCES + sourceIndex);
    }

    void sessionClosed(final int sourceIndex)
    {
        values.decrementAndGet(SOURCES + sourceIndex);
    }

    private static int codeIndex(final int code)
    {
        for (int i = 0; i < CODES.length; i++)
        {
            if (CODES[i] == code)
            {
                return i;
            }
        }
        return -1;
    }
}
