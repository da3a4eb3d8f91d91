package to.clasp.benchmarks.load;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/**
 * {@code clasp bench --tls}: one self-signed certificate for {@code localhost} made for the run (EC P-256, as a
 * deployment would use), served by every router that takes TLS and trusted by the generator's clients — and by
 * nothing else. Its files stay in the run's output directory; they protect nothing.
 */
final class BenchTls
{
    private final Path certificate;
    private final Path privateKey;

    private BenchTls(final Path certificate, final Path privateKey)
    {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    static BenchTls create(final Path dir) throws Exception
    {
        final SelfSignedCertificate generated = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
        final Path cert = Files.copy(generated.certificate().toPath(), dir.resolve("bench-tls-cert.pem"));
        final Path key = Files.copy(generated.privateKey().toPath(), dir.resolve("bench-tls-key.pem"));
        generated.delete();
        return new BenchTls(cert, key);
    }

    Path certificate()
    {
        return certificate;
    }

    Path privateKey()
    {
        return privateKey;
    }

    /**
     * Netty client context trusting exactly this certificate (the CLASP WebSocket clients). The clients connect to
     * 127.0.0.1 and the certificate names localhost: host name checking (on by default since Netty 4.2) is off, the
     * trust being pinned to this one certificate instead — as jnats does for nats-server.
     */
    SslContext nettyClient()
    {
        try
        {
            return SslContextBuilder.forClient().trustManager(certificate.toFile()).endpointIdentificationAlgorithm(null)
                .build();
        }
        catch (final javax.net.ssl.SSLException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** JDK context trusting exactly this certificate (jnats). */
    SSLContext jdkClient()
    {
        try (InputStream in = Files.newInputStream(certificate))
        {
            final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("bench", CertificateFactory.getInstance("X.509").generateCertificate(in));
            final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
