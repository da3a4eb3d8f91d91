package to.clasp.server;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import to.clasp.auth.AuthApi;
import to.clasp.security.CapabilityVerifier;
import to.clasp.security.CidrAllowList;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The security flags of {@code clasp server} (issue #13): token sources, the auth API, TLS and the Aeron source
 * filter. A picocli mixin, so the block stays in one file; {@link ServerSecurity#open} turns them into components.
 */
final class SecurityFlags
{
    @Option(names = "--auth-tokens", paramLabel = "FILE",
        description = "Static tokens, one per line: TOKEN SCOPE[,SCOPE...] [expires=ISO-8601]; reloaded on SIGHUP " +
            "and when the file changes. Turns token auth on.")
    Path authTokens;

    @Option(names = "--trust-anchor", paramLabel = "FILE",
        description = "Ed25519 public key (PEM, from 'clasp key generate') whose capability tokens (cap_...) are " +
            "accepted; repeatable. Turns token auth on.")
    List<Path> trustAnchors;

    @Option(names = "--cap-max-depth", paramLabel = "N", defaultValue = "" + CapabilityVerifier.DEFAULT_MAX_DEPTH,
        converter = ServerCommand.Converters.NonNegativeInt.class,
        description = "Longest capability delegation chain accepted (default: ${DEFAULT-VALUE}).")
    int capMaxDepth;

    @Option(names = "--auth-port", paramLabel = "PORT", converter = ServerCommand.Converters.Port.class,
        description = "Serve the CPSK auth API (POST /auth/register, /auth/login, /auth/guest) on this port. " +
            "Turns token auth on (default: off).")
    Integer authPort;

    /** Where the auth database goes without {@code --auth-db} and without {@code --data-dir}. */
    static final String AUTH_DB_DEFAULT = "clasp-auth.db";
    /** Its name inside {@code --data-dir}. */
    static final String AUTH_DB_IN_DATA_DIR = "auth.db";

    @Option(names = "--auth-db", paramLabel = "FILE",
        description = "SQLite database of users and issued tokens for --auth-port (default: " + AUTH_DB_IN_DATA_DIR +
            " inside --data-dir when given, else " + AUTH_DB_DEFAULT + " in the working directory).")
    Path authDb;

    /** The data directory ({@code --data-dir}), when given: the auth database defaults into it. */
    Path dataDir;

    @Option(names = "--token-ttl", paramLabel = "DURATION", defaultValue = "1d", converter = DurationConverter.class,
        description = "Lifetime of tokens the auth API issues (default: ${DEFAULT-VALUE}).")
    Duration tokenTtl;

    @Option(names = "--admin-token", paramLabel = "FILE",
        description = "A never-expiring admin:/** token, read from FILE or generated into it (0600) if missing. " +
            "Turns token auth on.")
    Path adminToken;

    @Option(names = "--cors-origin", paramLabel = "ORIGINS", split = ",",
        description = "Origins the auth API allows (CORS); default: any origin.")
    List<String> corsOrigins;

    @Option(names = "--auth-scopes", paramLabel = "SCOPES", defaultValue = AuthApi.Config.USER_SCOPES_DEFAULT,
        description = "Scopes of tokens issued to registered users; {userId} is replaced by the user's id " +
            "(default: ${DEFAULT-VALUE}).")
    String userScopes;

    @Option(names = "--guest-scopes", paramLabel = "SCOPES", defaultValue = AuthApi.Config.GUEST_SCOPES_DEFAULT,
        description = "Scopes of guest tokens ({userId} replaced), or 'none' to turn /auth/guest off " +
            "(default: ${DEFAULT-VALUE}).")
    String guestScopes;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "PEM certificate chain: serve wss:// on the WebSocket port (and its inspector) and https:// for " +
            "the auth API, health and metrics (needs --tls-key; reloaded on SIGHUP).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--edge-token", paramLabel = "FILE",
        description = "Token the router's own sessions present with token auth on: the OSC input and --osc-send " +
            "targets, and the --mqtt-bridge links (first line of FILE, so it stays out of the process list).")
    Path edgeTokenFile;

    /** The token read from {@link #edgeTokenFile} by {@link #validate}; null without the flag. */
    String edgeToken;

    @Option(names = "--aeron-allow", paramLabel = "CIDR,...", converter = CidrConverter.class,
        description = "Open Aeron sessions only for these source networks, e.g. 10.0.0.0/8,192.168.1.7 " +
            "(Aeron UDP is not encrypted; default: any source).")
    CidrAllowList aeronAllow;

    /** True when any token source is configured: every HELLO then needs a valid token. */
    boolean authEnabled()
    {
        return authTokens != null || (trustAnchors != null && !trustAnchors.isEmpty()) || authPort != null ||
            adminToken != null;
    }

    /**
     * Checks across flags; {@code aeronOn} says whether --aeron-endpoint was given, {@code edgeSessions} names the flag
     * that makes the router open sessions of its own (OSC, MQTT bridge), or is null.
     */
    void validate(final CommandLine commandLine, final boolean aeronOn, final String edgeSessions)
    {
        if (edgeTokenFile != null)
        {
            edgeToken = readEdgeToken(commandLine);
        }
        else if (edgeSessions != null && authEnabled())
        {
            // Without a token their HELLO would be refused (ERROR 300) and their traffic silently lost.
            throw new CommandLine.ParameterException(commandLine, "Option '" + edgeSessions + "' with token auth " +
                "needs '--edge-token FILE' (the token the router's own OSC and MQTT bridge sessions present)");
        }
        if ((tlsCert == null) != (tlsKey == null))
        {
            throw new CommandLine.ParameterException(commandLine,
                "Options '--tls-cert' and '--tls-key' go together");
        }
        if (aeronAllow != null && !aeronOn)
        {
            throw new CommandLine.ParameterException(commandLine,
                "Option '--aeron-allow' needs '--aeron-endpoint' (the Aeron edge is off without it)");
        }
        if (authPort == null)
        {
            final CommandLine.ParseResult parsed = commandLine.getParseResult();
            for (final String apiOnly : new String[] {"--auth-db", "--token-ttl", "--cors-origin", "--auth-scopes",
                "--guest-scopes"})
            {
                if (parsed.hasMatchedOption(apiOnly))
                {
                    throw new CommandLine.ParameterException(commandLine,
                        "Option '" + apiOnly + "' needs '--auth-port' (the auth API is off without it)");
                }
            }
        }
        if (tokenTtl.isZero() || tokenTtl.isNegative())
        {
            throw new CommandLine.ParameterException(commandLine, "Invalid value for option '--token-ttl': must be > 0");
        }
        try
        {
            apiConfig();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(commandLine, "Invalid scopes: " + ex.getMessage());
        }
    }

    private String readEdgeToken(final CommandLine commandLine)
    {
        final List<String> lines;
        try
        {
            lines = java.nio.file.Files.readAllLines(edgeTokenFile, java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (final java.io.IOException | java.io.UncheckedIOException ex)
        {
            throw new CommandLine.ParameterException(commandLine, "Invalid value for option '--edge-token': cannot " +
                "read " + edgeTokenFile + " (" + ex.getClass().getSimpleName() + ")");
        }
        final String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace))
        {
            // Never echo the file's content: it is a secret.
            throw new CommandLine.ParameterException(commandLine, "Invalid value for option '--edge-token': the " +
                "first line of " + edgeTokenFile + " must be one token");
        }
        return token;
    }

    /** {@code --auth-db}, else {@value #AUTH_DB_IN_DATA_DIR} inside {@code --data-dir}, else the working directory's. */
    Path authDb()
    {
        if (authDb != null)
        {
            return authDb;
        }
        return dataDir != null ? dataDir.resolve(AUTH_DB_IN_DATA_DIR) : Path.of(AUTH_DB_DEFAULT);
    }

    /** The auth API's settings from the flags. */
    AuthApi.Config apiConfig()
    {
        return new AuthApi.Config()
            .tokenTtl(tokenTtl)
            .userScopes(List.of(userScopes.split(",")))
            .guestScopes("none".equals(guestScopes.strip()) ? null : List.of(guestScopes.split(",")))
            .corsOrigins(corsOrigins == null ? List.of() : corsOrigins);
    }

    static final class CidrConverter implements CommandLine.ITypeConverter<CidrAllowList>
    {
        public CidrAllowList convert(final String value)
        {
            try
            {
                return CidrAllowList.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(ex.getMessage());
            }
        }
    }
}
