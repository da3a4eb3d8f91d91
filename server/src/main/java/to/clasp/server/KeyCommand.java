package to.clasp.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import to.clasp.security.Ed25519;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/**
 * {@code clasp key generate|show}: Ed25519 keys for capability tokens. The signing key file holds the 32-byte seed as
 * 64 hex digits (the reference CLI's format, so keys move between the two), created 0600; the public key goes to
 * {@code FILE.pub} as PEM, which is what {@code clasp server --trust-anchor} should be given.
 */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Ed25519 keys for capability tokens.",
    subcommands = {KeyCommand.Generate.class, KeyCommand.Show.class})
final class KeyCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: generate or show");
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = {
        "Make a new signing key. With --out FILE: the key goes to FILE (0600) and the public key to FILE.pub (PEM,",
        "for --trust-anchor); without: the key is printed (64 hex digits) and the public key goes to stderr."})
    static final class Generate implements Callable<Integer>
    {
        @Option(names = "--out", paramLabel = "FILE", description = "Write the key here (must not exist).")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws IOException
        {
            final byte[] seed = Ed25519.newSeed();
            final byte[] pub = Ed25519.publicKey(seed);
            final java.io.PrintWriter err = spec.commandLine().getErr();
            if (out == null)
            {
                spec.commandLine().getOut().println(HexFormat.of().formatHex(seed));
            }
            else
            {
                final Path pubFile = out.resolveSibling(out.getFileName() + ".pub");
                if (Files.exists(out) || Files.exists(pubFile))
                {
                    err.println("clasp key generate: " + (Files.exists(out) ? out : pubFile) +
                        " exists; not overwriting a key");
                    return 1;
                }
                Ed25519.writeSigningKey(out, seed);
                Files.writeString(pubFile, Ed25519.publicKeyPem(pub));
                err.println("key saved to " + out + " (0600); public key (for --trust-anchor) in " + pubFile);
            }
            err.println("public key: " + HexFormat.of().formatHex(pub));
            err.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print the public key of a signing key file (hex, or PEM with --format pem).")
    static final class Show implements Callable<Integer>
    {
        @Parameters(paramLabel = "FILE", description = "Signing key file (64 hex digits).")
        Path file;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "hex", description = "hex or pem.")
        String format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws IOException
        {
            final byte[] pub = Ed25519.publicKey(Ed25519.readSigningKey(file));
            switch (format)
            {
                case "hex":
                    spec.commandLine().getOut().println(HexFormat.of().formatHex(pub));
                    break;
                case "pem":
                    spec.commandLine().getOut().print(Ed25519.publicKeyPem(pub));
                    break;
                default:
                    throw new CommandLine.ParameterException(spec.commandLine(), "--format must be hex or pem");
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
