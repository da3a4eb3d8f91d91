package to.clasp.transport.ws;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM certificate chains and private keys for {@link ServerTls}, read with Bouncy Castle's PEM parser: PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}) keys, and the check
 * that the key belongs to the certificate — without it a mismatched pair would start and fail every handshake.
 */
final class Pem
{
    private Pem()
    {
    }

    static X509Certificate[] certificates(final Path file) throws IOException, GeneralSecurityException
    {
        final List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = open(file); PEMParser parser = new PEMParser(reader))
        {
            final JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject())
            {
                if (o instanceof X509CertificateHolder)
                {
                    chain.add(converter.getCertificate((X509CertificateHolder)o));
                }
            }
        }
        if (chain.isEmpty())
        {
            throw new IOException(file + " holds no PEM CERTIFICATE");
        }
        return chain.toArray(new X509Certificate[0]);
    }

    static PrivateKey privateKey(final Path file) throws IOException
    {
        try (Reader reader = open(file); PEMParser parser = new PEMParser(reader))
        {
            final JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject())
            {
                if (o instanceof PEMKeyPair)
                {
                    return converter.getKeyPair((PEMKeyPair)o).getPrivate();
                }
                if (o instanceof PrivateKeyInfo)
                {
                    return converter.getPrivateKey((PrivateKeyInfo)o);
                }
                if (o.getClass().getSimpleName().contains("Encrypted"))
                {
                    throw new IOException(file + " holds an encrypted private key; give the router an unencrypted one " +
                        "(readable only by its user)");
                }
            }
        }
        throw new IOException(file + " holds no PEM private key");
    }

    /** Does {@code key} sign what the certificate's public key verifies? */
    static void checkPair(final X509Certificate certificate, final PrivateKey key, final Path certFile,
        final Path keyFile) throws GeneralSecurityException
    {
        final String algorithm;
        switch (key.getAlgorithm())
        {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
            case "ECDSA":
                algorithm = "SHA256withECDSA";
                break;
            case "Ed25519":
            case "EdDSA":
                algorithm = "Ed25519";
                break;
            default:
                return; // let the TLS provider judge keys of other types
        }
        final byte[] probe = "clasp key/certificate check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try
        {
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        }
        catch (final GeneralSecurityException ex)
        {
            matches = false;
        }
        if (!matches)
        {
            throw new GeneralSecurityException("the private key " + keyFile + " does not belong to the certificate " +
                certFile + " (" + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private static Reader open(final Path file) throws IOException
    {
        try
        {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        }
        catch (final NoSuchFileException ex)
        {
            throw new IOException(file + ": no such file");
        }
    }
}
