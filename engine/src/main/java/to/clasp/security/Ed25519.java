package to.clasp.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 with the JDK's provider, on the raw 32-byte keys CLASP capability tokens carry (RFC 8032 encodings), and
 * the key files of {@code clasp key generate}: the signing key as 64 hex digits of its 32-byte seed (the reference
 * CLI's format, written 0600) and the public key as a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, readable
 * by OpenSSL).
 */
public final class Ed25519
{
    /** Raw key and seed length. */
    public static final int KEY_LENGTH = 32;
    /** Signature length. */
    public static final int SIGNATURE_LENGTH = 64;

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33) }. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private Ed25519()
    {
    }

    /** A new random 32-byte seed (signing key). */
    public static byte[] newSeed()
    {
        return Secrets.randomBytes(new byte[KEY_LENGTH]);
    }

    /** The raw public key of a seed. */
    public static byte[] publicKey(final byte[] seed)
    {
        checkLength(seed, KEY_LENGTH, "seed");
        try
        {
            // The JDK derives a key pair from 32 bytes of its random source: hand it the seed.
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
            final KeyPair pair = generator.generateKeyPair();
            return rawPublicKey((EdECPublicKey)pair.getPublic());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", ex);
        }
    }

    /** Sign {@code message} with the key of {@code seed}. Deterministic (RFC 8032). */
    public static byte[] sign(final byte[] seed, final byte[] message)
    {
        checkLength(seed, KEY_LENGTH, "seed");
        try
        {
            final PrivateKey key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            final Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("cannot sign with Ed25519", ex);
        }
    }

    /** Does {@code signature} verify for {@code message} under the raw public key? False for any malformed input. */
    public static boolean verify(final byte[] publicKey, final byte[] message, final byte[] signature)
    {
        if (publicKey == null || publicKey.length != KEY_LENGTH || signature == null ||
            signature.length != SIGNATURE_LENGTH)
        {
            return false;
        }
        try
        {
            final Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(toPublicKey(publicKey));
            verifier.update(message);
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return false;
        }
    }

    static PublicKey toPublicKey(final byte[] raw) throws GeneralSecurityException
    {
        final byte[] littleEndian = raw.clone();
        final boolean xOdd = (littleEndian[KEY_LENGTH - 1] & 0x80) != 0;
        littleEndian[KEY_LENGTH - 1] &= 0x7F;
        final byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++)
        {
            bigEndian[i] = littleEndian[KEY_LENGTH - 1 - i];
        }
        final EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    static byte[] rawPublicKey(final EdECPublicKey key)
    {
        final EdECPoint point = key.getPoint();
        final byte[] bigEndian = point.getY().toByteArray();
        final byte[] raw = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH && i < bigEndian.length; i++)
        {
            raw[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (point.isXOdd())
        {
            raw[KEY_LENGTH - 1] |= (byte)0x80;
        }
        return raw;
    }

    /** The PEM {@code PUBLIC KEY} text of a raw public key. */
    public static String publicKeyPem(final byte[] publicKey)
    {
        checkLength(publicKey, KEY_LENGTH, "public key");
        final byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_LENGTH);
        System.arraycopy(publicKey, 0, der, SPKI_PREFIX.length, KEY_LENGTH);
        return PEM_BEGIN + "\n" + Base64.getEncoder().encodeToString(der) + "\n" + PEM_END + "\n";
    }

    /**
     * Read a signing key file: 64 hex digits (the 32-byte seed), surrounding blanks ignored.
     *
     * @throws IOException when unreadable or not in that format (the message never quotes the key).
     */
    public static byte[] readSigningKey(final Path file) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!text.matches("[0-9a-fA-F]{64}"))
        {
            throw new IOException(file + ": not an Ed25519 signing key (expected 64 hex digits)");
        }
        return HexFormat.of().parseHex(text);
    }

    /** Write a signing key file (64 hex digits), created with permissions 0600; refuses to overwrite. */
    public static void writeSigningKey(final Path file, final byte[] seed) throws IOException
    {
        checkLength(seed, KEY_LENGTH, "seed");
        writeSecretFile(file, HexFormat.of().formatHex(seed) + "\n");
    }

    /**
     * Create {@code file} with permissions 0600 from the start (no window in which it is readable by others) and
     * write {@code text}; refuses to overwrite an existing file.
     */
    public static void writeSecretFile(final Path file, final String text) throws IOException
    {
        Files.write(
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
            text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE);
    }

    /**
     * Read a trust anchor ({@code --trust-anchor FILE}) as a raw public key. Accepted: a PEM {@code PUBLIC KEY}
     * (what {@code clasp key generate} writes beside the key), 32 raw bytes, or — as the reference router reads
     * them — 64 hex digits holding a <em>signing</em> key whose public key is derived ({@code privateKeyFile[0]}
     * is set so the caller can warn that the router holds a secret it does not need).
     *
     * @throws IOException when unreadable or in none of these formats.
     */
    public static byte[] readTrustAnchor(final Path file, final boolean[] privateKeyFile) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
        if (text.startsWith(PEM_BEGIN))
        {
            final int end = text.indexOf(PEM_END);
            if (end < 0)
            {
                throw new IOException(file + ": PEM public key without its END line");
            }
            final byte[] der;
            try
            {
                der = Base64.getMimeDecoder().decode(text.substring(PEM_BEGIN.length(), end));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException(file + ": PEM public key is not valid base64");
            }
            if (der.length != SPKI_PREFIX.length + KEY_LENGTH ||
                !Arrays.equals(SPKI_PREFIX, Arrays.copyOf(der, SPKI_PREFIX.length)))
            {
                throw new IOException(file + ": PEM public key is not an Ed25519 key");
            }
            return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
        }
        if (text.matches("[0-9a-fA-F]{64}"))
        {
            if (privateKeyFile != null)
            {
                privateKeyFile[0] = true;
            }
            return publicKey(HexFormat.of().parseHex(text));
        }
        if (bytes.length == KEY_LENGTH)
        {
            return bytes;
        }
        throw new IOException(file + ": not a trust anchor (expected a PEM PUBLIC KEY, 32 raw bytes, or a 64-hex-digit " +
            "signing key)");
    }

    private static void checkLength(final byte[] bytes, final int length, final String what)
    {
        if (bytes == null || bytes.length != length)
        {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
    }

    /** A "random" source that yields one seed: how the JDK is asked for the key pair of a given seed. */
    private static final class FixedSeed extends SecureRandom
    {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(final byte[] seed)
        {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(final byte[] bytes)
        {
            if (bytes.length != seed.length)
            {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
