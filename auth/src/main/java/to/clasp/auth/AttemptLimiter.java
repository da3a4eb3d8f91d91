package to.clasp.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Attempts per key (an IP address, a username) in a fixed window, as the reference's auth rate limiter: a key is
 * blocked once it has {@code max} attempts in a window that started at its first attempt; the window restarts
 * after {@code windowMs}. Bounded: at most {@code maxKeys} keys are remembered (the oldest windows are forgotten
 * first), so a flood of distinct keys costs bounded memory. Thread-safe.
 */
final class AttemptLimiter
{
    private final int max;
    private final long windowMs;
    private final int maxKeys;
    private final LongSupplier clockMs;
    private final LinkedHashMap<String, long[]> attempts = new LinkedHashMap<>();

    AttemptLimiter(final int max, final long windowMs, final int maxKeys, final LongSupplier clockMs)
    {
        this.max = max;
        this.windowMs = windowMs;
        this.maxKeys = maxKeys;
        this.clockMs = clockMs;
    }

    /** Has {@code key} used up its attempts in the current window? */
    synchronized boolean blocked(final String key)
    {
        final long now = clockMs.getAsLong();
        final long[] entry = attempts.get(key);
        if (entry == null)
        {
            return false;
        }
        if (now - entry[1] > windowMs)
        {
            attempts.remove(key);
            return false;
        }
        return entry[0] >= max;
    }

    /** Count one attempt. */
    synchronized void record(final String key)
    {
        final long now = clockMs.getAsLong();
        final long[] entry = attempts.get(key);
        if (entry == null || now - entry[1] > windowMs)
        {
            attempts.remove(key);
            attempts.put(key, new long[] {1, now});
            prune(now);
        }
        else
        {
            entry[0]++;
        }
    }

    /** Forget {@code key} (after a successful login). */
    synchronized void clear(final String key)
    {
        attempts.remove(key);
    }

    /** Drop expired windows from the oldest end, and the oldest ones beyond {@code maxKeys}. */
    private void prune(final long now)
    {
        final Iterator<Map.Entry<String, long[]>> it = attempts.entrySet().iterator();
        while (it.hasNext())
        {
            final Map.Entry<String, long[]> e = it.next();
            if (attempts.size() > maxKeys || now - e.getValue()[1] > windowMs)
            {
                it.remove();
            }
            else
            {
                break; // insertion order = window start order: the rest are newer
            }
        }
    }

    synchronized int size()
    {
        return attempts.size();
    }
}
