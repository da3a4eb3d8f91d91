package to.clasp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import to.clasp.security.AuthResult;
import to.clasp.security.Authenticator;
import to.clasp.security.Grant;
import to.clasp.security.IssuedTokens;
import to.clasp.security.Scope;
import to.clasp.security.ScopeAction;
import to.clasp.security.ScopeSet;
import to.clasp.security.Secrets;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The reference router's CPSK auth API, plus two admin endpoints ({@code /auth/tokens}, {@code /auth/revoke}), as
 * plain request → response logic (the HTTP binding is
 * {@link AuthEndpoint}): {@code POST /auth/register}, {@code /auth/login}, {@code /auth/guest}, with the
 * reference's JSON shapes, error texts, validation and per-IP limits, issuing {@code cpsk_<uuid>} tokens into
 * {@link IssuedTokens} (what HELLO checks read) and the database (so they survive a restart).
 * <p>
 * Requests: register and login {@code {"username", "password", "user_id"?}}, guest {@code {"name"?, "user_id"?}}.
 * Success: {@code 200 {"token", "user_id", "username", "scopes"}}; failure: {@code {"error": "..."}} with 400, 401,
 * 403, 409, 429 or 500. Differences from the reference are in {@code docs/differences.md}.
 */
public final class AuthApi
{
    private static final Logger LOG = LoggerFactory.getLogger(AuthApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Verified against when a login names no user, so a missing user costs the same time as a wrong password. */
    private static final String DUMMY_HASH = PasswordHasher.hash("not a password");

    private final Config config;
    private final AuthDatabase db;
    private final IssuedTokens tokens;
    private final AttemptLimiter loginLimiter;
    private final AttemptLimiter registerLimiter;
    private volatile Authenticator bearers;

    /** What the API issues and allows. */
    public static final class Config
    {
        /** Default {@link #tokenTtl}: one day, as the reference. */
        public static final Duration TOKEN_TTL_DEFAULT = Duration.ofDays(1);
        /** Default scopes of registered users: the reference's default when it has no app config. */
        public static final String USER_SCOPES_DEFAULT = "read:/**,write:/**";
        /** Default scopes of guests: read only (the reference gives guests the users' scopes). */
        public static final String GUEST_SCOPES_DEFAULT = "read:/**";

        private Duration tokenTtl = TOKEN_TTL_DEFAULT;
        private List<String> userScopes = List.of(USER_SCOPES_DEFAULT.split(","));
        private List<String> guestScopes = List.of(GUEST_SCOPES_DEFAULT.split(","));
        private List<String> corsOrigins = List.of();
        private int loginMaxAttempts = 5;
        private int registerMaxAttempts = 10;
        private long limitWindowMs = 60_000;
        private LongSupplier clockMs = System::currentTimeMillis;

        public Duration tokenTtl()
        {
            return tokenTtl;
        }

        /** Lifetime of issued tokens ({@code --token-ttl}). */
        public Config tokenTtl(final Duration ttl)
        {
            this.tokenTtl = Objects.requireNonNull(ttl);
            return this;
        }

        /**
         * Scope templates for registered users ({@code --auth-scopes}); {@code {userId}} is replaced by the user's
         * id. Checked here: every template must give a valid scope.
         */
        public Config userScopes(final List<String> templates)
        {
            this.userScopes = checkTemplates(templates);
            return this;
        }

        /** Scope templates for guests ({@code --guest-scopes}); null turns {@code /auth/guest} off (403). */
        public Config guestScopes(final List<String> templates)
        {
            this.guestScopes = templates == null ? null : checkTemplates(templates);
            return this;
        }

        /** Origins allowed by CORS ({@code --cors-origin}); empty = any origin (the reference's permissive mode). */
        public Config corsOrigins(final List<String> origins)
        {
            this.corsOrigins = List.copyOf(origins);
            return this;
        }

        public List<String> corsOrigins()
        {
            return corsOrigins;
        }

        /** Attempts per window: failed logins per IP and per username, and registrations/guests per IP. */
        public Config limits(final int loginMax, final int registerMax, final long windowMs)
        {
            this.loginMaxAttempts = loginMax;
            this.registerMaxAttempts = registerMax;
            this.limitWindowMs = windowMs;
            return this;
        }

        /** Wall clock in ms (tests). */
        public Config clock(final LongSupplier clockMs)
        {
            this.clockMs = clockMs;
            return this;
        }

        private static List<String> checkTemplates(final List<String> templates)
        {
            for (final String template : templates)
            {
                Scope.parse(template.replace("{userId}", "u"));
            }
            return List.copyOf(templates);
        }
    }

    /** A request as the HTTP binding hands it over. */
    public static final class Request
    {
        final String method;
        final String path;
        final String remoteIp;
        final String origin;
        final String authorization;
        final byte[] body;

        public Request(final String method, final String path, final String remoteIp, final String origin, final byte[] body)
        {
            this(method, path, remoteIp, origin, null, body);
        }

        /** @param authorization the {@code Authorization} header (the admin endpoints want {@code Bearer TOKEN}). */
        public Request(final String method, final String path, final String remoteIp, final String origin,
            final String authorization, final byte[] body)
        {
            this.method = method;
            this.path = path;
            this.remoteIp = remoteIp;
            this.origin = origin;
            this.authorization = authorization;
            this.body = body;
        }
    }

    /** A response: status, extra headers, JSON body (empty for a preflight). */
    public static final class Response
    {
        public final int status;
        public final Map<String, String> headers;
        public final byte[] body;

        Response(final int status, final Map<String, String> headers, final byte[] body)
        {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public String bodyText()
        {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * @param db     where users and issued tokens are kept; its live tokens are loaded into {@code tokens} now.
     * @param tokens the table HELLO checks read.
     */
    public AuthApi(final Config config, final AuthDatabase db, final IssuedTokens tokens) throws SQLException
    {
        this.config = config;
        this.db = db;
        this.tokens = tokens;
        this.loginLimiter = new AttemptLimiter(config.loginMaxAttempts, config.limitWindowMs, 100_000, config.clockMs);
        this.registerLimiter = new AttemptLimiter(config.registerMaxAttempts, config.limitWindowMs, 100_000,
            config.clockMs);
        final long now = config.clockMs.getAsLong();
        db.deleteExpiredTokens(now);
        for (final AuthDatabase.TokenRow row : db.liveTokens(now))
        {
            try
            {
                tokens.put(row.digest, new Grant(ScopeSet.parse(row.scopes), row.expiresAtMs, row.userId,
                    IssuedTokens.SOURCE));
            }
            catch (final IllegalArgumentException ex)
            {
                LOG.warn("auth database: a token of user {} has unusable scopes, skipped: {}", row.userId, ex.getMessage());
            }
        }
    }

    /**
     * Where the admin endpoints ({@code /auth/tokens}, {@code /auth/revoke}) check their bearer token: the router's
     * {@link Authenticator}, so a static token, the admin token or a capability token with admin scopes works. Until
     * set, the admin endpoints answer 401.
     */
    public void bearerAuthenticator(final Authenticator authenticator)
    {
        this.bearers = authenticator;
    }

    /** Handle one request. Blocking (database, Argon2): call it from a worker thread, never an event loop. */
    public Response handle(final Request request)
    {
        final Map<String, String> cors = corsHeaders(request);
        if ("OPTIONS".equals(request.method))
        {
            // CORS preflight.
            cors.put("Access-Control-Allow-Methods", "POST, OPTIONS");
            cors.put("Access-Control-Allow-Headers", "*");
            cors.put("Access-Control-Max-Age", "600");
            return new Response(204, cors, new byte[0]);
        }
        final String path = request.path;
        if (!path.equals("/auth/register") && !path.equals("/auth/login") && !path.equals("/auth/guest") &&
            !path.equals("/auth/tokens") && !path.equals("/auth/revoke"))
        {
            return error(404, "Not found", cors);
        }
        if (!"POST".equals(request.method))
        {
            cors.put("Allow", "POST, OPTIONS");
            return error(405, "Method not allowed", cors);
        }
        try
        {
            switch (path)
            {
                case "/auth/register":
                    return register(request, cors);
                case "/auth/login":
                    return login(request, cors);
                case "/auth/tokens":
                    return issueForAdmin(request, cors);
                case "/auth/revoke":
                    return revoke(request, cors);
                default:
                    return guest(request, cors);
            }
        }
        catch (final SQLException ex)
        {
            LOG.error("auth database error on {}: {}", path, ex.getMessage());
            return error(500, "Database error", cors);
        }
    }

    private Response register(final Request request, final Map<String, String> cors) throws SQLException
    {
        if (registerLimiter.blocked(request.remoteIp))
        {
            return error(429, "Too many registration attempts. Please wait and try again.", cors);
        }
        registerLimiter.record(request.remoteIp);
        final JsonNode body = parse(request.body);
        if (body == null || !body.path("username").isTextual() || !body.path("password").isTextual() ||
            !optionalText(body, "user_id"))
        {
            return error(400, "Invalid JSON", cors);
        }
        final String username = body.get("username").asText().strip();
        final String password = body.get("password").asText();
        if (utf8Length(username) < 2 || utf8Length(username) > 32)
        {
            return error(400, "Username must be 2-32 characters", cors);
        }
        if (utf8Length(password) < 6)
        {
            return error(400, "Password must be at least 6 characters", cors);
        }
        final String requestedId = text(body, "user_id");
        if (requestedId != null && !USER_ID.matcher(requestedId).matches())
        {
            return error(400, "Invalid user_id format (alphanumeric, hyphens, underscores; max 64 chars)", cors);
        }
        final String userId = requestedId != null ? requestedId : newUserId();
        final long now = config.clockMs.getAsLong();
        if (!db.createUser(userId, username, PasswordHasher.hash(password), now / 1000))
        {
            return error(409, "Username or identity already taken", cors);
        }
        LOG.info("auth: registered user {} ({}) from {}", username, userId, request.remoteIp);
        return issue(userId, username, config.userScopes, cors);
    }

    private Response login(final Request request, final Map<String, String> cors) throws SQLException
    {
        final JsonNode body = parse(request.body);
        if (body == null || !body.path("username").isTextual() || !body.path("password").isTextual())
        {
            return error(400, "Invalid JSON", cors);
        }
        final String username = body.get("username").asText().strip();
        final String password = body.get("password").asText();
        final String ipKey = "ip:" + request.remoteIp;
        final String userKey = "user:" + username.toLowerCase(Locale.ROOT);
        if (loginLimiter.blocked(ipKey) || loginLimiter.blocked(userKey))
        {
            LOG.warn("auth: login rate-limited for user {} from {}", username, request.remoteIp);
            return error(429, "Too many login attempts. Please wait a minute and try again.", cors);
        }
        final AuthDatabase.User user = db.findUser(username);
        final boolean ok = PasswordHasher.verify(password, user != null ? user.passwordHash : DUMMY_HASH) && user != null;
        if (!ok)
        {
            loginLimiter.record(ipKey);
            loginLimiter.record(userKey);
            LOG.info("auth: failed login for user {} from {}", username, request.remoteIp);
            return error(401, "Invalid username or password", cors);
        }
        loginLimiter.clear(ipKey);
        loginLimiter.clear(userKey);
        LOG.info("auth: login of user {} ({}) from {}", username, user.id, request.remoteIp);
        return issue(user.id, username, config.userScopes, cors);
    }

    private Response guest(final Request request, final Map<String, String> cors) throws SQLException
    {
        if (registerLimiter.blocked(request.remoteIp))
        {
            return error(429, "Too many requests. Please wait and try again.", cors);
        }
        registerLimiter.record(request.remoteIp);
        if (config.guestScopes == null)
        {
            return error(403, "Guest access is disabled", cors);
        }
        final JsonNode body = parse(request.body);
        if (body == null || !optionalText(body, "name") || !optionalText(body, "user_id"))
        {
            return error(400, "Invalid JSON", cors);
        }
        final String requestedId = text(body, "user_id");
        if (requestedId != null && !USER_ID.matcher(requestedId).matches())
        {
            return error(400, "Invalid user_id format", cors);
        }
        final String userId = requestedId != null ? requestedId : newUserId();
        if (db.userIdExists(userId))
        {
            return error(409, "This identity belongs to a registered user. Please sign in.", cors);
        }
        final String name = text(body, "name");
        if (name != null && db.usernameTaken(name.strip()))
        {
            return error(409, "That name belongs to a registered user. Sign in or pick a different name.", cors);
        }
        final String guestName = name != null ? name.strip() : "guest-" + userId.substring(Math.max(0, userId.length() - 6));
        LOG.info("auth: guest {} ({}) from {}", guestName, userId, request.remoteIp);
        return issue(userId, guestName, config.guestScopes, cors);
    }

    private Response issue(final String userId, final String username, final List<String> templates,
        final Map<String, String> cors) throws SQLException
    {
        final List<Scope> scopes = new ArrayList<>();
        for (final String template : templates)
        {
            scopes.add(Scope.parse(template.replace("{userId}", userId)));
        }
        final ObjectNode out = JSON.createObjectNode();
        out.put("token", store(userId, scopes, config.tokenTtl.toMillis()));
        out.put("user_id", userId);
        out.put("username", username);
        scopesField(out, scopes);
        return json(200, out, cors);
    }

    /** Make a new token valid for {@code ttlMs}: in the database (by digest) and in the table HELLO checks read. */
    private String store(final String subject, final List<Scope> scopes, final long ttlMs) throws SQLException
    {
        final ScopeSet scopeSet = ScopeSet.of(scopes);
        final String token = Secrets.newCpskToken();
        final Secrets.TokenDigest digest = Secrets.TokenDigest.of(token);
        final long now = config.clockMs.getAsLong();
        final long expires = now + ttlMs;
        db.insertToken(digest, subject, scopeSet.toString(), expires, now);
        tokens.put(digest, new Grant(scopeSet, expires, subject, IssuedTokens.SOURCE));
        return token;
    }

    private static void scopesField(final ObjectNode out, final List<Scope> scopes)
    {
        final var array = out.putArray("scopes");
        for (final Scope scope : scopes)
        {
            array.add(scope.toString());
        }
    }

    /**
     * {@code POST /auth/tokens} ({@code Authorization: Bearer ADMIN_TOKEN}), body
     * {@code {"scopes": [...], "ttl_seconds"?: n, "subject"?: "name"}}: a new token with those scopes, each of which
     * must lie within one of the caller's admin scopes ({@code admin:/app/**} may issue {@code write:/app/x/*}).
     */
    private Response issueForAdmin(final Request request, final Map<String, String> cors) throws SQLException
    {
        final Grant caller = admin(request);
        if (caller == null)
        {
            return error(401, "Admin token required (Authorization: Bearer TOKEN)", cors);
        }
        final JsonNode body = parse(request.body);
        if (body == null || !body.path("scopes").isArray() || !optionalText(body, "subject") ||
            (body.has("ttl_seconds") && !body.get("ttl_seconds").canConvertToLong()))
        {
            return error(400, "Invalid JSON", cors);
        }
        final List<Scope> scopes = new ArrayList<>();
        for (final JsonNode item : body.get("scopes"))
        {
            if (!item.isTextual())
            {
                return error(400, "Invalid JSON", cors);
            }
            final Scope scope;
            try
            {
                scope = Scope.parse(item.asText());
            }
            catch (final IllegalArgumentException ex)
            {
                return error(400, ex.getMessage(), cors);
            }
            if (!caller.scopes().includes(new Scope(ScopeAction.ADMIN, scope.pattern())))
            {
                return error(403, "Scope '" + scope + "' is beyond the caller's admin scopes", cors);
            }
            scopes.add(scope);
        }
        final long ttlSeconds = body.has("ttl_seconds") ? body.get("ttl_seconds").asLong() :
            config.tokenTtl.getSeconds();
        if (ttlSeconds <= 0 || ttlSeconds > 10L * 366 * 86_400)
        {
            return error(400, "ttl_seconds must be 1.." + 10L * 366 * 86_400, cors);
        }
        final String subject = text(body, "subject") != null ? text(body, "subject") : "issued";
        final long expires = config.clockMs.getAsLong() / 1000 + ttlSeconds;
        final ObjectNode out = JSON.createObjectNode();
        out.put("token", store(subject, scopes, ttlSeconds * 1000));
        out.put("subject", subject);
        scopesField(out, scopes);
        out.put("expires_at", expires);
        LOG.info("auth: token for {} with scopes {} issued by {} from {}", subject, ScopeSet.of(scopes),
            caller.subject(), request.remoteIp);
        return json(200, out, cors);
    }

    /**
     * {@code POST /auth/revoke} ({@code Authorization: Bearer ADMIN_TOKEN}), body {@code {"token": "cpsk_..."}}: the
     * issued token stops working at once (sessions using it are closed with the core integration). The caller's admin
     * scopes must cover every scope of the revoked token.
     */
    private Response revoke(final Request request, final Map<String, String> cors) throws SQLException
    {
        final Grant caller = admin(request);
        if (caller == null)
        {
            return error(401, "Admin token required (Authorization: Bearer TOKEN)", cors);
        }
        final JsonNode body = parse(request.body);
        if (body == null || !body.path("token").isTextual())
        {
            return error(400, "Invalid JSON", cors);
        }
        final Secrets.TokenDigest digest = Secrets.TokenDigest.of(body.get("token").asText());
        final Grant target = tokens.grant(digest);
        if (target == null)
        {
            return error(404, "Unknown token", cors);
        }
        for (final Scope scope : target.scopes().scopes())
        {
            if (!caller.scopes().includes(new Scope(ScopeAction.ADMIN, scope.pattern())))
            {
                return error(403, "Scope '" + scope + "' is beyond the caller's admin scopes", cors);
            }
        }
        tokens.remove(digest);
        db.deleteToken(digest);
        LOG.info("auth: token of {} revoked by {} from {}", target.subject(), caller.subject(), request.remoteIp);
        final ObjectNode out = JSON.createObjectNode();
        out.put("revoked", true);
        return json(200, out, cors);
    }

    /** The bearer's grant when it is valid and holds at least one admin scope; else null. */
    private Grant admin(final Request request)
    {
        final Authenticator authenticator = bearers;
        final String header = request.authorization;
        if (authenticator == null || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return null;
        }
        final AuthResult result = authenticator.authenticate(header.substring(7).strip(), config.clockMs.getAsLong());
        if (!result.isAccepted())
        {
            LOG.info("auth: admin request from {} refused: {}", request.remoteIp, result.reason());
            return null;
        }
        for (final Scope scope : result.grant().scopes().scopes())
        {
            if (scope.action() == ScopeAction.ADMIN)
            {
                return result.grant();
            }
        }
        return null;
    }

    private Map<String, String> corsHeaders(final Request request)
    {
        final Map<String, String> headers = new LinkedHashMap<>();
        if (config.corsOrigins.isEmpty())
        {
            headers.put("Access-Control-Allow-Origin", "*");
        }
        else if (request.origin != null && config.corsOrigins.contains(request.origin))
        {
            headers.put("Access-Control-Allow-Origin", request.origin);
            headers.put("Vary", "Origin");
        }
        else
        {
            headers.put("Vary", "Origin");
        }
        return headers;
    }

    private static String newUserId()
    {
        // The reference's shape: u-<ms>-<8 random characters>.
        return "u-" + System.currentTimeMillis() + "-" + Secrets.newCpskToken().substring(29);
    }

    private static JsonNode parse(final byte[] body)
    {
        try
        {
            final JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        }
        catch (final java.io.IOException ex)
        {
            return null;
        }
    }

    private static boolean optionalText(final JsonNode body, final String field)
    {
        final JsonNode value = body.get(field);
        return value == null || value.isNull() || value.isTextual();
    }

    /** The field's text, or null when absent, null or blank (the reference treats blank as absent). */
    private static String text(final JsonNode body, final String field)
    {
        final JsonNode value = body.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }

    private static int utf8Length(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Response error(final int status, final String message, final Map<String, String> cors)
    {
        final ObjectNode out = JSON.createObjectNode();
        out.put("error", message);
        return json(status, out, cors);
    }

    private static Response json(final int status, final ObjectNode body, final Map<String, String> headers)
    {
        try
        {
            headers.put("Content-Type", "application/json");
            return new Response(status, headers, JSON.writeValueAsBytes(body));
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
