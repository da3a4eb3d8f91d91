package to.clasp.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Handling of token text. Sources never keep or compare a token as a String: they key their tables by the token's
 * SHA-256 digest ({@link TokenDigest}), so a lookup's timing depends only on the digest — which tells an attacker
 * nothing about any valid token — and a table dump or heap dump holds no usable token. Digests are compared with
 * {@link MessageDigest#isEqual}, which takes the same time wherever they differ.
 */
public final class Secrets
{
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets()
    {
    }

    /** SHA-256 of the token's UTF-8 bytes. */
    public static byte[] sha256(final String token)
    {
        return sha256Bytes(token.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of bytes. */
    public static byte[] sha256Bytes(final byte[] bytes)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }

    /** Constant-time equality (time independent of where the arrays differ). */
    public static boolean constantTimeEquals(final byte[] a, final byte[] b)
    {
        return MessageDigest.isEqual(a, b);
    }

    /** Fill {@code bytes} from the shared {@link SecureRandom}. */
    public static byte[] randomBytes(final byte[] bytes)
    {
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /**
     * A new CPSK token, {@code cpsk_} + 32 lowercase hex digits: the reference router's format (a random UUID v4
     * without hyphens), from {@link SecureRandom}.
     */
    public static String newCpskToken()
    {
        final byte[] b = randomBytes(new byte[16]);
        b[6] = (byte)((b[6] & 0x0F) | 0x40); // version 4
        b[8] = (byte)((b[8] & 0x3F) | 0x80); // IETF variant
        return "cpsk_" + HexFormat.of().formatHex(b);
    }

    /** A token's digest as a hash-map key. */
    public static final class TokenDigest
    {
        private final byte[] digest;
        private final int hash;

        private TokenDigest(final byte[] digest)
        {
            this.digest = digest;
            this.hash = Arrays.hashCode(digest);
        }

        public static TokenDigest of(final String token)
        {
            return new TokenDigest(sha256(token));
        }

        /** From a stored digest (hex, as the auth database keeps it). */
        public static TokenDigest ofHex(final String hex)
        {
            return new TokenDigest(HexFormat.of().parseHex(hex));
        }

        public String hex()
        {
            return HexFormat.of().formatHex(digest);
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof TokenDigest && constantTimeEquals(((TokenDigest)o).digest, digest);
        }

        @Override
        public int hashCode()
        {
            return hash;
        }

        @Override
        public String toString()
        {
            return "TokenDigest";
        }
    }
}
