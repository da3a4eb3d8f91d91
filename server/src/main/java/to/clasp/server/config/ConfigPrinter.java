package to.clasp.server.config;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;

/**
 * Renders a command's options as TOML, from picocli's option model: the resolved configuration with where each
 * value came from ({@code clasp server --print-config}), and the commented template shipped as
 * {@code conf/clasp.toml} (generated at build time by {@link #main}, so it cannot drift from the flags).
 */
public final class ConfigPrinter
{
    private ConfigPrinter()
    {
    }

    /**
     * @return every configurable option with the value the command will use and its source, as a TOML file that
     * sets exactly those values; options without a value are listed commented out.
     */
    public static String resolved(final CommandSpec command, final ConfigDefaults defaults)
    {
        final CommandLine.ParseResult parsed = command.commandLine() == null ? null :
            command.commandLine().getParseResult();
        final StringBuilder out = new StringBuilder()
            .append("# clasp ").append(command.name()).append(": the configuration in use ")
            .append("(flag > environment CLASP_<FLAG> > file > default)\n");
        final List<OptionSpec> options = ConfigDefaults.configurable(command);
        int width = 0;
        for (final OptionSpec option : options)
        {
            width = Math.max(width, assignment(option, value(option, defaults, parsed)).length());
        }
        for (final OptionSpec option : options)
        {
            final String value = value(option, defaults, parsed);
            final String line = assignment(option, value);
            out.append(value == null ? "# " : "").append(line)
                .append(" ".repeat(width - line.length() + (value == null ? 0 : 2)))
                .append("  # ").append(defaults.source(option, parsed)).append(value == null ? ": not set" : "")
                .append('\n');
        }
        return out.toString();
    }

    /**
     * @return the template: a header, then for every option its description, its environment variable and a
     * commented {@code key = default} line.
     */
    public static String template(final CommandSpec command)
    {
        final String name = command.qualifiedName(" ");
        final StringBuilder out = new StringBuilder()
            .append("# ").append(name).append(" configuration (TOML), generated from the flags of this build.\n")
            .append("#\n")
            .append("# Every key is a flag of '").append(name).append("' without its dashes and takes what the ")
            .append("flag takes;\n")
            .append("# uncomment a line to set it. Unknown keys are an error. Precedence: flag > environment ")
            .append("variable\n")
            .append("# CLASP_<FLAG> (dashes as underscores) > this file > default.\n")
            .append("#\n")
            .append("#   ").append(name).append(" --config conf/clasp.toml                 # use it\n")
            .append("#   ").append(name).append(" --config conf/clasp.toml --print-config  # show what the router ")
            .append("would use\n");
        for (final OptionSpec option : ConfigDefaults.configurable(command))
        {
            out.append('\n');
            for (final String line : wrap(String.join(" ", option.description()), 112))
            {
                out.append("# ").append(line).append('\n');
            }
            out.append("# Environment: ").append(ConfigDefaults.envName(option)).append('\n');
            final String value = defaultOf(option);
            out.append("# ").append(value == null ?
                ConfigDefaults.key(option) + " = " + option.paramLabel() + "    (not set by default)" :
                assignment(option, value)).append('\n');
        }
        return out.toString();
    }

    private static String value(final OptionSpec option, final ConfigDefaults defaults,
        final CommandLine.ParseResult parsed)
    {
        if (parsed != null && parsed.hasMatchedOption(option))
        {
            final List<String> given = option.originalStringValues();
            if (option.arity().max() == 0)
            {
                return String.valueOf((Object)option.getValue());
            }
            return option.isMultiValue() ? String.join(",", given) : given.get(given.size() - 1);
        }
        final String provided = defaults.defaultValue(option);
        return provided != null ? provided : defaultOf(option);
    }

    private static String defaultOf(final OptionSpec option)
    {
        final String value = option.defaultValue();
        if (value == null && option.arity().max() == 0)
        {
            return "false"; // a flag that is not given
        }
        return value;
    }

    /** @return {@code key = value} with the value as TOML: bare numbers and booleans, everything else quoted. */
    static String assignment(final OptionSpec option, final String value)
    {
        return ConfigDefaults.key(option) + " = " + (value == null ? "" : tomlValue(option, value));
    }

    private static String tomlValue(final OptionSpec option, final String value)
    {
        final Class<?> type = option.type();
        if ((type == boolean.class || type == Boolean.class) && ("true".equals(value) || "false".equals(value)))
        {
            return value;
        }
        if ((type == int.class || type == Integer.class || type == long.class || type == Long.class) &&
            value.matches("-?[0-9]+"))
        {
            return value;
        }
        final StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20 || c == 0x7f)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static List<String> wrap(final String text, final int width)
    {
        final List<String> lines = new java.util.ArrayList<>();
        final StringBuilder line = new StringBuilder();
        for (final String word : text.trim().split("\\s+"))
        {
            if (line.length() > 0 && line.length() + 1 + word.length() > width)
            {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0)
        {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Write the template of {@code clasp server} to a file (run at build time for the release package).
     *
     * @param args the output path.
     */
    public static void main(final String[] args) throws java.io.IOException
    {
        final CommandSpec server = new CommandLine(new to.clasp.server.Main()).getSubcommands().get("server")
            .getCommandSpec();
        final java.nio.file.Path out = java.nio.file.Path.of(args[0]);
        if (out.getParent() != null)
        {
            java.nio.file.Files.createDirectories(out.getParent());
        }
        java.nio.file.Files.writeString(out, template(server));
    }
}
