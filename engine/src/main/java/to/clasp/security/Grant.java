package to.clasp.security;

import java.util.Objects;

/**
 * What an accepted token grants a session: its compiled scopes, when it expires, who it names (if anyone) and the
 * source that issued it. Carries no token text. Immutable; one instance per token, shared by its sessions.
 */
public final class Grant
{
    /** {@link #expiresAtEpochMs()} of a token that never expires. */
    public static final long NEVER = Long.MAX_VALUE;

    private final ScopeSet scopes;
    private final long expiresAtEpochMs;
    private final String subject;
    private final String source;

    public Grant(final ScopeSet scopes, final long expiresAtEpochMs, final String subject, final String source)
    {
        this.scopes = Objects.requireNonNull(scopes, "scopes");
        this.expiresAtEpochMs = expiresAtEpochMs;
        this.subject = subject;
        this.source = Objects.requireNonNull(source, "source");
    }

    public ScopeSet scopes()
    {
        return scopes;
    }

    /** Expiry in ms since the epoch; {@link #NEVER} for none. */
    public long expiresAtEpochMs()
    {
        return expiresAtEpochMs;
    }

    public boolean isExpired(final long nowEpochMs)
    {
        return nowEpochMs >= expiresAtEpochMs;
    }

    /** The user or device the token names (a CPSK user id, a token file line's label), or null. */
    public String subject()
    {
        return subject;
    }

    /** The {@link TokenSource#name()} of the source that issued it. */
    public String source()
    {
        return source;
    }

    @Override
    public String toString()
    {
        return "Grant{source=" + source + (subject == null ? "" : ", subject=" + subject) + ", scopes=" + scopes +
            (expiresAtEpochMs == NEVER ? "" : ", expires=" + java.time.Instant.ofEpochMilli(expiresAtEpochMs)) + '}';
    }
}
