package to.clasp.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import to.clasp.security.CapabilityToken;
import to.clasp.security.Ed25519;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security flags of {@code clasp server} and the {@code clasp key} / {@code clasp token} commands.
 */
class SecurityCommandsTest
{
    @TempDir
    Path dir;

    /** Exit code, stdout, stderr. */
    private static final class Run
    {
        final int code;
        final String out;
        final String err;

        Run(final int code, final String out, final String err)
        {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    private static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void unreadableOrBadTokensFileStopsTheStartWithExitCode2() throws Exception
    {
        final Run missing = run("server", "--port", "0", "--auth-tokens", dir.resolve("absent").toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err.contains("cannot read tokens file") && missing.err.contains("no such file"), missing.err);

        final Path bad = dir.resolve("tokens");
        Files.write(bad, List.of("# ops", "s3cret-token read:/a/**", "other-secret wrong:/x"));
        final Run badLine = run("server", "--port", "0", "--auth-tokens", bad.toString());
        assertEquals(2, badLine.code);
        assertTrue(badLine.err.contains(": line 3: scope 'wrong:/x': unknown action 'wrong'"), badLine.err);
        assertFalse(badLine.err.contains("secret"), "a token in the error: " + badLine.err);
    }

    @Test
    void securityFlagCombinationsAreChecked()
    {
        assertUsageError("go together", "--tls-cert", "x.pem");
        assertUsageError("needs '--aeron-endpoint'", "--aeron-allow", "10.0.0.0/8");
        assertUsageError("is not an IP address", "--aeron-endpoint", "127.0.0.1:0", "--aeron-allow", "example.com");
        assertUsageError("needs '--auth-port'", "--auth-db", "x.db");
        assertUsageError("needs '--auth-port'", "--guest-scopes", "none");
        assertUsageError("Invalid scopes", "--auth-port", "0", "--auth-scopes", "read:nope");
        assertUsageError("must be > 0", "--auth-port", "0", "--token-ttl", "0");
    }

    @Test
    void theReferencesFlagFormsWorkAndTheAuthDatabaseGoesIntoTheDataDirectory()
    {
        // The reference's --token-ttl takes seconds: a bare number is seconds here too.
        final SecurityFlags reference = new SecurityFlags();
        new CommandLine(reference).parseArgs("--auth-port", "0", "--token-ttl", "86400", "--auth-db", "relay-auth.db");
        assertEquals(Duration.ofDays(1), reference.tokenTtl);
        assertEquals(Duration.ofDays(1), reference.apiConfig().tokenTtl());
        assertEquals(Path.of("relay-auth.db"), reference.authDb(), "the reference's database file, named explicitly");

        final SecurityFlags defaults = new SecurityFlags();
        new CommandLine(defaults).parseArgs("--auth-port", "0");
        assertEquals(Duration.ofDays(1), defaults.tokenTtl);
        assertEquals(Path.of(SecurityFlags.AUTH_DB_DEFAULT), defaults.authDb());
        defaults.dataDir = dir;
        assertEquals(dir.resolve(SecurityFlags.AUTH_DB_IN_DATA_DIR), defaults.authDb());
    }

    private static void assertUsageError(final String expected, final String... flags)
    {
        final String[] args = new String[flags.length + 3];
        args[0] = "server";
        args[1] = "--port";
        args[2] = "0";
        System.arraycopy(flags, 0, args, 3, flags.length);
        final Run run = run(args);
        assertEquals(2, run.code, String.join(" ", flags) + " → " + run.err);
        assertTrue(run.err.contains(expected), run.err);
    }

    @Test
    void keyGenerateWritesASecretKeyAndAPublicPem() throws Exception
    {
        final Path key = dir.resolve("root.key");
        final Run gen = run("key", "generate", "--out", key.toString());
        assertEquals(0, gen.code, gen.err);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        final byte[] seed = Ed25519.readSigningKey(key);
        final byte[] pub = Ed25519.publicKey(seed);
        assertTrue(gen.err.contains("public key: " + HexFormat.of().formatHex(pub)), gen.err);
        assertFalse(gen.out.contains(HexFormat.of().formatHex(seed)), "the key is not printed when written");
        assertArrayEquals(pub, Ed25519.readTrustAnchor(dir.resolve("root.key.pub"), null));

        assertEquals(1, run("key", "generate", "--out", key.toString()).code, "never overwrites a key");
        assertEquals(HexFormat.of().formatHex(pub), run("key", "show", key.toString()).out.strip());
        assertTrue(run("key", "show", key.toString(), "--format", "pem").out.startsWith("-----BEGIN PUBLIC KEY-----"));

        final Run printed = run("key", "generate");
        assertTrue(printed.out.strip().matches("[0-9a-f]{64}"), printed.out);
    }

    @Test
    void tokenCreateDelegateInspectAndVerify() throws Exception
    {
        final Path root = dir.resolve("root.key");
        final Path child = dir.resolve("child.key");
        final Path stranger = dir.resolve("stranger.key");
        assertEquals(0, run("key", "generate", "--out", root.toString()).code);
        assertEquals(0, run("key", "generate", "--out", child.toString()).code);
        assertEquals(0, run("key", "generate", "--out", stranger.toString()).code);

        final Run created = run("token", "create", "--key", root.toString(), "--scopes", "write:/lights/**",
            "--expires", "30d");
        assertEquals(0, created.code, created.err);
        final String token = created.out.strip();
        assertTrue(token.startsWith("cap_"), token);
        assertTrue(created.err.contains("scopes: write:/lights/**"), created.err);
        final CapabilityToken decoded = CapabilityToken.decode(token);
        final long thirtyDays = java.time.Instant.now().getEpochSecond() + 30 * 86_400L;
        assertTrue(Math.abs(decoded.expiresAt() - thirtyDays) < 60, "expiry " + decoded.expiresAt());

        final Run delegated = run("token", "delegate", token, "--key", child.toString(), "--scopes",
            "write:/lights/zone1/**", "--expires", "7d");
        assertEquals(0, delegated.code, delegated.err);
        final String childToken = delegated.out.strip();
        assertEquals(1, CapabilityToken.decode(childToken).chainDepth());

        final Run widened = run("token", "delegate", token, "--key", child.toString(), "--scopes", "write:/audio/**");
        assertEquals(1, widened.code);
        assertTrue(widened.err.contains("is not within the parent's scopes"), widened.err);

        final Run inspect = run("token", "inspect", childToken);
        assertEquals(0, inspect.code, inspect.err);
        assertTrue(inspect.out.contains("chain depth: 1") && inspect.out.contains("signature: valid"), inspect.out);

        final String anchor = dir.resolve("root.key.pub").toString();
        final Run ok = run("token", "verify", childToken, "--trust-anchor", anchor);
        assertEquals(0, ok.code, ok.out);
        assertTrue(ok.out.startsWith("OK valid: write:/lights/zone1/**"), ok.out);
        final Run untrusted = run("token", "verify", childToken, "--trust-anchor", dir.resolve("stranger.key.pub").toString());
        assertEquals(1, untrusted.code);
        assertTrue(untrusted.out.contains("is not a trust anchor"), untrusted.out);
        // The reference reads a signing key file as a trust anchor: accepted too.
        assertEquals(0, run("token", "verify", childToken, "--trust-anchor", root.toString()).code);

        assertEquals(1, run("token", "inspect", "cap_garbage").code);
    }
}
