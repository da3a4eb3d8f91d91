package to.clasp.security;

import org.agrona.DirectBuffer;
import to.clasp.address.Pattern;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A session's scopes compiled once (when its token is accepted) into the checks the core runs per message:
 * {@link #canRead}, {@link #canWrite} and {@link #canSubscribe}. Admin includes write includes read, so each action
 * keeps one list of patterns: every scope's pattern for read, write and admin scopes' for write, admin scopes' for
 * admin. Patterns another pattern of the same list covers are dropped at compile time, and a list holding
 * {@code /**} becomes a single flag, so the usual tokens ({@code read:/**}, {@code write:/app/**}) cost one flag
 * test or one {@link Pattern#matches} per check.
 * <p>
 * The address checks allocate nothing and use the router's one matcher ({@link Pattern}) — no regex, no string
 * conversion — and are safe from any thread. {@link #canSubscribe} reuses a scratch array and must be called from
 * one thread at a time (the core's).
 */
public final class ScopeSet
{
    private static final Pattern EVERYTHING = Pattern.compile("/**");

    /** No scope at all: a token without scopes can do nothing. */
    public static final ScopeSet NONE = of(List.of());

    private final List<Scope> scopes;
    private final Pattern[] read;
    private final Pattern[] write;
    private final Pattern[] admin;
    private final boolean readAll;
    private final boolean writeAll;
    private final boolean adminAll;
    private boolean[] coverScratch;

    private ScopeSet(final List<Scope> scopes)
    {
        this.scopes = List.copyOf(scopes);
        this.read = minimal(scopes, ScopeAction.READ);
        this.write = minimal(scopes, ScopeAction.WRITE);
        this.admin = minimal(scopes, ScopeAction.ADMIN);
        this.readAll = matchesEverything(read);
        this.writeAll = matchesEverything(write);
        this.adminAll = matchesEverything(admin);
    }

    /** Compile a session's scopes. */
    public static ScopeSet of(final Collection<Scope> scopes)
    {
        return new ScopeSet(new ArrayList<>(scopes));
    }

    /** Compile a comma-separated scope list ({@link Scope#parseList}). */
    public static ScopeSet parse(final String scopes)
    {
        return of(Scope.parseList(scopes));
    }

    /** The scopes as given (for logs, inspection and attenuation checks). */
    public List<Scope> scopes()
    {
        return scopes;
    }

    /** True when there is no scope: every check fails. */
    public boolean isEmpty()
    {
        return scopes.isEmpty();
    }

    /** True when the session may read every address (snapshots need no per-entry check). */
    public boolean readsEverything()
    {
        return readAll;
    }

    /** True when the session may write every address. */
    public boolean writesEverything()
    {
        return writeAll;
    }

    /** May the session read (GET, receive, REPLAY) the address {@code buffer[offset, offset + length)}? */
    public boolean canRead(final DirectBuffer buffer, final int offset, final int length)
    {
        return readAll || anyMatches(read, buffer, offset, length);
    }

    /** May the session write (SET, PUBLISH, stream, gesture, BUNDLE entry) the address? */
    public boolean canWrite(final DirectBuffer buffer, final int offset, final int length)
    {
        return writeAll || anyMatches(write, buffer, offset, length);
    }

    /** Does the session hold an admin scope on the address? */
    public boolean canAdmin(final DirectBuffer buffer, final int offset, final int length)
    {
        return adminAll || anyMatches(admin, buffer, offset, length);
    }

    /** {@link #canRead}, {@link #canWrite} or {@link #canAdmin} by action. */
    public boolean allows(final ScopeAction action, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (action)
        {
            case READ:
                return canRead(buffer, offset, length);
            case WRITE:
                return canWrite(buffer, offset, length);
            default:
                return canAdmin(buffer, offset, length);
        }
    }

    /** {@link #allows(ScopeAction, DirectBuffer, int, int)} on a String (allocates; tools and tests). */
    public boolean allows(final ScopeAction action, final String address)
    {
        final byte[] utf8 = address.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return allows(action, new org.agrona.concurrent.UnsafeBuffer(utf8), 0, utf8.length);
    }

    /**
     * May the session SUBSCRIBE to {@code requested}? Only when one read scope covers the <em>whole</em> pattern
     * ({@link Pattern#covers}): {@code read:/a/*} allows {@code /a/b} and {@code /a/*} but not {@code /a/**}.
     * Core thread only (reuses a scratch array; allocates it on first use).
     */
    public boolean canSubscribe(final Pattern requested)
    {
        return covers(read, readAll, requested);
    }

    /** Does one scope with at least {@code action} cover the whole pattern? Same threading as {@link #canSubscribe}. */
    public boolean covers(final ScopeAction action, final Pattern requested)
    {
        switch (action)
        {
            case READ:
                return covers(read, readAll, requested);
            case WRITE:
                return covers(write, writeAll, requested);
            default:
                return covers(admin, adminAll, requested);
        }
    }

    /**
     * Is every scope of {@code child} included in one scope of this set (same or weaker action, pattern covered)?
     * The attenuation rule for delegation. Allocates; not for the hot path.
     */
    public boolean includesAll(final Collection<Scope> child)
    {
        for (final Scope scope : child)
        {
            if (!includes(scope))
            {
                return false;
            }
        }
        return true;
    }

    /** Is {@code scope} included in one scope of this set? Allocates; not for the hot path. */
    public boolean includes(final Scope scope)
    {
        for (final Scope granted : scopes)
        {
            if (granted.includes(scope))
            {
                return true;
            }
        }
        return false;
    }

    private boolean covers(final Pattern[] granted, final boolean all, final Pattern requested)
    {
        if (all)
        {
            return true;
        }
        if (granted.length == 0)
        {
            return false;
        }
        boolean[] scratch = coverScratch;
        if (scratch == null || scratch.length < Pattern.coversScratchLength(requested))
        {
            scratch = new boolean[2 * (Pattern.MAX_SEGMENTS + 1)];
            coverScratch = scratch;
        }
        for (final Pattern pattern : granted)
        {
            if (Pattern.covers(pattern, requested, scratch))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatches(final Pattern[] patterns, final DirectBuffer buffer, final int offset, final int length)
    {
        for (final Pattern pattern : patterns)
        {
            if (pattern.matches(buffer, offset, length))
            {
                return true;
            }
        }
        return false;
    }

    /** The patterns of scopes allowing {@code action}, without those another one of them covers. */
    private static Pattern[] minimal(final List<Scope> scopes, final ScopeAction action)
    {
        final List<Pattern> patterns = new ArrayList<>();
        for (final Scope scope : scopes)
        {
            if (scope.action().allows(action))
            {
                patterns.add(scope.pattern());
            }
        }
        final List<Pattern> kept = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++)
        {
            final Pattern candidate = patterns.get(i);
            boolean redundant = false;
            for (int j = 0; j < patterns.size() && !redundant; j++)
            {
                if (j != i && Pattern.covers(patterns.get(j), candidate))
                {
                    // Of two patterns covering each other keep the first.
                    redundant = j < i || !Pattern.covers(candidate, patterns.get(j));
                }
            }
            if (!redundant)
            {
                kept.add(candidate);
            }
        }
        return kept.toArray(new Pattern[0]);
    }

    private static boolean matchesEverything(final Pattern[] patterns)
    {
        for (final Pattern pattern : patterns)
        {
            if (Pattern.covers(pattern, EVERYTHING))
            {
                return true;
            }
        }
        return false;
    }

    /** The scopes, comma-separated, as {@link Scope#parseList} reads them. */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Scope scope : scopes)
        {
            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(scope);
        }
        return sb.toString();
    }
}
