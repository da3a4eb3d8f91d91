package to.clasp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import to.clasp.security.AuthResult;
import to.clasp.security.IssuedTokens;
import to.clasp.security.ScopeAction;
import to.clasp.transport.http.HttpEndpointServer;
import to.clasp.transport.ws.ServerTls;
import to.clasp.transport.ws.testing.TestCertificates;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPSK auth API over real HTTP: the reference's JSON shapes and error texts, tokens that HELLO checks accept,
 * the per-IP limits (login 5 / 60 s, register 10 / 60 s) with a controllable clock, CORS, hostile requests, tokens
 * that survive a restart, the admin token file, and HTTPS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuthEndpointTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_780_000_000_000L);
    private final IssuedTokens tokens = new IssuedTokens();
    private AuthDatabase db;
    private AuthEndpoint server;

    private AuthEndpoint start(final AuthApi.Config config) throws Exception
    {
        db = AuthDatabase.open(dir.resolve("data/auth.db"));
        server = AuthEndpoint.start(http(), new AuthApi(config.clock(clock::get), db, tokens));
        return server;
    }

    private static HttpEndpointServer.Context http()
    {
        return new HttpEndpointServer.Context().host("127.0.0.1");
    }

    @AfterEach
    void stop() throws Exception
    {
        if (server != null)
        {
            server.close();
        }
        if (db != null)
        {
            db.close();
        }
    }

    private HttpResponse<String> post(final String path, final String body) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> response) throws Exception
    {
        return JSON.readTree(response.body());
    }

    private long now()
    {
        return clock.get();
    }

    @Test
    void registerLoginAndGuestIssueTokensTheRouterAccepts() throws Exception
    {
        start(new AuthApi.Config());
        final HttpResponse<String> registered = post("/auth/register",
            "{\"username\":\" alice \",\"password\":\"secure-password\",\"scopes\":[\"admin:/**\"]}");
        assertEquals(200, registered.statusCode(), registered.body());
        assertEquals("application/json", registered.headers().firstValue("content-type").orElse(""));
        final JsonNode body = json(registered);
        final String token = body.get("token").asText();
        assertTrue(token.matches("cpsk_[0-9a-f]{32}"), token);
        assertEquals("alice", body.get("username").asText());
        assertTrue(body.get("user_id").asText().matches("u-\\d+-[0-9a-f]{8}"), body.toString());
        assertEquals("[\"read:/**\",\"write:/**\"]", body.get("scopes").toString(), "requested scopes are ignored");

        final AuthResult accepted = tokens.authenticate(token, now());
        assertTrue(accepted.isAccepted());
        assertTrue(accepted.grant().scopes().allows(ScopeAction.WRITE, "/x"));
        assertFalse(accepted.grant().scopes().allows(ScopeAction.ADMIN, "/x"));
        assertEquals(body.get("user_id").asText(), accepted.grant().subject());
        assertEquals(AuthResult.EXPIRED, tokens.authenticate(token, now() + Duration.ofDays(1).toMillis()).errorCode());

        final HttpResponse<String> login = post("/auth/login", "{\"username\":\"alice\",\"password\":\"secure-password\"}");
        assertEquals(200, login.statusCode(), login.body());
        final String second = json(login).get("token").asText();
        assertFalse(second.equals(token), "a new token per login");
        assertEquals(body.get("user_id").asText(), json(login).get("user_id").asText());
        assertTrue(tokens.authenticate(second, now()).isAccepted());

        final HttpResponse<String> guest = post("/auth/guest", "{}");
        assertEquals(200, guest.statusCode(), guest.body());
        final JsonNode g = json(guest);
        assertTrue(g.get("username").asText().startsWith("guest-"), g.toString());
        final AuthResult guestGrant = tokens.authenticate(g.get("token").asText(), now());
        assertTrue(guestGrant.grant().scopes().allows(ScopeAction.READ, "/x"));
        assertFalse(guestGrant.grant().scopes().allows(ScopeAction.WRITE, "/x"), "guests read only by default");

        final HttpResponse<String> named = post("/auth/guest", "{\"name\":\"bob\",\"user_id\":\"device_7\"}");
        assertEquals("bob", json(named).get("username").asText());
        assertEquals("device_7", json(named).get("user_id").asText());
    }

    @Test
    void referenceValidationAndErrors() throws Exception
    {
        start(new AuthApi.Config().userScopes(List.of("read:/**", "write:/users/{userId}/**")).guestScopes(null));
        assertError(post("/auth/register", "{\"username\":\"a\",\"password\":\"secure-password\"}"), 400,
            "Username must be 2-32 characters");
        assertError(post("/auth/register", "{\"username\":\"" + "x".repeat(33) + "\",\"password\":\"secure-password\"}"),
            400, "Username must be 2-32 characters");
        assertError(post("/auth/register", "{\"username\":\"carol\",\"password\":\"12345\"}"), 400,
            "Password must be at least 6 characters");
        assertError(post("/auth/register", "{\"username\":\"carol\"}"), 400, "Invalid JSON");
        assertError(post("/auth/register", "not json"), 400, "Invalid JSON");
        assertError(post("/auth/register", "{\"username\":\"carol\",\"password\":\"secure\",\"user_id\":\"a/b\"}"), 400,
            "Invalid user_id format (alphanumeric, hyphens, underscores; max 64 chars)");

        final HttpResponse<String> carol = post("/auth/register",
            "{\"username\":\"carol\",\"password\":\"secure\",\"user_id\":\"carol-1\"}");
        assertEquals(200, carol.statusCode(), carol.body());
        assertEquals("[\"read:/**\",\"write:/users/carol-1/**\"]", json(carol).get("scopes").toString());
        assertError(post("/auth/register", "{\"username\":\"carol\",\"password\":\"secure2\"}"), 409,
            "Username or identity already taken");
        assertError(post("/auth/register", "{\"username\":\"dave\",\"password\":\"secure2\",\"user_id\":\"carol-1\"}"),
            409, "Username or identity already taken");

        assertError(post("/auth/login", "{\"username\":\"carol\",\"password\":\"wrong!\"}"), 401,
            "Invalid username or password");
        assertError(post("/auth/login", "{\"username\":\"nobody\",\"password\":\"wrong!\"}"), 401,
            "Invalid username or password");
        assertError(post("/auth/guest", "{}"), 403, "Guest access is disabled");
        assertError(post("/auth/nothing", "{}"), 404, "Not found");
        final HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/auth/login")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("Method not allowed", json(get).get("error").asText());
        assertEquals("POST, OPTIONS", get.headers().firstValue("allow").orElse(""));
        assertEquals("application/json", get.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void guestCannotTakeARegisteredIdentity() throws Exception
    {
        start(new AuthApi.Config());
        post("/auth/register", "{\"username\":\"Erin\",\"password\":\"secure-password\",\"user_id\":\"erin\"}");
        assertError(post("/auth/guest", "{\"user_id\":\"erin\"}"), 409,
            "This identity belongs to a registered user. Please sign in.");
        assertError(post("/auth/guest", "{\"name\":\"ERIN\"}"), 409,
            "That name belongs to a registered user. Sign in or pick a different name.");
    }

    @Test
    void bruteForceOnLoginIsLimitedPerIpAndUserAndCounted() throws Exception
    {
        start(new AuthApi.Config());
        post("/auth/register", "{\"username\":\"frank\",\"password\":\"right-password\"}");
        for (int i = 0; i < 5; i++)
        {
            assertEquals(401, post("/auth/login", "{\"username\":\"frank\",\"password\":\"guess" + i + "\"}").statusCode());
        }
        // Sixth attempt within the minute: refused before the password is even checked, the right one included.
        assertError(post("/auth/login", "{\"username\":\"frank\",\"password\":\"right-password\"}"), 429,
            "Too many login attempts. Please wait a minute and try again.");
        assertEquals(429, post("/auth/login", "{\"username\":\"other\",\"password\":\"x\"}").statusCode(), "per IP too");

        clock.addAndGet(60_001);
        assertEquals(200, post("/auth/login", "{\"username\":\"frank\",\"password\":\"right-password\"}").statusCode());
        // Success clears the counters.
        for (int i = 0; i < 4; i++)
        {
            assertEquals(401, post("/auth/login", "{\"username\":\"frank\",\"password\":\"guess" + i + "\"}").statusCode());
        }
        assertEquals(200, post("/auth/login", "{\"username\":\"frank\",\"password\":\"right-password\"}").statusCode());
    }

    @Test
    void registrationsAndGuestsAreLimitedPerIp() throws Exception
    {
        start(new AuthApi.Config());
        for (int i = 0; i < 10; i++)
        {
            final int status = i % 2 == 0 ?
                post("/auth/register", "{\"username\":\"user" + i + "\",\"password\":\"secure-password\"}").statusCode() :
                post("/auth/guest", "{}").statusCode();
            assertEquals(200, status);
        }
        assertError(post("/auth/register", "{\"username\":\"user10\",\"password\":\"secure-password\"}"), 429,
            "Too many registration attempts. Please wait and try again.");
        assertError(post("/auth/guest", "{}"), 429, "Too many requests. Please wait and try again.");
        clock.addAndGet(60_001);
        assertEquals(200, post("/auth/guest", "{}").statusCode());
    }

    @Test
    void corsPermissiveByDefaultAndRestrictedWhenConfigured() throws Exception
    {
        start(new AuthApi.Config());
        final HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/auth/login"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST").build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("access-control-allow-origin").orElse(""));
        assertEquals("POST, OPTIONS", preflight.headers().firstValue("access-control-allow-methods").orElse(""));
        stop();

        start(new AuthApi.Config().corsOrigins(List.of("https://app.example")));
        final HttpResponse<String> allowed = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/auth/guest"))
            .header("Origin", "https://app.example").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("https://app.example", allowed.headers().firstValue("access-control-allow-origin").orElse(""));
        final HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/auth/guest"))
            .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty());
    }

    @Test
    void hostileRequestsGetAnAnswerAndCostBoundedMemory() throws Exception
    {
        start(new AuthApi.Config());
        // Larger than 16 KiB: 413, nothing parsed.
        assertEquals(413, post("/auth/register", "{\"username\":\"" + "x".repeat(20_000) + "\"}").statusCode());
        // A huge token-like password is hashed like any other (no length leak), within bounds.
        assertEquals(401, post("/auth/login", "{\"username\":\"x\",\"password\":\"" + "p".repeat(15_000) + "\"}").statusCode());
        // Garbage bytes: 400 and close, the server keeps serving.
        try (Socket socket = new Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write("\u0016\u0003\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.isEmpty() || reply.matches("(?s)HTTP/1\\.[01] 400 .*"), reply);
        }
        assertEquals(200, post("/auth/guest", "{}").statusCode());
    }

    @Test
    void issuedTokensSurviveARestartAndAreStoredOnlyAsDigests() throws Exception
    {
        start(new AuthApi.Config());
        final String token = json(post("/auth/register", "{\"username\":\"gina\",\"password\":\"secure-password\"}"))
            .get("token").asText();
        stop();
        server = null;
        db = null;

        final byte[] file = Files.readAllBytes(dir.resolve("data/auth.db"));
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(token), "token text in the database");
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains("secure-password"), "password in the database");

        final IssuedTokens fresh = new IssuedTokens();
        try (AuthDatabase reopened = AuthDatabase.open(dir.resolve("data/auth.db")))
        {
            new AuthApi(new AuthApi.Config().clock(clock::get), reopened, fresh);
            assertTrue(fresh.authenticate(token, now()).isAccepted());
            assertNull(fresh.authenticate("cpsk_00000000000000000000000000000000", now()));
        }
    }

    @Test
    void adminTokenFileIsCreated0600OrRead() throws Exception
    {
        final Path file = dir.resolve("secrets/admin.token");
        final IssuedTokens admin = new IssuedTokens();
        AdminToken.install(file, admin);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final String token = Files.readString(file).strip();
        assertTrue(token.matches("cpsk_[0-9a-f]{32}"));
        final AuthResult result = admin.authenticate(token, now());
        assertTrue(result.grant().scopes().allows(ScopeAction.ADMIN, "/anything/at/all"));

        final IssuedTokens again = new IssuedTokens();
        AdminToken.install(file, again);
        assertTrue(again.authenticate(token, now()).isAccepted(), "the existing token is kept");
        assertEquals(token, Files.readString(file).strip());
    }

    private HttpResponse<String> postAs(final String bearer, final String path, final String body) throws Exception
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null)
        {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminsIssueAndRevokeTokensWithinTheirAdminScopes() throws Exception
    {
        final AuthApi.Config config = new AuthApi.Config().clock(clock::get);
        db = AuthDatabase.open(dir.resolve("auth.db"));
        final AuthApi api = new AuthApi(config, db, tokens);
        final Path adminFile = dir.resolve("admin.token");
        AdminToken.install(adminFile, tokens);
        final String admin = Files.readString(adminFile).strip();
        final to.clasp.security.Secrets.TokenDigest appAdmin = to.clasp.security.Secrets.TokenDigest.of("app-admin");
        tokens.put(appAdmin, new to.clasp.security.Grant(to.clasp.security.ScopeSet.parse("admin:/app/**,read:/**"),
            to.clasp.security.Grant.NEVER, "app admin", IssuedTokens.SOURCE));
        api.bearerAuthenticator(new to.clasp.security.Authenticator(List.of(tokens)));
        server = AuthEndpoint.start(http(), api);

        final HttpResponse<String> issued = postAs(admin, "/auth/tokens",
            "{\"scopes\":[\"read:/sensors/**\",\"write:/sensors/in/*\"],\"ttl_seconds\":3600,\"subject\":\"dashboard\"}");
        assertEquals(200, issued.statusCode(), issued.body());
        final JsonNode body = json(issued);
        final String token = body.get("token").asText();
        assertEquals("dashboard", body.get("subject").asText());
        assertEquals(now() / 1000 + 3600, body.get("expires_at").asLong());
        final AuthResult granted = tokens.authenticate(token, now());
        assertTrue(granted.grant().scopes().allows(ScopeAction.WRITE, "/sensors/in/t"));
        assertFalse(granted.grant().scopes().allows(ScopeAction.WRITE, "/sensors/t"));
        assertEquals(AuthResult.EXPIRED, tokens.authenticate(token, now() + 3_600_000).errorCode());

        // An admin of /app/** issues within /app only; a token without an admin scope, or none, cannot issue.
        assertEquals(200, postAs("app-admin", "/auth/tokens", "{\"scopes\":[\"write:/app/x/*\"]}").statusCode());
        assertError(postAs("app-admin", "/auth/tokens", "{\"scopes\":[\"read:/other\"]}"), 403,
            "Scope 'read:/other' is beyond the caller's admin scopes");
        assertError(postAs("app-admin", "/auth/tokens", "{\"scopes\":[\"read:/app/**\",\"admin:/**\"]}"), 403,
            "Scope 'admin:/**' is beyond the caller's admin scopes");
        assertError(postAs(token, "/auth/tokens", "{\"scopes\":[\"read:/sensors/a\"]}"), 401,
            "Admin token required (Authorization: Bearer TOKEN)");
        assertError(postAs(null, "/auth/tokens", "{\"scopes\":[]}"), 401,
            "Admin token required (Authorization: Bearer TOKEN)");
        assertError(postAs("cpsk_wrong", "/auth/tokens", "{\"scopes\":[]}"), 401,
            "Admin token required (Authorization: Bearer TOKEN)");
        assertError(postAs(admin, "/auth/tokens", "{\"scopes\":[\"rd:/x\"]}"), 400,
            "scope 'rd:/x': unknown action 'rd' (read, write or admin)");
        assertError(postAs(admin, "/auth/tokens", "{\"scopes\":[\"read:/x\"],\"ttl_seconds\":0}"), 400,
            "ttl_seconds must be 1..316224000");

        // Revocation: the /app admin cannot revoke a /sensors token; the root admin can; then it is gone everywhere.
        assertError(postAs("app-admin", "/auth/revoke", "{\"token\":\"" + token + "\"}"), 403,
            "Scope 'read:/sensors/**' is beyond the caller's admin scopes");
        final HttpResponse<String> revoked = postAs(admin, "/auth/revoke", "{\"token\":\"" + token + "\"}");
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertNull(tokens.authenticate(token, now()));
        assertFalse(tokens.isCurrent(granted.grant(), now()));
        assertError(postAs(admin, "/auth/revoke", "{\"token\":\"" + token + "\"}"), 404, "Unknown token");
        final IssuedTokens reloaded = new IssuedTokens();
        new AuthApi(config, db, reloaded);
        assertNull(reloaded.authenticate(token, now()), "revocation reaches the database");
    }

    @Test
    void httpsWithTheRoutersCertificate() throws Exception
    {
        final TestCertificates certs = TestCertificates.create(dir);
        db = AuthDatabase.open(dir.resolve("auth.db"));
        server = AuthEndpoint.start(http().tls(ServerTls.load(certs.certificate(), certs.privateKey())),
            new AuthApi(new AuthApi.Config(), db, tokens));
        assertEquals("https", server.scheme());
        final HttpClient https = HttpClient.newBuilder().sslContext(certs.clientContext()).build();
        final HttpResponse<String> guest = https.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/auth/guest"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, guest.statusCode(), guest.body());
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String message)
        throws Exception
    {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(message, json(response).get("error").asText());
    }
}
