package to.clasp.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import to.clasp.server.cli.EmitCommand;
import to.clasp.server.cli.GetCommand;
import to.clasp.server.cli.PubCommand;
import to.clasp.server.cli.SubCommand;
import to.clasp.server.config.ConfigDefaults;
import to.clasp.server.config.ConfigFile;

/**
 * The {@code clasp} command. {@code clasp server [flags]} runs the router; {@code --help} on either level documents
 * every flag and default. A bad flag prints one line on stderr and exits 2.
 */
@Command(
    name = "clasp",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {ServerCommand.class, SubCommand.class, PubCommand.class, GetCommand.class, EmitCommand.class,
        TokenCommand.class, KeyCommand.class},
    description = {"CLASP router (Creative Low-Latency Application Streaming Protocol) and command-line client.",
        "'clasp server' runs the router; sub, pub (set), get and emit talk to one; token and key make capability tokens."})
public final class Main implements Runnable
{
    /** Exit code for a usage error (a bad flag or value). */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: use 'clasp server', "
            + "'clasp sub', 'clasp pub', 'clasp get', 'clasp emit', 'clasp token' or 'clasp key'");
    }

    public static void main(final String[] args)
    {
        // The router is the production process: no sampling leak detector on its I/O threads.
        to.clasp.transport.ws.NettyLeakDetection.disableUnlessAsked();
        System.exit(run(args));
    }

    /**
     * Parse and run; returns the exit code instead of exiting (for tests).
     */
    static int run(final String... args)
    {
        return run(null, null, args);
    }

    /**
     * Parse and run with the given output streams (null = System.out / System.err).
     */
    static int run(final java.io.PrintWriter out, final java.io.PrintWriter err, final String... args)
    {
        return run(out, err, System.getenv(), args);
    }

    /**
     * Parse and run with the given output streams (null = System.out / System.err) and environment (the source of
     * {@code CLASP_*} values).
     */
    public static int run(final java.io.PrintWriter out, final java.io.PrintWriter err,
        final java.util.Map<String, String> env, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new Main());
        if (out != null)
        {
            commandLine.setOut(out);
        }
        if (err != null)
        {
            commandLine.setErr(err);
        }
        final ConfigDefaults defaults;
        try
        {
            defaults = ConfigDefaults.install(commandLine,
                commandLine.getSubcommands().get("server").getCommandSpec(), env, args);
        }
        catch (final ConfigFile.ConfigException ex)
        {
            commandLine.getErr().println("clasp: " + ex.getMessage());
            commandLine.getErr().flush();
            return USAGE_ERROR;
        }
        commandLine.setParameterExceptionHandler((ex, ignored) ->
        {
            String message = String.valueOf(ex.getMessage()).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
            if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec)
            {
                // A bad value from the environment or the file: say where it came from.
                final String source = defaults.source((CommandLine.Model.OptionSpec)ex.getArgSpec(),
                    ex.getCommandLine().getParseResult());
                message += "flag".equals(source) || "default".equals(source) ? "" : " (from " + source + ")";
            }
            ex.getCommandLine().getErr().println(
                "clasp: " + message + " (see 'clasp " +
                ("clasp".equals(ex.getCommandLine().getCommandName()) ? "" : ex.getCommandLine().getCommandName() + " ") +
                "--help')");
            return USAGE_ERROR;
        });
        return commandLine.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"clasp " + (version == null ? "dev" : version)};
        }
    }
}
