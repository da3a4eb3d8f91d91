package to.clasp.security;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * Tokens the router issued itself: CPSK tokens from the auth API ({@code /auth/register}, {@code /auth/login},
 * {@code /auth/guest}) and the {@code --admin-token}. The auth database is the durable copy; this in-memory table
 * (by token digest) is what HELLO checks read, so authentication never waits for the database. Thread-safe.
 */
public final class IssuedTokens implements TokenSource
{
    /** {@link #name()} and {@link Grant#source()} of this source. */
    public static final String SOURCE = "cpsk";

    private final ConcurrentHashMap<Secrets.TokenDigest, Grant> tokens = new ConcurrentHashMap<>();
    private final Set<Grant> live = ConcurrentHashMap.newKeySet();
    private final List<Runnable> revokeListeners = new CopyOnWriteArrayList<>();

    /** Make a token valid (replacing what it granted before). */
    public void put(final Secrets.TokenDigest token, final Grant grant)
    {
        live.add(grant);
        final Grant previous = tokens.put(token, grant);
        if (previous != null && previous != grant)
        {
            live.remove(previous);
            fireRevoked();
        }
    }

    /** The grant of a token (by digest), or null. */
    public Grant grant(final Secrets.TokenDigest token)
    {
        return tokens.get(token);
    }

    /** Revoke a token; its sessions are no longer {@linkplain #isCurrent current}. */
    public boolean remove(final Secrets.TokenDigest token)
    {
        final Grant removed = tokens.remove(token);
        if (removed != null)
        {
            live.remove(removed);
            fireRevoked();
        }
        return removed != null;
    }

    /** Drop tokens expired at {@code nowEpochMs}; returns how many. */
    public int removeExpired(final long nowEpochMs)
    {
        final int before = tokens.size();
        tokens.values().removeIf(grant ->
        {
            final boolean expired = grant.isExpired(nowEpochMs);
            if (expired)
            {
                live.remove(grant);
            }
            return expired;
        });
        return before - tokens.size();
    }

    /** Called (on the revoking thread) after a token was revoked or replaced. */
    public void addRevokeListener(final Runnable listener)
    {
        revokeListeners.add(listener);
    }

    public void addChangeListener(final Runnable listener)
    {
        addRevokeListener(listener);
    }

    public int size()
    {
        return tokens.size();
    }

    public AuthResult authenticate(final String token, final long nowEpochMs)
    {
        return AuthResult.of(tokens.get(Secrets.TokenDigest.of(token)), nowEpochMs);
    }

    public boolean isCurrent(final Grant grant, final long nowEpochMs)
    {
        return live.contains(grant) && !grant.isExpired(nowEpochMs);
    }

    public String name()
    {
        return SOURCE;
    }

    private void fireRevoked()
    {
        for (final Runnable listener : revokeListeners)
        {
            listener.run();
        }
    }
}
