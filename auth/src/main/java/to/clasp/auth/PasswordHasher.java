package to.clasp.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import to.clasp.security.Secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Argon2id password hashes (Bouncy Castle) as PHC strings, the format the reference router's {@code argon2} crate
 * writes into its users table — {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, salt and hash in unpadded
 * base64 — so a reference auth database can be used as it is, and its users log in unchanged. New hashes use the
 * crate's defaults (19 MiB, 2 passes, 1 lane, 16-byte salt, 32-byte hash); verification reads the parameters of
 * each stored hash (argon2id, argon2i or argon2d) and compares in constant time.
 */
public final class PasswordHasher
{
    /** Memory in KiB, passes, lanes: the argon2 crate's defaults (OWASP's minimum recommendation). */
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int SALT_LENGTH = 16;
    private static final int HASH_LENGTH = 32;
    /** Bounds on parameters read from a stored hash, so a corrupt row cannot make a login allocate gigabytes. */
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 64;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private PasswordHasher()
    {
    }

    /** Hash a new password with a fresh random salt. */
    public static String hash(final String password)
    {
        final byte[] salt = Secrets.randomBytes(new byte[SALT_LENGTH]);
        final byte[] hash = argon2(Argon2Parameters.ARGON2_id, MEMORY_KIB, ITERATIONS, PARALLELISM, salt,
            password, HASH_LENGTH);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" +
            B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Does {@code password} match the stored PHC string? False for a malformed or unsupported one. */
    public static boolean verify(final String password, final String phc)
    {
        // $argon2id$v=19$m=19456,t=2,p=1$salt$hash
        final String[] parts = phc.split("\\$", -1);
        if (parts.length != 6 || !parts[0].isEmpty())
        {
            return false;
        }
        final int type;
        switch (parts[1])
        {
            case "argon2id":
                type = Argon2Parameters.ARGON2_id;
                break;
            case "argon2i":
                type = Argon2Parameters.ARGON2_i;
                break;
            case "argon2d":
                type = Argon2Parameters.ARGON2_d;
                break;
            default:
                return false;
        }
        if (!"v=19".equals(parts[2]))
        {
            return false;
        }
        int memory = -1;
        int iterations = -1;
        int parallelism = -1;
        try
        {
            for (final String param : parts[3].split(","))
            {
                final int eq = param.indexOf('=');
                final int value = Integer.parseInt(param.substring(eq + 1));
                switch (param.substring(0, Math.max(eq, 0)))
                {
                    case "m":
                        memory = value;
                        break;
                    case "t":
                        iterations = value;
                        break;
                    case "p":
                        parallelism = value;
                        break;
                    default:
                        return false;
                }
            }
            if (memory < 8 || memory > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS ||
                parallelism < 1 || parallelism > 16)
            {
                return false;
            }
            final byte[] salt = B64D.decode(parts[4]);
            final byte[] expected = B64D.decode(parts[5]);
            if (expected.length < 4 || expected.length > 128)
            {
                return false;
            }
            final byte[] actual = argon2(type, memory, iterations, parallelism, salt, password, expected.length);
            return Secrets.constantTimeEquals(expected, actual);
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }

    private static byte[] argon2(
        final int type,
        final int memoryKib,
        final int iterations,
        final int parallelism,
        final byte[] salt,
        final String password,
        final int length)
    {
        final Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(type)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build());
        final byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
