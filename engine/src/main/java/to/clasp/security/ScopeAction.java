package to.clasp.security;

import java.util.Locale;

/**
 * What a scope lets a session do on the addresses its pattern matches. Ordered: {@link #ADMIN} includes
 * {@link #WRITE}, which includes {@link #READ} (router-behaviour.md §6).
 */
public enum ScopeAction
{
    /** SUBSCRIBE, GET, REPLAY, and receiving values (snapshots, live delivery, QUERY results). */
    READ,
    /** SET, PUBLISH, stream, gesture, BUNDLE entries; and everything READ allows. */
    WRITE,
    /** Everything WRITE allows, plus administrative operations on the addresses. */
    ADMIN;

    /** Does a scope with this action allow {@code needed}? */
    public boolean allows(final ScopeAction needed)
    {
        return ordinal() >= needed.ordinal();
    }

    /** The word used in scope strings: {@code read}, {@code write}, {@code admin}. */
    public String word()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parse {@code read}, {@code write} or {@code admin} (any case).
     *
     * @throws IllegalArgumentException for anything else.
     */
    public static ScopeAction parse(final String word)
    {
        switch (word.toLowerCase(Locale.ROOT))
        {
            case "read":
                return READ;
            case "write":
                return WRITE;
            case "admin":
                return ADMIN;
            default:
                throw new IllegalArgumentException("unknown action '" + word + "' (read, write or admin)");
        }
    }
}
