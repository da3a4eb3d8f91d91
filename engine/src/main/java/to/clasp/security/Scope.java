package to.clasp.security;

import to.clasp.address.Pattern;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One grant {@code ACTION:PATTERN}, e.g. {@code read:/sensors/**} or {@code write:/public/in/*}. The pattern is
 * compiled with the router's one matcher ({@link Pattern}), so a scope means exactly what a subscription with the
 * same pattern would receive. Immutable.
 */
public final class Scope
{
    private final ScopeAction action;
    private final Pattern pattern;

    public Scope(final ScopeAction action, final Pattern pattern)
    {
        this.action = Objects.requireNonNull(action, "action");
        this.pattern = Objects.requireNonNull(pattern, "pattern");
    }

    /**
     * Parse {@code ACTION:PATTERN}. The action is {@code read}, {@code write} or {@code admin} (any case); the
     * pattern must be a valid subscription pattern (router-behaviour.md §4).
     *
     * @throws IllegalArgumentException with a message naming what is wrong (it quotes the scope, never a token).
     */
    public static Scope parse(final String text)
    {
        final String trimmed = text.trim();
        final int colon = trimmed.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("scope '" + trimmed + "' is not ACTION:PATTERN");
        }
        final ScopeAction action;
        try
        {
            action = ScopeAction.parse(trimmed.substring(0, colon));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("scope '" + trimmed + "': " + ex.getMessage());
        }
        try
        {
            return new Scope(action, Pattern.compile(trimmed.substring(colon + 1)));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("scope '" + trimmed + "': " + ex.getMessage());
        }
    }

    /**
     * Parse a comma-separated list ({@code read:/a/**,write:/a/in/*}); blanks around commas are ignored, an empty or
     * blank string is the empty list.
     */
    public static List<Scope> parseList(final String text)
    {
        if (text.isBlank())
        {
            return List.of();
        }
        final List<Scope> scopes = new ArrayList<>();
        for (final String part : text.split(",", -1))
        {
            if (part.isBlank())
            {
                throw new IllegalArgumentException("empty scope in '" + text.trim() + "'");
            }
            scopes.add(parse(part));
        }
        return Collections.unmodifiableList(scopes);
    }

    public ScopeAction action()
    {
        return action;
    }

    public Pattern pattern()
    {
        return pattern;
    }

    /**
     * Is every grant of {@code other} also a grant of this scope (same or weaker action, pattern covered)? The
     * attenuation rule of delegated capability tokens.
     */
    public boolean includes(final Scope other)
    {
        return action.allows(other.action) && Pattern.covers(pattern, other.pattern);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Scope && ((Scope)o).action == action && ((Scope)o).pattern.equals(pattern);
    }

    @Override
    public int hashCode()
    {
        return action.hashCode() * 31 + pattern.hashCode();
    }

    /** {@code action:pattern} as it would be written in a tokens file. */
    @Override
    public String toString()
    {
        return action.word() + ':' + pattern.text();
    }
}
