package to.clasp.transport.ws.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away certificate authority and a server certificate for {@code localhost} / {@code 127.0.0.1}, made at
 * test time with Bouncy Castle and written as PEM files into a test's temporary directory. No private key is
 * committed anywhere.
 */
public final class TestCertificates
{
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final Path caCertificate;
    private final Path certificate;
    private final Path privateKey;
    private final X509Certificate ca;
    private final KeyPair caKeys;
    private final BigInteger serverSerial;

    private TestCertificates(final Path dir) throws Exception
    {
        caKeys = ecKeys();
        final Instant now = Instant.now();
        final X500Name caName = new X500Name("CN=CLASP test CA " + SERIAL.get());
        final JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName,
            BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(2))), caName, caKeys.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = convert(caBuilder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));

        caCertificate = dir.resolve("ca.pem");
        certificate = dir.resolve("cert.pem");
        privateKey = dir.resolve("key.pem");
        Files.writeString(caCertificate, pem("CERTIFICATE", ca.getEncoded()));
        serverSerial = issue(certificate, privateKey);
    }

    /** Make a CA and a server certificate under {@code dir}. */
    public static TestCertificates create(final Path dir) throws Exception
    {
        return new TestCertificates(dir);
    }

    /** Issue a new server certificate (new key, new serial) into the given files; returns its serial. */
    public BigInteger issue(final Path certFile, final Path keyFile) throws Exception
    {
        final KeyPair keys = ecKeys();
        final Instant now = Instant.now();
        final BigInteger serial = BigInteger.valueOf(SERIAL.incrementAndGet());
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
            new X500Name(ca.getSubjectX500Principal().getName()), serial, Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=localhost"), keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        final X509Certificate cert =
            convert(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        return serial;
    }

    public Path caCertificate()
    {
        return caCertificate;
    }

    public Path certificate()
    {
        return certificate;
    }

    public Path privateKey()
    {
        return privateKey;
    }

    public BigInteger serverSerial()
    {
        return serverSerial;
    }

    /** A JDK {@link SSLContext} trusting only the test CA. */
    public SSLContext clientContext() throws Exception
    {
        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyPair ecKeys() throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate convert(final X509CertificateHolder holder) throws Exception
    {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(final String type, final byte[] der) throws IOException
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }
}
