package to.clasp.security;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The token check a HELLO goes through: every configured {@link TokenSource} in turn (static file, issued CPSK
 * tokens, capability tokens); the first that recognises the token decides. With no source the router is in open
 * mode ({@link #enabled()} false) and every session gets {@link #OPEN}.
 * <p>
 * Thread-safe and non-blocking; the cost is one SHA-256 per table source (well under a microsecond for a usual
 * token) plus, for a {@code cap_} token, the Ed25519 verifications of its chain: with the JDK's Ed25519 about
 * 0.6 ms per signature on the 2-vCPU machine this was built on, so up to six for a five-link chain. Callers that
 * must not spend that ({@link #isExpensive}: the router core) hand such tokens to {@link #authenticateAsync}, which
 * verifies them on one thread of its own ({@code clasp-auth}) with a bounded queue. Tokens longer than
 * {@link #MAX_TOKEN_LENGTH} are refused without any work.
 */
public final class Authenticator implements AutoCloseable
{
    /** Tokens waiting for {@link #authenticateAsync} at most; more are refused (the caller answers "busy"). */
    public static final int ASYNC_QUEUE = 1024;

    /** Longest token looked at (characters); a five-link capability chain is about 2 KiB. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** What a session gets in open mode: everything. */
    public static final Grant OPEN = new Grant(ScopeSet.parse("admin:/**"), Grant.NEVER, null, "open");

    private final List<TokenSource> sources;
    private ThreadPoolExecutor worker;
    private boolean closed;

    public Authenticator(final List<TokenSource> sources)
    {
        this.sources = List.copyOf(sources);
    }

    /** No source: open mode. */
    public static Authenticator open()
    {
        return new Authenticator(List.of());
    }

    /** True when any token source is configured: every HELLO needs a valid token. */
    public boolean enabled()
    {
        return !sources.isEmpty();
    }

    public List<TokenSource> sources()
    {
        return sources;
    }

    /**
     * Judge a HELLO's token. In open mode every token (or none) is accepted with {@link #OPEN}.
     *
     * @param token      the token field of HELLO; null or empty when the client sent none.
     * @param nowEpochMs wall-clock time for expiry.
     */
    public AuthResult authenticate(final String token, final long nowEpochMs)
    {
        if (sources.isEmpty())
        {
            return AuthResult.accepted(OPEN);
        }
        if (token == null || token.isEmpty())
        {
            return AuthResult.noToken();
        }
        if (token.length() > MAX_TOKEN_LENGTH)
        {
            return AuthResult.invalid("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        for (final TokenSource source : sources)
        {
            final AuthResult result = source.authenticate(token, nowEpochMs);
            if (result != null)
            {
                return result;
            }
        }
        return AuthResult.unknown();
    }

    /**
     * @return whether judging {@code token} may take long (a capability token: Ed25519 signatures), so a thread that
     *         must stay responsive should use {@link #authenticateAsync}. False in open mode and for oversized
     *         tokens (refused without work).
     */
    public boolean isExpensive(final String token)
    {
        if (token == null || token.length() > MAX_TOKEN_LENGTH)
        {
            return false;
        }
        for (final TokenSource source : sources)
        {
            if (source.isExpensive(token))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #authenticate} on the authenticator's own thread ({@code clasp-auth}, started on first use), then
     * {@code done} with the verdict on that thread. Tokens are judged in the order they were handed over.
     *
     * @return false, without calling {@code done}, when {@link #ASYNC_QUEUE} tokens are already waiting or the
     *         authenticator is closed.
     */
    public boolean authenticateAsync(final String token, final long nowEpochMs, final Consumer<AuthResult> done)
    {
        final ThreadPoolExecutor executor = worker();
        if (executor == null)
        {
            return false;
        }
        try
        {
            executor.execute(() -> done.accept(authenticate(token, nowEpochMs)));
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    private synchronized ThreadPoolExecutor worker()
    {
        if (worker == null && !closed)
        {
            worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(ASYNC_QUEUE),
                runnable ->
                {
                    final Thread t = new Thread(runnable, "clasp-auth");
                    t.setDaemon(true);
                    return t;
                });
        }
        return worker;
    }

    /** Stop the verification thread (tokens still waiting are dropped: their sessions are closing anyway). */
    public synchronized void close()
    {
        closed = true;
        if (worker != null)
        {
            worker.shutdownNow();
        }
    }

    /**
     * Run {@code listener} whenever a source's grants may have stopped being current before their expiry (tokens
     * file reloaded, token revoked), on the thread that made the change: the router then re-checks its sessions
     * with {@link #isCurrent}.
     */
    public void addChangeListener(final Runnable listener)
    {
        for (final TokenSource source : sources)
        {
            source.addChangeListener(listener);
        }
    }

    /**
     * Is a session's grant still in force (its source still has it, it has not expired)? Open-mode grants always are.
     */
    public boolean isCurrent(final Grant grant, final long nowEpochMs)
    {
        if (grant == OPEN)
        {
            return true;
        }
        for (final TokenSource source : sources)
        {
            if (source.name().equals(grant.source()))
            {
                return source.isCurrent(grant, nowEpochMs);
            }
        }
        return false;
    }
}
