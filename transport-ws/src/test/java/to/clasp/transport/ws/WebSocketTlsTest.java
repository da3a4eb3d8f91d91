package to.clasp.transport.ws;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.RouterFixture;
import to.clasp.transport.ws.testing.TestCertificates;
import to.clasp.transport.ws.testing.TestWsClient;

import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wss://} on the WebSocket port ({@code --tls-cert/--tls-key}): the Java client, the Python client's raw frames
 * over TLS, a plain {@code ws://} client refused cleanly, a client that does not trust the certificate refused, and a
 * certificate reload seen by new connections.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTlsTest
{
    @TempDir
    Path dir;

    private RouterFixture start(final ServerTls tls)
    {
        return RouterFixture.start(r -> r, e -> e.tls(tls));
    }

    private static String wss(final RouterFixture fixture)
    {
        return "wss://localhost:" + fixture.port() + "/";
    }

    @Test
    void javaClientAndRawPythonFramesOverTls() throws Exception
    {
        final TestCertificates certs = TestCertificates.create(dir);
        final ServerTls tls = ServerTls.load(certs.certificate(), certs.privateKey());
        assertTrue(tls.provider().startsWith("OpenSSL") || tls.provider().equals("JDK"), tls.provider());
        try (RouterFixture fixture = start(tls))
        {
            final SslContext trust = SslContextBuilder.forClient().trustManager(certs.caCertificate().toFile()).build();
            try (ClaspClient client = WebSocketClaspClient.create(wss(fixture), new ClientOptions(), trust))
            {
                client.connect();
                client.set("/tls/value", 42L);
                assertEquals(42L, client.get("/tls/value").get(5, TimeUnit.SECONDS));
            }

            // The Python client's exact HELLO bytes through a TLS WebSocket: WELCOME then the snapshot holding the value.
            try (TestWsClient python = TestWsClient.connectTls(wss(fixture), certs.clientContext()))
            {
                assertEquals("clasp", python.subprotocol());
                final byte[][] reply = python.helloAsPython();
                assertEquals(0x02, reply[0][4] & 0xFF, "WELCOME: " + Hex.of(reply[0]));
                assertEquals(0x23, reply[1][4] & 0xFF, "SNAPSHOT: " + Hex.of(reply[1]));
                assertTrue(new String(reply[1], StandardCharsets.UTF_8).contains("/tls/value"));
            }
        }
    }

    @Test
    void plainWebSocketToTheTlsPortIsRefusedWithAClearAnswer() throws Exception
    {
        final TestCertificates certs = TestCertificates.create(dir);
        try (RouterFixture fixture = start(ServerTls.load(certs.certificate(), certs.privateKey())))
        {
            // The Java client with ws://: the upgrade is answered 400, never a WebSocket.
            try (ClaspClient client = WebSocketClaspClient.create("ws://127.0.0.1:" + fixture.port() + "/",
                new ClientOptions().reconnect(false)))
            {
                assertThrows(Exception.class, client::connect);
            }

            // Raw bytes: a plain upgrade request gets a plain 400 naming wss://, then the socket closes.
            try (Socket socket = new Socket("127.0.0.1", fixture.port()))
            {
                socket.setSoTimeout(5_000);
                final OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(reply.startsWith("HTTP/1.1 400 Bad Request\r\n"), reply);
                assertTrue(reply.contains("this port speaks TLS: use wss://"), reply);
            }

            // The router is unharmed: a TLS client still works.
            try (TestWsClient python = TestWsClient.connectTls(wss(fixture), certs.clientContext()))
            {
                assertEquals(0x02, python.helloAsPython()[0][4] & 0xFF);
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() throws Exception
    {
        final TestCertificates certs = TestCertificates.create(dir);
        final TestCertificates other = TestCertificates.create(java.nio.file.Files.createDirectory(dir.resolve("other")));
        try (RouterFixture fixture = start(ServerTls.load(certs.certificate(), certs.privateKey())))
        {
            final SslContext wrongCa = SslContextBuilder.forClient().trustManager(other.caCertificate().toFile()).build();
            try (ClaspClient client = WebSocketClaspClient.create(wss(fixture), new ClientOptions().reconnect(false), wrongCa))
            {
                assertThrows(Exception.class, client::connect);
            }
        }
    }

    @Test
    void reloadServesTheNewCertificateToNewConnections() throws Exception
    {
        final TestCertificates certs = TestCertificates.create(dir);
        final ServerTls tls = ServerTls.load(certs.certificate(), certs.privateKey());
        try (RouterFixture fixture = start(tls))
        {
            assertEquals(certs.serverSerial(), servedSerial(certs, fixture.port()));
            final BigInteger renewed = certs.issue(certs.certificate(), certs.privateKey());
            assertTrue(tls.reload());
            assertEquals(renewed, servedSerial(certs, fixture.port()));

            // A broken file on reload keeps the current certificate.
            java.nio.file.Files.writeString(certs.privateKey(), "not a key");
            assertFalse(tls.reload());
            assertEquals(renewed, servedSerial(certs, fixture.port()));
        }
        final IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
            () -> ServerTls.load(dir.resolve("absent.pem"), certs.privateKey()));
        assertTrue(unreadable.getMessage().endsWith("absent.pem: no such file"), unreadable.getMessage());

        // A key that is not the certificate's is refused at load, not at every handshake.
        final Path otherKey = dir.resolve("other-key.pem");
        certs.issue(dir.resolve("other-cert.pem"), otherKey);
        final IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
            () -> ServerTls.load(certs.certificate(), otherKey));
        assertTrue(mismatch.getMessage().contains("does not belong to the certificate"), mismatch.getMessage());
        final IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class,
            () -> ServerTls.load(certs.privateKey(), certs.privateKey()));
        assertTrue(notPem.getMessage().contains("holds no PEM CERTIFICATE"), notPem.getMessage());
    }

    private static BigInteger servedSerial(final TestCertificates certs, final int port) throws Exception
    {
        try (SSLSocket socket = (SSLSocket)certs.clientContext().getSocketFactory().createSocket("127.0.0.1", port))
        {
            socket.startHandshake();
            return ((X509Certificate)socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
