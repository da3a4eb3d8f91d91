package to.clasp.security;

/**
 * Where tokens come from: the static tokens file, tokens issued by the auth API (CPSK), capability tokens verified
 * against trust anchors. Implementations are thread-safe and never block (no I/O on {@link #authenticate}: the
 * database-backed source keeps its live tokens in memory), so an edge or core thread may call them.
 */
public interface TokenSource
{
    /**
     * Judge a token presented in HELLO.
     *
     * @param token        the token as sent (never logged, never copied into a reason).
     * @param nowEpochMs   the time to judge expiry by (wall clock, ms since the epoch).
     * @return the verdict, or null when the token is not one of this source's (another source may know it).
     */
    AuthResult authenticate(String token, long nowEpochMs);

    /**
     * Is a grant this source issued earlier still in force (not revoked, not removed from the file, not expired)?
     * Sessions are re-checked with it after a reload so that a session whose token disappeared is closed.
     */
    boolean isCurrent(Grant grant, long nowEpochMs);

    /**
     * @return whether judging this token may take long (signature checks), so that callers that must stay responsive
     *         judge it on another thread; table lookups are cheap (default false).
     */
    default boolean isExpensive(final String token)
    {
        return false;
    }

    /**
     * Run {@code listener} (on whatever thread made the change) whenever grants of this source may have stopped being
     * {@linkplain #isCurrent current} before their expiry: a reload, a revocation. Default: never (expiry only).
     */
    default void addChangeListener(final Runnable listener)
    {
    }

    /** Short name for logs and metrics: {@code static}, {@code cpsk}, {@code capability}. */
    String name();
}
