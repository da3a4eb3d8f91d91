package to.clasp.security;

import java.util.Objects;

/**
 * The verdict on a token: accepted with a {@link Grant}, or refused with the CLASP error code the router sends
 * (router-behaviour.md §6, §9: 300 unauthorized, 302 token expired) and a reason for the log. A reason never
 * contains the token.
 */
public final class AuthResult
{
    /** ERROR code for a missing, unknown or invalid token. */
    public static final int UNAUTHORIZED = 300;
    /** ERROR code for a token past its expiry. */
    public static final int EXPIRED = 302;

    private static final AuthResult NO_TOKEN = new AuthResult(null, UNAUTHORIZED, "no token");
    private static final AuthResult UNKNOWN = new AuthResult(null, UNAUTHORIZED, "unknown token");

    private final Grant grant;
    private final int errorCode;
    private final String reason;

    private AuthResult(final Grant grant, final int errorCode, final String reason)
    {
        this.grant = grant;
        this.errorCode = errorCode;
        this.reason = reason;
    }

    public static AuthResult accepted(final Grant grant)
    {
        return new AuthResult(Objects.requireNonNull(grant, "grant"), 0, "accepted");
    }

    /**
     * The verdict for a grant found in a source's table: null when none was found (not this source's token),
     * {@link #expired()} when it has expired at {@code nowEpochMs}, else accepted.
     */
    public static AuthResult of(final Grant grant, final long nowEpochMs)
    {
        if (grant == null)
        {
            return null;
        }
        return grant.isExpired(nowEpochMs) ? expired() : accepted(grant);
    }

    /** A token the source recognises as its own but refuses (bad signature, untrusted issuer, malformed). */
    public static AuthResult invalid(final String reason)
    {
        return new AuthResult(null, UNAUTHORIZED, reason);
    }

    public static AuthResult expired()
    {
        return new AuthResult(null, EXPIRED, "token expired");
    }

    public static AuthResult unknown()
    {
        return UNKNOWN;
    }

    public static AuthResult noToken()
    {
        return NO_TOKEN;
    }

    public boolean isAccepted()
    {
        return grant != null;
    }

    /** The grant when accepted, else null. */
    public Grant grant()
    {
        return grant;
    }

    /** 0 when accepted, else {@link #UNAUTHORIZED} or {@link #EXPIRED}. */
    public int errorCode()
    {
        return errorCode;
    }

    /** Why (for logs): never contains the token. */
    public String reason()
    {
        return reason;
    }

    @Override
    public String toString()
    {
        return grant != null ? "accepted " + grant : "refused " + errorCode + " (" + reason + ")";
    }
}
