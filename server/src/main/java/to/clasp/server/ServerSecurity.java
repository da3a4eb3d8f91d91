package to.clasp.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.auth.AdminToken;
import to.clasp.auth.AuthApi;
import to.clasp.auth.AuthDatabase;
import to.clasp.auth.AuthEndpoint;
import to.clasp.security.Authenticator;
import to.clasp.security.CapabilityVerifier;
import to.clasp.security.Ed25519;
import to.clasp.security.IssuedTokens;
import to.clasp.security.StaticTokenFile;
import to.clasp.security.TokenFileException;
import to.clasp.security.TokenSource;
import to.clasp.server.inspector.InspectorAccess;
import to.clasp.transport.http.HttpEndpointServer;
import to.clasp.transport.ws.ServerTls;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The security components of one server process, built from {@link SecurityFlags} before anything listens: the
 * token sources behind one {@link Authenticator}, the auth API, and TLS. Every file is read here, so a missing or bad
 * one stops the start with a message that names it ({@link StartupException}, exit code 2). {@link #reload()} is
 * what SIGHUP does: the tokens file and the TLS certificate are read again (a bad file keeps the current one).
 */
final class ServerSecurity implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerSecurity.class);

    private final Authenticator authenticator;
    private final StaticTokenFile tokensFile;
    private final IssuedTokens issued;
    private final CapabilityVerifier capabilities;
    private final AuthDatabase db;
    private final AuthApi api;
    private final Integer apiPort;
    private final ServerTls tls;
    private AuthEndpoint apiServer;

    /** A configuration the server cannot start with; the message names the file or flag. */
    static final class StartupException extends Exception
    {
        private static final long serialVersionUID = 1L;

        StartupException(final String message)
        {
            super(message);
        }
    }

    private ServerSecurity(
        final Authenticator authenticator,
        final StaticTokenFile tokensFile,
        final IssuedTokens issued,
        final CapabilityVerifier capabilities,
        final AuthDatabase db,
        final AuthApi api,
        final Integer apiPort,
        final ServerTls tls)
    {
        this.authenticator = authenticator;
        this.tokensFile = tokensFile;
        this.issued = issued;
        this.capabilities = capabilities;
        this.db = db;
        this.api = api;
        this.apiPort = apiPort;
        this.tls = tls;
    }

    /** No security configured: open mode, plain ws://. */
    static ServerSecurity none()
    {
        return new ServerSecurity(Authenticator.open(), null, null, null, null, null, null, null);
    }

    static ServerSecurity open(final SecurityFlags flags) throws StartupException
    {
        final List<TokenSource> sources = new ArrayList<>();
        StaticTokenFile tokensFile = null;
        IssuedTokens issued = null;
        CapabilityVerifier capabilities = null;
        AuthDatabase db = null;
        AuthApi api = null;
        ServerTls tls = null;
        try
        {
            if (flags.tlsCert != null)
            {
                try
                {
                    tls = ServerTls.load(flags.tlsCert, flags.tlsKey);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new StartupException(ex.getMessage());
                }
            }
            if (flags.authTokens != null)
            {
                try
                {
                    tokensFile = StaticTokenFile.load(flags.authTokens);
                    tokensFile.watch();
                }
                catch (final TokenFileException ex)
                {
                    throw new StartupException(ex.getMessage());
                }
                sources.add(tokensFile);
            }
            if (flags.authPort != null || flags.adminToken != null)
            {
                issued = new IssuedTokens();
                if (flags.adminToken != null)
                {
                    AdminToken.install(flags.adminToken, issued);
                }
                if (flags.authPort != null)
                {
                    try
                    {
                        db = AuthDatabase.open(flags.authDb());
                        api = new AuthApi(flags.apiConfig(), db, issued);
                    }
                    catch (final SQLException ex)
                    {
                        throw new StartupException("cannot open auth database " + flags.authDb() + ": " +
                            ex.getMessage());
                    }
                }
                sources.add(issued);
            }
            if (flags.trustAnchors != null && !flags.trustAnchors.isEmpty())
            {
                final List<byte[]> anchors = new ArrayList<>();
                for (final Path anchor : flags.trustAnchors)
                {
                    final boolean[] privateKey = {false};
                    anchors.add(Ed25519.readTrustAnchor(anchor, privateKey));
                    if (privateKey[0])
                    {
                        LOG.warn("trust anchor {} holds a signing key; the router needs only the public key " +
                            "(give it the .pub file from 'clasp key generate')", anchor);
                    }
                }
                capabilities = new CapabilityVerifier(anchors, flags.capMaxDepth);
                sources.add(capabilities);
            }
        }
        catch (final IOException ex)
        {
            closeQuietly(tokensFile, db);
            throw new StartupException(ex.getMessage());
        }
        catch (final StartupException ex)
        {
            closeQuietly(tokensFile, db);
            throw ex;
        }
        final Authenticator authenticator = new Authenticator(sources);
        if (api != null)
        {
            api.bearerAuthenticator(authenticator);
        }
        return new ServerSecurity(authenticator, tokensFile, issued, capabilities, db, api, flags.authPort, tls);
    }

    private static void closeQuietly(final StaticTokenFile tokensFile, final AuthDatabase db)
    {
        if (tokensFile != null)
        {
            tokensFile.close();
        }
        if (db != null)
        {
            try
            {
                db.close();
            }
            catch (final SQLException ignore)
            {
                // closing after a failed start
            }
        }
    }

    Authenticator authenticator()
    {
        return authenticator;
    }

    /** Who may read the inspector's JSON data: the same tokens as HELLO when auth is on. */
    InspectorAccess inspectorAccess()
    {
        return authenticator.enabled() ? new TokenInspectorAccess(authenticator, System::currentTimeMillis) :
            InspectorAccess.OPEN;
    }

    /** The TLS setup for the WebSocket port and the auth API, or null for plain text. */
    ServerTls tls()
    {
        return tls;
    }

    /**
     * Start the auth API, when configured, on {@code host} (HTTPS with the router's certificate). It has a one-thread
     * event loop of its own: a login flood's TLS handshakes never delay the health probes.
     */
    void startApi(final String host)
    {
        if (api != null)
        {
            apiServer = AuthEndpoint.start(new HttpEndpointServer.Context().host(host).port(apiPort).tls(tls), api);
        }
    }

    /** The auth API's port, or -1 when off. */
    int apiPort()
    {
        return apiServer == null ? -1 : apiServer.port();
    }

    /** SIGHUP: read the tokens file and the certificate again. */
    void reload()
    {
        if (tokensFile != null)
        {
            tokensFile.reload();
        }
        if (tls != null)
        {
            tls.reload();
        }
    }

    /** The part of the start-up line about auth, e.g. {@code auth tokens file (3) + capability tokens (1 anchor)}. */
    String describe(final String host)
    {
        if (!authenticator.enabled())
        {
            return "auth off (open mode)";
        }
        final StringBuilder sb = new StringBuilder("auth on: ");
        final List<String> parts = new ArrayList<>();
        if (tokensFile != null)
        {
            parts.add("tokens file (" + tokensFile.size() + ")");
        }
        if (issued != null)
        {
            parts.add("CPSK tokens (" + issued.size() + ")");
        }
        if (capabilities != null)
        {
            parts.add("capability tokens");
        }
        sb.append(String.join(" + ", parts));
        if (apiServer != null)
        {
            sb.append(", auth API ").append(apiServer.scheme()).append("://").append(host).append(':')
                .append(apiServer.port()).append("/auth/");
        }
        return sb.toString();
    }

    public void close()
    {
        if (apiServer != null)
        {
            apiServer.close();
        }
        authenticator.close();
        closeQuietly(tokensFile, db);
    }
}
