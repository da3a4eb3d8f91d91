package to.clasp.security;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static tokens file format (router-behaviour.md §6), one token per line:
 * <pre>
 * # comment
 * TOKEN SCOPE[,SCOPE...] [expires=ISO-8601]
 * </pre>
 * Fields are separated by blanks; scopes may also be spread over several fields ({@code read:/a, write:/b}).
 * {@code expires=} takes an instant ({@code 2027-01-31T12:00:00Z}), a date-time with offset
 * ({@code 2027-01-31T12:00:00+01:00}), a local date-time (read as UTC) or a date (midnight UTC at its start). A line
 * with a token and no scope is a token that can do nothing. Blank lines and lines whose first non-blank character is
 * {@code #} are skipped. A token may appear once.
 */
public final class TokenFileParser
{
    private TokenFileParser()
    {
    }

    /**
     * Parse the lines of a tokens file.
     *
     * @param name   how errors name the file.
     * @param source the {@link Grant#source()} of the grants.
     * @return each token's digest → its grant, in file order.
     * @throws TokenFileException naming the file and the line number of the first bad line (never the token).
     */
    public static Map<Secrets.TokenDigest, Grant> parse(final String name, final List<String> lines, final String source)
        throws TokenFileException
    {
        final Map<Secrets.TokenDigest, Grant> grants = new java.util.LinkedHashMap<>();
        final Map<Secrets.TokenDigest, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final int lineNumber = i + 1;
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.charAt(0) == '#')
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            final Secrets.TokenDigest digest = Secrets.TokenDigest.of(fields[0]);
            final Integer previous = firstLine.putIfAbsent(digest, lineNumber);
            if (previous != null)
            {
                throw new TokenFileException(
                    name + ": line " + lineNumber + ": duplicate token (first on line " + previous + ")");
            }

            long expires = Grant.NEVER;
            final List<Scope> scopes = new java.util.ArrayList<>();
            for (int f = 1; f < fields.length; f++)
            {
                if (fields[f].startsWith("expires="))
                {
                    if (expires != Grant.NEVER)
                    {
                        throw new TokenFileException(name + ": line " + lineNumber + ": expires= given twice");
                    }
                    expires = parseExpiry(name, lineNumber, fields[f].substring("expires=".length()));
                }
                else
                {
                    addScopes(name, lineNumber, fields[f], scopes);
                }
            }
            grants.put(digest, new Grant(ScopeSet.of(scopes), expires, "line " + lineNumber, source));
        }
        return grants;
    }

    /** One field's comma-separated scopes; a comma may end or start a field ({@code read:/a, write:/b}). */
    private static void addScopes(final String name, final int lineNumber, final String field, final List<Scope> scopes)
        throws TokenFileException
    {
        final String[] pieces = field.split(",", -1);
        for (int k = 0; k < pieces.length; k++)
        {
            if (pieces[k].isEmpty() && (k == 0 || k == pieces.length - 1))
            {
                continue;
            }
            try
            {
                if (pieces[k].isEmpty())
                {
                    throw new IllegalArgumentException("empty scope in '" + field + "'");
                }
                scopes.add(Scope.parse(pieces[k]));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TokenFileException(name + ": line " + lineNumber + ": " + ex.getMessage());
            }
        }
    }

    private static long parseExpiry(final String name, final int lineNumber, final String text)
        throws TokenFileException
    {
        try
        {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        catch (final DateTimeParseException notOffset)
        {
            try
            {
                return Instant.parse(text).toEpochMilli();
            }
            catch (final DateTimeParseException notInstant)
            {
                try
                {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
                }
                catch (final DateTimeParseException notLocal)
                {
                    try
                    {
                        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                    }
                    catch (final DateTimeParseException notDate)
                    {
                        throw new TokenFileException(name + ": line " + lineNumber + ": expires='" + text +
                            "' is not an ISO-8601 date or date-time (e.g. 2027-01-31T12:00:00Z)");
                    }
                }
            }
        }
    }
}
