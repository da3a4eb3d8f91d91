package to.clasp.client;

import java.util.Objects;

/**
 * Client settings with defaults; fluent setters. Reconnection uses exponential backoff: the first retry after
 * {@link #reconnectInitialDelayMs()}, each next one {@link #reconnectMultiplier()} times longer, capped at
 * {@link #reconnectMaxDelayMs()}; after a reconnect every live subscription is sent again with its id and options.
 */
public final class ClientOptions
{
    private String name = "CLASP Java Client";
    private String token = "";
    private long connectTimeoutMs = 10_000;
    private long getTimeoutMs = 5_000;
    private boolean reconnect = true;
    private long reconnectInitialDelayMs = 250;
    private long reconnectMaxDelayMs = 10_000;
    private double reconnectMultiplier = 2.0;
    private int maxReconnectAttempts = 0;
    private java.util.function.Consumer<ClaspException> errorListener;

    public String name()
    {
        return name;
    }

    /** Client name sent in HELLO (default "CLASP Java Client"). */
    public ClientOptions name(final String name)
    {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    public String token()
    {
        return token;
    }

    /** Token sent in HELLO; empty (default) = none. */
    public ClientOptions token(final String token)
    {
        this.token = token == null ? "" : token;
        return this;
    }

    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /** Time allowed from opening the transport to WELCOME (default 10 s). */
    public ClientOptions connectTimeoutMs(final long ms)
    {
        this.connectTimeoutMs = positive(ms, "connectTimeoutMs");
        return this;
    }

    public long getTimeoutMs()
    {
        return getTimeoutMs;
    }

    /** Time a {@code get} waits for the router's SNAPSHOT (default 5 s, as the JS and Python clients). */
    public ClientOptions getTimeoutMs(final long ms)
    {
        this.getTimeoutMs = positive(ms, "getTimeoutMs");
        return this;
    }

    public boolean reconnect()
    {
        return reconnect;
    }

    /** Reconnect (and re-subscribe) after an unexpected disconnect (default on). */
    public ClientOptions reconnect(final boolean reconnect)
    {
        this.reconnect = reconnect;
        return this;
    }

    public long reconnectInitialDelayMs()
    {
        return reconnectInitialDelayMs;
    }

    /** First reconnect delay (default 250 ms). */
    public ClientOptions reconnectInitialDelayMs(final long ms)
    {
        this.reconnectInitialDelayMs = positive(ms, "reconnectInitialDelayMs");
        return this;
    }

    public long reconnectMaxDelayMs()
    {
        return reconnectMaxDelayMs;
    }

    /** Longest reconnect delay (default 10 s). */
    public ClientOptions reconnectMaxDelayMs(final long ms)
    {
        this.reconnectMaxDelayMs = positive(ms, "reconnectMaxDelayMs");
        return this;
    }

    public double reconnectMultiplier()
    {
        return reconnectMultiplier;
    }

    /** Backoff factor between attempts (default 2). */
    public ClientOptions reconnectMultiplier(final double multiplier)
    {
        if (!(multiplier >= 1.0))
        {
            throw new IllegalArgumentException("reconnectMultiplier must be >= 1: " + multiplier);
        }
        this.reconnectMultiplier = multiplier;
        return this;
    }

    public int maxReconnectAttempts()
    {
        return maxReconnectAttempts;
    }

    /** Give up after this many failed attempts in a row; 0 (default) = never give up. */
    public ClientOptions maxReconnectAttempts(final int attempts)
    {
        if (attempts < 0)
        {
            throw new IllegalArgumentException("maxReconnectAttempts must be >= 0: " + attempts);
        }
        this.maxReconnectAttempts = attempts;
        return this;
    }

    public java.util.function.Consumer<ClaspException> errorListener()
    {
        return errorListener;
    }

    /**
     * Called with every ERROR the router sends, in order, on the transport's I/O thread (do not block in it); null
     * (default) = none. {@link ClientSession#lastError()} keeps only the latest.
     */
    public ClientOptions errorListener(final java.util.function.Consumer<ClaspException> listener)
    {
        this.errorListener = listener;
        return this;
    }

    /** @return the delay before reconnect attempt {@code attempt} (0-based). */
    long reconnectDelayMs(final int attempt)
    {
        final double delay = reconnectInitialDelayMs * Math.pow(reconnectMultiplier, Math.min(attempt, 62));
        return (long)Math.min(delay, reconnectMaxDelayMs);
    }

    private static long positive(final long ms, final String what)
    {
        if (ms <= 0)
        {
            throw new IllegalArgumentException(what + " must be > 0: " + ms);
        }
        return ms;
    }
}
