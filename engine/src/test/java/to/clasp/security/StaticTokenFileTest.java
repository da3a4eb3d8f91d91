package to.clasp.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticTokenFileTest
{
    private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private Path write(final String name, final String... lines) throws Exception
    {
        final Path file = dir.resolve(name);
        final Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, List.of(lines));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    @Test
    void readsTokensScopesExpiriesAndComments() throws Exception
    {
        final Path file = write("tokens",
            "# operators",
            "s3cret read:/public/**,write:/public/in/**",
            "   ",
            "  # indented comment",
            "spaced   read:/a/**,  write:/a/in/*   expires=2027-01-31T12:00:00Z",
            "old read:/** expires=2026-01-01",
            "offset read:/** expires=2026-06-01T02:00:00+03:00",
            "local read:/** expires=2026-06-01T00:00:01",
            "nothing");
        final StaticTokenFile tokens = StaticTokenFile.load(file);
        assertEquals(6, tokens.size());

        final Grant s3cret = tokens.authenticate("s3cret", NOW).grant();
        assertTrue(s3cret.scopes().allows(ScopeAction.READ, "/public/x"));
        assertTrue(s3cret.scopes().allows(ScopeAction.WRITE, "/public/in/x"));
        assertFalse(s3cret.scopes().allows(ScopeAction.WRITE, "/public/x"));
        assertEquals(Grant.NEVER, s3cret.expiresAtEpochMs());
        assertEquals("static", s3cret.source());
        assertEquals("line 2", s3cret.subject());

        final Grant spaced = tokens.authenticate("spaced", NOW).grant();
        assertEquals("read:/a/**,write:/a/in/*", spaced.scopes().toString());
        assertEquals(Instant.parse("2027-01-31T12:00:00Z").toEpochMilli(), spaced.expiresAtEpochMs());

        assertEquals(AuthResult.EXPIRED, tokens.authenticate("old", NOW).errorCode());
        assertEquals(AuthResult.EXPIRED, tokens.authenticate("offset", NOW).errorCode()); // 23:00Z the day before
        assertTrue(tokens.authenticate("local", NOW).isAccepted());
        assertTrue(tokens.authenticate("nothing", NOW).grant().scopes().isEmpty());
        assertNull(tokens.authenticate("S3CRET", NOW));
        assertNull(tokens.authenticate("s3cre", NOW));
        assertNull(tokens.authenticate("# operators", NOW));
    }

    @Test
    void badLinesNameTheLineAndNeverTheToken() throws Exception
    {
        assertError("tokens: line 2: scope 'rread:/a': unknown action 'rread' (read, write or admin)",
            "# c", "hunter2 rread:/a");
        assertError("tokens: line 1: scope 'read:a': invalid pattern: must start with '/'", "hunter2 read:a");
        assertError("tokens: line 3: duplicate token (first on line 1)",
            "hunter2 read:/a", "other read:/b", "hunter2 write:/c");
        assertError("tokens: line 1: expires='tomorrow' is not an ISO-8601 date or date-time (e.g. 2027-01-31T12:00:00Z)",
            "hunter2 read:/a expires=tomorrow");
        assertError("tokens: line 1: empty scope in 'read:/a,,write:/b'", "hunter2 read:/a,,write:/b");
        assertError("tokens: line 1: scope 'expire=2027-01-01' is not ACTION:PATTERN",
            "hunter2 read:/a expire=2027-01-01");
        assertError("tokens: line 1: expires= given twice", "hunter2 read:/a expires=2027-01-01 expires=2028-01-01");
    }

    private void assertError(final String expected, final String... lines) throws Exception
    {
        final Path file = write("tokens", lines);
        final TokenFileException ex = assertThrows(TokenFileException.class, () -> StaticTokenFile.load(file));
        assertEquals(expected.replace("tokens:", file.toAbsolutePath() + ":"), ex.getMessage());
        assertFalse(ex.getMessage().contains("hunter2"));
    }

    @Test
    void unreadableFileIsAnError() throws Exception
    {
        final TokenFileException missing =
            assertThrows(TokenFileException.class, () -> StaticTokenFile.load(dir.resolve("absent")));
        assertTrue(missing.getMessage().startsWith("cannot read tokens file "), missing.getMessage());
        assertTrue(missing.getMessage().endsWith(": no such file"), missing.getMessage());
        assertThrows(TokenFileException.class, () -> StaticTokenFile.load(dir));
        if (!"root".equals(System.getProperty("user.name")))
        {
            final Path locked = write("locked", "t read:/a");
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            assertThrows(TokenFileException.class, () -> StaticTokenFile.load(locked));
        }
    }

    @Test
    void reloadSwapsTheTableKeepsUnchangedGrantsAndKeepsOldTokensOnError() throws Exception
    {
        final Path file = write("tokens", "keep read:/a/**", "drop read:/b/**", "change read:/c/**");
        final StaticTokenFile tokens = StaticTokenFile.load(file);
        final Grant keep = tokens.authenticate("keep", NOW).grant();
        final Grant drop = tokens.authenticate("drop", NOW).grant();
        final Grant change = tokens.authenticate("change", NOW).grant();
        final int[] reloads = {0};
        tokens.addReloadListener(() -> reloads[0]++);

        write("tokens", "# moved down a line", "keep read:/a/**", "change write:/c/**", "new read:/d");
        assertTrue(tokens.reload());
        assertEquals(1, reloads[0]);
        assertSame(keep, tokens.authenticate("keep", NOW).grant());
        assertTrue(tokens.isCurrent(keep, NOW));
        assertNull(tokens.authenticate("drop", NOW));
        assertFalse(tokens.isCurrent(drop, NOW));
        assertNotSame(change, tokens.authenticate("change", NOW).grant());
        assertFalse(tokens.isCurrent(change, NOW));
        assertTrue(tokens.authenticate("new", NOW).isAccepted());

        assertTrue(tokens.reload()); // unchanged content: no listener call
        assertEquals(1, reloads[0]);

        write("tokens", "keep read:/a/**", "broken nope:/x");
        assertFalse(tokens.reload());
        assertTrue(tokens.authenticate("new", NOW).isAccepted());
        assertEquals(1, reloads[0]);

        Files.delete(file);
        assertFalse(tokens.reload());
        assertTrue(tokens.authenticate("keep", NOW).isAccepted());
    }

    @Test
    void watchReloadsWhenTheFileIsReplaced() throws Exception
    {
        final Path file = write("tokens", "first read:/a");
        try (StaticTokenFile tokens = StaticTokenFile.load(file))
        {
            final CountDownLatch reloaded = new CountDownLatch(1);
            tokens.addReloadListener(reloaded::countDown);
            tokens.watch();
            write("tokens", "second read:/a");
            assertTrue(reloaded.await(10, TimeUnit.SECONDS), "no reload after the file changed");
            assertNull(tokens.authenticate("first", NOW));
            assertTrue(tokens.authenticate("second", NOW).isAccepted());
        }
    }

    @Test
    void authenticatorChainsSourcesAndRefusesWithTheRightCode() throws Exception
    {
        final StaticTokenFile file = StaticTokenFile.load(write("tokens", "t1 read:/a", "gone read:/a expires=2020-01-01"));
        final IssuedTokens issued = new IssuedTokens();
        final Grant adminGrant = new Grant(ScopeSet.parse("admin:/**"), Grant.NEVER, "admin", IssuedTokens.SOURCE);
        issued.put(Secrets.TokenDigest.of("cpsk_0123"), adminGrant);
        final Authenticator auth = new Authenticator(List.of(file, issued));

        assertTrue(auth.enabled());
        assertEquals("static", auth.authenticate("t1", NOW).grant().source());
        assertSame(adminGrant, auth.authenticate("cpsk_0123", NOW).grant());
        assertEquals(AuthResult.UNAUTHORIZED, auth.authenticate(null, NOW).errorCode());
        assertEquals("no token", auth.authenticate("", NOW).reason());
        assertEquals("unknown token", auth.authenticate("t2", NOW).reason());
        assertEquals(AuthResult.EXPIRED, auth.authenticate("gone", NOW).errorCode());
        assertEquals(AuthResult.UNAUTHORIZED, auth.authenticate("x".repeat(Authenticator.MAX_TOKEN_LENGTH + 1), NOW).errorCode());
        assertTrue(auth.isCurrent(adminGrant, NOW));
        issued.remove(Secrets.TokenDigest.of("cpsk_0123"));
        assertFalse(auth.isCurrent(adminGrant, NOW));

        final Authenticator open = Authenticator.open();
        assertFalse(open.enabled());
        assertSame(Authenticator.OPEN, open.authenticate(null, NOW).grant());
    }

    @Test
    void cpskTokensHaveTheReferenceShape()
    {
        final String token = Secrets.newCpskToken();
        assertTrue(token.matches("cpsk_[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}"), token);
        assertFalse(token.equals(Secrets.newCpskToken()));
    }
}
