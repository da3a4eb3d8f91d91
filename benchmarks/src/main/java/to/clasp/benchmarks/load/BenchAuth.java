package to.clasp.benchmarks.load;

import to.clasp.security.Secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The token of an {@code --auth} run: a random token written with its scopes into a tokens file in the run's output
 * directory (0600), for {@code clasp server --auth-tokens}. The scopes allow exactly what the scenarios do (write
 * and read {@code /bench/*}) without the everything-allowed shortcut, so each message pays a pattern check, and one
 * scope more than it needs, as a real token would have.
 *
 * @param tokensFile the file.
 * @param token      what the clients send in HELLO.
 */
public record BenchAuth(Path tokensFile, String token)
{
    /** The scopes of the run's token. */
    public static final String SCOPES = "write:/bench/*,read:/bench/**,read:/status/**";

    /** Make a token and its file in {@code dir}. */
    public static BenchAuth create(final Path dir) throws IOException
    {
        final String token = "bench-" + java.util.HexFormat.of().formatHex(Secrets.randomBytes(new byte[16]));
        final Path file = dir.resolve("bench-tokens");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "# made by ./clasp bench --auth\n" + token + " " + SCOPES + "\n");
        return new BenchAuth(file, token);
    }
}
