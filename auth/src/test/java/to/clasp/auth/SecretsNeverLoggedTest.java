package to.clasp.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import to.clasp.security.AuthResult;
import to.clasp.security.Authenticator;
import to.clasp.security.CapabilityToken;
import to.clasp.security.CapabilityVerifier;
import to.clasp.security.Ed25519;
import to.clasp.security.IssuedTokens;
import to.clasp.security.StaticTokenFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens and passwords never reach the log: every log line written (at every level, stack traces included) while
 * the auth API registers, logs in, refuses and limits, the tokens file reloads with errors and capability tokens are
 * refused, is searched for every token and password the test used.
 */
class SecretsNeverLoggedTest
{
    @TempDir
    Path dir;

    @Test
    void noTokenOrPasswordInAnyLogLine() throws Exception
    {
        final Logger root = (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final Level level = root.getLevel();
        final ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.TRACE);
        final List<String> secrets = new ArrayList<>();
        try
        {
            final ObjectMapper json = new ObjectMapper();
            final IssuedTokens issued = new IssuedTokens();
            AdminToken.install(dir.resolve("admin.token"), issued);
            secrets.add(Files.readString(dir.resolve("admin.token")).strip());

            try (AuthDatabase db = AuthDatabase.open(dir.resolve("auth.db")))
            {
                final AuthApi api = new AuthApi(new AuthApi.Config(), db, issued);
                final String password = "correct-horse-battery";
                secrets.add(password);
                for (final String body : new String[] {
                    "{\"username\":\"henry\",\"password\":\"" + password + "\"}",
                })
                {
                    secrets.add(json.readTree(call(api, "/auth/register", body).body).get("token").asText());
                }
                secrets.add(json.readTree(call(api, "/auth/login",
                    "{\"username\":\"henry\",\"password\":\"" + password + "\"}").body).get("token").asText());
                for (int i = 0; i < 7; i++)
                {
                    final String wrong = "wrong-password-" + i;
                    secrets.add(wrong);
                    call(api, "/auth/login", "{\"username\":\"henry\",\"password\":\"" + wrong + "\"}");
                }
                secrets.add(json.readTree(call(api, "/auth/guest", "{}").body).get("token").asText());
                call(api, "/auth/register", "{\"username\":\"henry\",\"password\":\"another-secret-pw\"}");
                secrets.add("another-secret-pw");

                // The admin endpoints: issue, a refused bearer, revoke.
                api.bearerAuthenticator(new Authenticator(List.of(issued)));
                final String admin = secrets.get(0);
                final String scoped = json.readTree(api.handle(new AuthApi.Request("POST", "/auth/tokens", "127.0.0.1",
                    null, "Bearer " + admin, "{\"scopes\":[\"read:/x\"],\"subject\":\"svc\"}"
                    .getBytes(StandardCharsets.UTF_8))).body).get("token").asText();
                secrets.add(scoped);
                api.handle(new AuthApi.Request("POST", "/auth/tokens", "127.0.0.1", null, "Bearer cpsk_not-a-real-one",
                    "{\"scopes\":[]}".getBytes(StandardCharsets.UTF_8)));
                secrets.add("cpsk_not-a-real-one");
                api.handle(new AuthApi.Request("POST", "/auth/revoke", "127.0.0.1", null, "Bearer " + admin,
                    ("{\"token\":\"" + scoped + "\"}").getBytes(StandardCharsets.UTF_8)));
            }

            final Path tokensFile = dir.resolve("tokens");
            Files.writeString(tokensFile, "file-token-alpha read:/**\n");
            secrets.add("file-token-alpha");
            final StaticTokenFile file = StaticTokenFile.load(tokensFile);
            Files.writeString(tokensFile, "file-token-beta nope:/x\n");
            secrets.add("file-token-beta");
            assertFalse(file.reload());

            final byte[] seed = Ed25519.newSeed();
            final String cap = CapabilityToken.createRoot(seed, List.of("read:/**"), 4_000_000_000L, null).encode();
            secrets.add(cap.substring(4, 40));
            final Authenticator auth = new Authenticator(List.of(file, issued,
                new CapabilityVerifier(List.of(Ed25519.publicKey(Ed25519.newSeed())), 5)));
            final AuthResult refused = auth.authenticate(cap, System.currentTimeMillis());
            assertFalse(refused.isAccepted());
            LoggerFactory.getLogger("test").warn("HELLO refused: {}", refused);
            secrets.add("unknown-hello-token");
            LoggerFactory.getLogger("test").warn("HELLO refused: {}",
                auth.authenticate("unknown-hello-token", System.currentTimeMillis()));
        }
        finally
        {
            root.detachAppender(captured);
            root.setLevel(level);
        }

        assertTrue(captured.list.size() >= 10, "the test should have produced log lines: " + captured.list.size());
        final StringBuilder all = new StringBuilder();
        for (final ILoggingEvent event : captured.list)
        {
            all.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null)
            {
                all.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
        }
        final String log = all.toString();
        assertTrue(log.contains("henry"), "usernames are logged (they are not secrets): " + log);
        for (final String secret : secrets)
        {
            assertFalse(log.contains(secret), "a secret reached the log: " + secret + "\n" + log);
        }
        assertEquals(-1, new String(log.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).indexOf("cpsk_"),
            "no CPSK token text at all:\n" + log);
    }

    private static AuthApi.Response call(final AuthApi api, final String path, final String body)
    {
        return api.handle(new AuthApi.Request("POST", path, "127.0.0.1", null, body.getBytes(StandardCharsets.UTF_8)));
    }
}
