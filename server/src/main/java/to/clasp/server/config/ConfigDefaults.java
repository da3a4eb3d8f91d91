package to.clasp.server.config;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a flag's value comes from when it is not on the command line, for every option of every command, read from
 * picocli's option model (so a flag added tomorrow is configurable with no code here): the environment variable
 * {@code CLASP_<FLAG>} ({@code --max-sessions} → {@code CLASP_MAX_SESSIONS}), then the {@code --config} file (for
 * the command it configures, {@code clasp server}), then the flag's own default. Picocli converts and checks the
 * value exactly as it would the flag's.
 * <p>
 * Precedence: flag &gt; environment &gt; file &gt; default.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider
{
    /** Prefix of the environment variables. */
    public static final String ENV_PREFIX = "CLASP_";
    /** The flag that names the file (also {@code CLASP_CONFIG}). */
    public static final String CONFIG_FLAG = "--config";
    /** The flag that prints the resolved configuration. */
    public static final String PRINT_CONFIG_FLAG = "--print-config";

    private final Map<String, String> env;
    private final CommandSpec fileCommand;
    private final ConfigFile file;

    /**
     * @param env         the environment to read {@code CLASP_*} from.
     * @param fileCommand the command the file configures, or null.
     * @param file        the file, or null.
     */
    public ConfigDefaults(final Map<String, String> env, final CommandSpec fileCommand, final ConfigFile file)
    {
        this.env = env;
        this.fileCommand = fileCommand;
        this.file = file;
    }

    /**
     * Set up the defaults for a command line about to parse {@code args}: find {@code --config FILE} (or
     * {@code CLASP_CONFIG}) among the arguments, load and check the file against {@code fileCommand}'s options, and
     * install the provider on every command.
     *
     * @throws ConfigFile.ConfigException when the file cannot be used (the message names the line).
     */
    public static ConfigDefaults install(final CommandLine commandLine, final CommandSpec fileCommand,
        final Map<String, String> env, final String... args)
    {
        String configPath = env.get(envName(CONFIG_FLAG));
        for (int i = 0; i < args.length; i++)
        {
            if (CONFIG_FLAG.equals(args[i]) && i + 1 < args.length)
            {
                configPath = args[i + 1];
            }
            else if (args[i].startsWith(CONFIG_FLAG + "="))
            {
                configPath = args[i].substring(CONFIG_FLAG.length() + 1);
            }
        }
        ConfigFile file = null;
        if (configPath != null && !configPath.isEmpty())
        {
            final Set<String> keys = new HashSet<>();
            final Set<String> multi = new HashSet<>();
            for (final OptionSpec option : configurable(fileCommand))
            {
                keys.add(key(option));
                // An array becomes one default string joined with ',': only for options that split on ','.
                if (option.isMultiValue() && ",".equals(option.splitRegex()))
                {
                    multi.add(key(option));
                }
            }
            file = ConfigFile.load(Path.of(configPath), keys, multi);
        }
        final ConfigDefaults defaults = new ConfigDefaults(env, fileCommand, file);
        commandLine.setDefaultValueProvider(defaults);
        return defaults;
    }

    /** @return the options of a command that configuration may set: all but help, version and the config flags. */
    public static List<OptionSpec> configurable(final CommandSpec command)
    {
        final List<OptionSpec> options = new ArrayList<>();
        for (final OptionSpec option : command.options())
        {
            if (isConfigurable(option))
            {
                options.add(option);
            }
        }
        return options;
    }

    /** @return the file key of an option: its long name without the dashes ({@code max-sessions}). */
    public static String key(final OptionSpec option)
    {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** @return the environment variable of an option ({@code CLASP_MAX_SESSIONS}). */
    public static String envName(final OptionSpec option)
    {
        return envName(option.longestName());
    }

    private static String envName(final String flag)
    {
        return ENV_PREFIX + flag.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** @return the file in use, or null. */
    public ConfigFile file()
    {
        return file;
    }

    public String defaultValue(final ArgSpec argSpec)
    {
        if (!(argSpec instanceof OptionSpec) || !isConfigurable((OptionSpec)argSpec))
        {
            return null;
        }
        final OptionSpec option = (OptionSpec)argSpec;
        final String fromEnv = env.get(envName(option));
        if (fromEnv != null)
        {
            return fromEnv;
        }
        final ConfigFile.Entry entry = fileEntry(option);
        return entry == null ? null : entry.value();
    }

    /**
     * @return where the option's value came from: {@code flag}, {@code env CLASP_X}, {@code FILE line N} or
     * {@code default}.
     */
    public String source(final OptionSpec option, final CommandLine.ParseResult parsed)
    {
        if (parsed != null && parsed.hasMatchedOption(option))
        {
            return "flag";
        }
        if (isConfigurable(option) && env.containsKey(envName(option)))
        {
            return "env " + envName(option);
        }
        final ConfigFile.Entry entry = isConfigurable(option) ? fileEntry(option) : null;
        if (entry != null)
        {
            return ConfigFile.where(file.path(), entry.line());
        }
        return "default";
    }

    private ConfigFile.Entry fileEntry(final OptionSpec option)
    {
        if (file == null || option.command() == null || fileCommand == null ||
            !option.command().qualifiedName().equals(fileCommand.qualifiedName()))
        {
            return null;
        }
        return file.get(key(option));
    }

    private static boolean isConfigurable(final OptionSpec option)
    {
        return !option.usageHelp() && !option.versionHelp() && !CONFIG_FLAG.equals(option.longestName()) &&
            !PRINT_CONFIG_FLAG.equals(option.longestName());
    }
}
