package to.clasp.security;

import java.util.List;

/**
 * The token check a HELLO goes through: every configured {@link TokenSource} in turn (static file, issued CPSK
 * tokens, capability tokens); the first that recognises the token decides. With no source the router is in open
 * mode ({@link #enabled()} false) and every session gets {@link #OPEN}.
 * <p>
 * Thread-safe and non-blocking; the cost is one SHA-256 per table source plus, for a {@code cap_} token, the
 * Ed25519 verifications of its chain. Tokens longer than {@link #MAX_TOKEN_LENGTH} are refused without any work.
 */
public final class Authenticator
{
    /** Longest token looked at (characters); a five-link capability chain is about 2 KiB. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** What a session gets in open mode: everything. */
    public static final Grant OPEN = new Grant(ScopeSet.parse("admin:/**"), Grant.NEVER, null, "open");

    private final List<TokenSource> sources;

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
