package to.clasp.core;

/**
 * Per-session token bucket for inbound messages: {@code rate} tokens per second, burst of one second's worth.
 * Tokens are kept scaled by 10^9 so refills stay integral at nanosecond resolution. State lives in the
 * {@link Session}; this class holds the rule.
 */
final class RateLimiter
{
    private static final long SCALE = 1_000_000_000L;

    private final long rate;
    private final long capacity;

    /**
     * @param rate messages per second per session; 0 = unlimited.
     */
    RateLimiter(final int rate)
    {
        this.rate = rate;
        this.capacity = rate * SCALE;
    }

    boolean enabled()
    {
        return rate > 0;
    }

    void init(final Session s, final long nowNs)
    {
        s.rateTokens = capacity;
        s.rateRefillNs = nowNs;
        s.rateErrorSent = false;
    }

    /**
     * @return {@code true} if the session may send one more message now.
     */
    boolean tryAcquire(final Session s, final long nowNs)
    {
        if (0 == rate)
        {
            return true;
        }
        final long elapsed = Math.min(Math.max(0, nowNs - s.rateRefillNs), SCALE);
        s.rateRefillNs = nowNs;
        s.rateTokens = Math.min(capacity, s.rateTokens + elapsed * rate);
        if (s.rateTokens >= SCALE)
        {
            s.rateTokens -= SCALE;
            return true;
        }
        return false;
    }

    /**
     * At most one ERROR 429 per second per session: the reference sends one per dropped frame, flooding exactly the
     * client that is already too fast.
     *
     * @return {@code true} if an ERROR should be sent for this drop.
     */
    boolean shouldReport(final Session s, final long nowNs)
    {
        if (!s.rateErrorSent || nowNs - s.lastRateErrorNs >= SCALE)
        {
            s.rateErrorSent = true;
            s.lastRateErrorNs = nowNs;
            return true;
        }
        return false;
    }
}
