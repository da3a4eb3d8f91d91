package to.clasp.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code clasp} command. {@code clasp server [flags]} runs the router; {@code --help} on either level documents
 * every flag and default. A bad flag prints one line on stderr and exits 2.
 */
@Command(
    name = "clasp",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {ServerCommand.class, TokenCommand.class, KeyCommand.class},
    description = "CLASP router (Creative Low-Latency Application Streaming Protocol).")
public final class Main implements Runnable
{
    /** Exit code for a usage error (a bad flag or value). */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: use 'clasp server', 'clasp token' or 'clasp key'");
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
        final CommandLine commandLine = new CommandLine(new Main());
        if (out != null)
        {
            commandLine.setOut(out);
        }
        if (err != null)
        {
            commandLine.setErr(err);
        }
        commandLine.setParameterExceptionHandler((ex, ignored) ->
        {
            final String message = String.valueOf(ex.getMessage()).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
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
