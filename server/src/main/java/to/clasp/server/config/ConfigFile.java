package to.clasp.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@code clasp.toml} file: flat TOML whose keys are the flags' long names without the dashes
 * ({@code max-sessions = 500}) and whose values are what the flag would take ({@code idle-timeout = "90s"}). Tables,
 * unknown keys and values a flag cannot take are errors that name the line; nothing is ignored.
 * <p>
 * The TOML parser reports the line of a syntax error but builds a tree without positions, so the line of a key is
 * found in the text (a key can only be at the start of a line in a flat file).
 */
public final class ConfigFile
{
    /** One key's value as the flag's string form, and the line it was on. */
    public record Entry(String key, String value, int line)
    {
    }

    private final Path path;
    private final Map<String, Entry> entries;

    private ConfigFile(final Path path, final Map<String, Entry> entries)
    {
        this.path = path;
        this.entries = entries;
    }

    /** @return the file the values came from. */
    public Path path()
    {
        return path;
    }

    /** @return the value set for a key, or null. */
    public Entry get(final String key)
    {
        return entries.get(key);
    }

    /** @return every key set, in file order. */
    public Map<String, Entry> entries()
    {
        return entries;
    }

    /**
     * Read and check a file.
     *
     * @param path      the file.
     * @param knownKeys the keys the command accepts (its flags' names without dashes).
     * @param multiValued the subset of keys whose flag takes several values split on ',' (a TOML array is joined
     *                    with ','); any other key takes one value.
     * @throws ConfigException naming the file and line of the first problem.
     */
    public static ConfigFile load(final Path path, final Set<String> knownKeys, final Set<String> multiValued)
    {
        final String text;
        try
        {
            text = Files.readString(path, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(path + ": cannot read: " + ex.getMessage());
        }
        return parse(path, text, knownKeys, multiValued);
    }

    static ConfigFile parse(final Path path, final String text, final Set<String> knownKeys,
        final Set<String> multiValued)
    {
        final JsonNode root;
        try
        {
            root = new TomlMapper().readTree(text);
        }
        catch (final JacksonException ex)
        {
            int line = ex.getLocation() == null ? -1 : ex.getLocation().getLineNr();
            final String message = ex.getOriginalMessage().trim();
            if (message.startsWith("Duplicate key"))
            {
                // The parser notices a duplicate at the next token, which may be lines later: find the repeat.
                line = repeatedKeyLine(text.split("\r?\n", -1), line);
            }
            throw new ConfigException(where(path, line) + ": " + message);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(path + ": " + ex.getMessage());
        }
        final String[] lines = text.split("\r?\n", -1);
        final Map<String, Entry> entries = new LinkedHashMap<>();
        if (root == null)
        {
            return new ConfigFile(path, entries);
        }
        for (final Map.Entry<String, JsonNode> field : root.properties())
        {
            final String key = field.getKey();
            final JsonNode node = field.getValue();
            final int line = lineOf(lines, key, node.isObject());
            if (node.isObject())
            {
                throw new ConfigException(where(path, line) + ": [" + key + "]: tables are not used; " +
                    "every key is a 'clasp server' flag at the top level (see 'clasp server --help')");
            }
            if (!knownKeys.contains(key))
            {
                throw new ConfigException(where(path, line) + ": unknown key '" + key + "' " +
                    "(keys are the 'clasp server' flags without the dashes; see 'clasp server --help')");
            }
            entries.put(key, new Entry(key, valueOf(path, line, key, node, multiValued.contains(key)), line));
        }
        return new ConfigFile(path, entries);
    }

    private static String valueOf(final Path path, final int line, final String key, final JsonNode node,
        final boolean multi)
    {
        if (node.isArray())
        {
            if (!multi)
            {
                throw new ConfigException(where(path, line) + ": '" + key + "' takes one value, not an array");
            }
            final StringBuilder joined = new StringBuilder();
            for (final JsonNode element : node)
            {
                if (!element.isValueNode())
                {
                    throw new ConfigException(where(path, line) + ": '" + key + "': nested arrays or tables");
                }
                joined.append(joined.length() == 0 ? "" : ",").append(element.asText());
            }
            return joined.toString();
        }
        if (node.isNull())
        {
            throw new ConfigException(where(path, line) + ": '" + key + "' has no value");
        }
        return node.asText();
    }

    /**
     * The line (1-based) where a top-level key is set: the first line outside a multi-line string that starts with the
     * key (bare or quoted) followed by '=', or with {@code [key]} for a table.
     */
    static int lineOf(final String[] lines, final String key, final boolean table)
    {
        boolean inBasic = false;
        boolean inLiteral = false;
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i];
            if (!inBasic && !inLiteral)
            {
                final String trimmed = line.strip();
                if (table ? startsTable(trimmed, key) : startsKey(trimmed, key))
                {
                    return i + 1;
                }
            }
            inBasic ^= (count(line, "\"\"\"") % 2) == 1 && !inLiteral;
            inLiteral ^= (count(line, "'''") % 2) == 1 && !inBasic;
        }
        return -1;
    }

    private static final java.util.regex.Pattern KEY =
        java.util.regex.Pattern.compile("\\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\\s*=.*");

    /** @return the line of the first top-level key set a second time, or {@code otherwise}. */
    static int repeatedKeyLine(final String[] lines, final int otherwise)
    {
        final Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < lines.length; i++)
        {
            final java.util.regex.Matcher m = KEY.matcher(lines[i]);
            if (lines[i].strip().startsWith("["))
            {
                return otherwise; // past the top level: leave it to the parser
            }
            if (m.matches() && !seen.add(m.group(1).replaceAll("^[\"']|[\"']$", "")))
            {
                return i + 1;
            }
        }
        return otherwise;
    }

    private static boolean startsKey(final String trimmed, final String key)
    {
        for (final String form : new String[] {key, '"' + key + '"', "'" + key + "'"})
        {
            if (trimmed.startsWith(form) && trimmed.substring(form.length()).stripLeading().startsWith("="))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean startsTable(final String trimmed, final String key)
    {
        return trimmed.startsWith("[") && trimmed.substring(1).strip().startsWith(key);
    }

    private static int count(final String line, final String token)
    {
        int n = 0;
        for (int at = line.indexOf(token); at >= 0; at = line.indexOf(token, at + token.length()))
        {
            n++;
        }
        return n;
    }

    static String where(final Path path, final int line)
    {
        return line > 0 ? path + " line " + line : path.toString();
    }

    /** A configuration file that cannot be used; the message names the file and, where known, the line. */
    public static final class ConfigException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public ConfigException(final String message)
        {
            super(message);
        }
    }
}
