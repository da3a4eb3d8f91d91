package to.clasp.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import to.clasp.security.AuthResult;
import to.clasp.security.CapabilityException;
import to.clasp.security.CapabilityToken;
import to.clasp.security.CapabilityVerifier;
import to.clasp.security.Ed25519;
import to.clasp.security.Scope;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clasp token create|delegate|inspect|verify}: capability tokens ({@code cap_...}) minted and checked offline,
 * in the reference router's encoding. A token argument of {@code -} is read from standard input (keeps tokens out of
 * shell history and process lists).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Capability tokens (cap_...): mint, delegate, inspect and verify offline.",
    subcommands = {TokenCommand.Create.class, TokenCommand.Delegate.class, TokenCommand.Inspect.class,
        TokenCommand.Verify.class})
final class TokenCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: create, delegate, inspect or verify");
    }

    /** Options shared by create and delegate. */
    static class Mint
    {
        @Option(names = "--key", paramLabel = "FILE", required = true,
            description = "Signing key of the new token's issuer (from 'clasp key generate').")
        Path key;

        @Option(names = "--scopes", paramLabel = "SCOPES", required = true,
            description = "Comma-separated ACTION:PATTERN, e.g. write:/lights/**,read:/sensors/*")
        String scopes;

        @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "1d", converter = DurationConverter.class,
            description = "Lifetime from now: 3600, 30m, 24h, 30d (default: ${DEFAULT-VALUE}).")
        Duration expires;

        @Option(names = "--audience", paramLabel = "HEX",
            description = "Public key (64 hex digits) of the only key that may delegate this token further.")
        String audience;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        List<String> scopeList()
        {
            final List<String> list = new ArrayList<>();
            try
            {
                for (final Scope scope : Scope.parseList(scopes))
                {
                    list.add(scope.toString());
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--scopes': " +
                    ex.getMessage());
            }
            return list;
        }

        long expiresAt()
        {
            return Instant.now().getEpochSecond() + expires.getSeconds();
        }

        byte[] audienceKey()
        {
            if (audience == null)
            {
                return null;
            }
            if (!audience.matches("[0-9a-fA-F]{64}"))
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--audience': 64 hex digits expected");
            }
            return HexFormat.of().parseHex(audience);
        }

        int print(final CapabilityToken token, final String what)
        {
            spec.commandLine().getOut().println(token.encode());
            spec.commandLine().getOut().flush();
            final PrintWriter err = spec.commandLine().getErr();
            err.println(what + " capability token created");
            describe(token, err);
            err.flush();
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Mint a root token signed by --key (its public key must be a --trust-anchor of the router).")
    static final class Create extends Mint implements Callable<Integer>
    {
        public Integer call() throws IOException
        {
            return print(CapabilityToken.createRoot(Ed25519.readSigningKey(key), scopeList(), expiresAt(), audienceKey()),
                "root");
        }
    }

    @Command(name = "delegate", mixinStandardHelpOptions = true, description = {
        "Delegate TOKEN to the holder of --key with the same or narrower scopes; the expiry is capped at the",
        "parent's. The chain carries what the router needs to verify every link."})
    static final class Delegate extends Mint implements Callable<Integer>
    {
        @Parameters(paramLabel = "TOKEN", description = "Parent token (cap_...), or - to read it from stdin.")
        String parent;

        public Integer call() throws IOException
        {
            final CapabilityToken token;
            try
            {
                token = decode(parent, spec);
            }
            catch (final CapabilityException ex)
            {
                spec.commandLine().getErr().println("clasp token delegate: parent token: " + ex.getMessage());
                return 1;
            }
            try
            {
                return print(token.delegate(Ed25519.readSigningKey(key), scopeList(), expiresAt(), audienceKey()),
                    "delegated");
            }
            catch (final IllegalArgumentException ex)
            {
                spec.commandLine().getErr().println("clasp token delegate: " + ex.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show what a token holds and whether its own signature is valid (no trust check).")
    static final class Inspect implements Callable<Integer>
    {
        @Parameters(paramLabel = "TOKEN", description = "cap_... or - for stdin.")
        String token;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws IOException
        {
            final PrintWriter out = spec.commandLine().getOut();
            try
            {
                final CapabilityToken cap = decode(token, spec);
                describe(cap, out);
                out.println("signature: " + (cap.signatureValid() ? "valid" : "INVALID"));
                if (Instant.now().getEpochSecond() > cap.expiresAt())
                {
                    out.println("WARNING: expired");
                }
                out.flush();
                return cap.signatureValid() ? 0 : 1;
            }
            catch (final CapabilityException ex)
            {
                spec.commandLine().getErr().println("clasp token inspect: " + ex.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a token as the router would: chain, signatures, scopes, expiry, depth.")
    static final class Verify implements Callable<Integer>
    {
        @Parameters(paramLabel = "TOKEN", description = "cap_... or - for stdin.")
        String token;

        @Option(names = "--trust-anchor", paramLabel = "FILE", required = true,
            description = "Trust anchor file(s), as for 'clasp server --trust-anchor'.")
        List<Path> anchors;

        @Option(names = "--max-depth", paramLabel = "N", defaultValue = "5",
            description = "Longest delegation chain (default: ${DEFAULT-VALUE}).")
        int maxDepth;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Integer call() throws IOException
        {
            final List<byte[]> keys = new ArrayList<>();
            for (final Path anchor : anchors)
            {
                keys.add(Ed25519.readTrustAnchor(anchor, null));
            }
            final String text = read(token, spec);
            final AuthResult result = new CapabilityVerifier(keys, maxDepth).authenticate(text, System.currentTimeMillis());
            final PrintWriter out = spec.commandLine().getOut();
            if (result == null)
            {
                out.println("FAIL not a capability token (no cap_ prefix)");
            }
            else if (result.isAccepted())
            {
                out.println("OK valid: " + result.grant().scopes());
            }
            else
            {
                out.println("FAIL " + result.reason() + " (router would answer ERROR " + result.errorCode() + ")");
            }
            out.flush();
            return result != null && result.isAccepted() ? 0 : 1;
        }
    }

    static CapabilityToken decode(final String argument, final CommandLine.Model.CommandSpec spec)
        throws IOException, CapabilityException
    {
        return CapabilityToken.decode(read(argument, spec));
    }

    static String read(final String argument, final CommandLine.Model.CommandSpec spec) throws IOException
    {
        if (!"-".equals(argument))
        {
            return argument.strip();
        }
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        final String line = in.readLine();
        if (line == null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "no token on standard input");
        }
        return line.strip();
    }

    static void describe(final CapabilityToken token, final PrintWriter out)
    {
        final HexFormat hex = HexFormat.of();
        out.println("version: " + token.version());
        out.println("issuer: " + hex.formatHex(token.issuer()));
        if (token.audience() != null)
        {
            out.println("audience: " + hex.formatHex(token.audience()));
        }
        out.println("scopes: " + String.join(",", token.scopes()));
        out.println("expires: " + token.expiresAt() + " (" + Instant.ofEpochSecond(token.expiresAt()) + ")");
        out.println("nonce: " + token.nonce());
        out.println("chain depth: " + token.chainDepth());
        for (int i = 0; i < token.proofs().size(); i++)
        {
            final CapabilityToken.ProofLink link = token.proofs().get(i);
            out.println("  [" + i + "] issuer " + hex.formatHex(link.issuer()) + " scopes " +
                String.join(",", link.scopes()) + (link.isVerifiable() ?
                " expires " + Instant.ofEpochSecond(link.expiresAt()) : " (no expiry/nonce: not verifiable here)"));
        }
    }
}
