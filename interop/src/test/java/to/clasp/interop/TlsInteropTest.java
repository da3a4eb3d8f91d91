package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import to.clasp.transport.ws.testing.TestCertificates;
import to.clasp.transport.ws.testing.TestWsClient;

import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server jar with {@code --tls-cert/--tls-key}: the real JS client over {@code wss://} (Node trusting a test CA
 * made at test time, through NODE_EXTRA_CA_CERTS), the Python client's raw frames over TLS, clients that do not
 * trust the certificate or speak plain {@code ws://} failing cleanly, and SIGHUP reloading the certificate.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class TlsInteropTest
{
    @TempDir
    Path dir;

    private TestCertificates certs;
    private ServerProcess server;

    @BeforeEach
    void start() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        certs = TestCertificates.create(dir);
        server = ServerProcess.start("--tls-cert", certs.certificate().toString(), "--tls-key",
            certs.privateKey().toString(), "--health-port", "0", "--metrics-port", "0");
    }

    @AfterEach
    void stop() throws Exception
    {
        assertEquals(0, server.stop(), "server exit code; log:\n" + server.log());
    }

    private String wss()
    {
        return "wss://localhost:" + server.port() + "/";
    }

    private Map<String, String> trustTestCa()
    {
        return Map.of("NODE_EXTRA_CA_CERTS", certs.caCertificate().toString());
    }

    @Test
    void jsClientOverWssAndPythonFramesOverTls() throws Exception
    {
        awaitLog("ready:");
        assertTrue(server.log().contains("ready: WebSocket wss://127.0.0.1:" + server.port() + " "), server.log());
        assertTrue(server.log().contains(", TLS OpenSSL") || server.log().contains(", TLS JDK"), server.log());

        try (NodeScenario js = NodeScenario.start(trustTestCa(), "connect", wss(), "/tls/js", "7"))
        {
            js.await("connected", 15_000);
            final JsonNode got = js.await("got", 10_000);
            assertEquals(7, got.path("value").asInt(), got.toString());
            js.awaitDone(10_000);
        }

        // Subscriber and publisher, both over wss://: values arrive in order.
        try (NodeScenario subscriber = NodeScenario.start(trustTestCa(), "subscriber", wss(), "/sensors/*", "5"))
        {
            subscriber.await("subscribed", 15_000);
            try (NodeScenario publisher = NodeScenario.start(trustTestCa(), "publisher", wss(),
                "/sensors/temperature", "5", "50", "20.5", "0.25"))
            {
                publisher.awaitDone(20_000);
            }
            for (int i = 0; i < 5; i++)
            {
                final double expected = 20.5 + i * 0.25;
                subscriber.await(e -> "value".equals(e.path("event").asText()) &&
                    e.path("value").asDouble() == expected, "value " + expected, 10_000);
            }
        }

        try (TestWsClient python = TestWsClient.connectTls(wss(), certs.clientContext()))
        {
            final byte[][] reply = python.helloAsPython();
            assertEquals(0x02, reply[0][4] & 0xFF);
            assertTrue(new String(reply[1], StandardCharsets.UTF_8).contains("/tls/js"));
        }
    }

    @Test
    void untrustedCertificateAndPlainWsFailCleanly() throws Exception
    {
        try (NodeScenario untrusted = NodeScenario.start("connect", wss()))
        {
            final JsonNode failed = untrusted.await("connect-failed", 15_000);
            assertTrue(failed.toString().length() > 0);
            untrusted.awaitDone(10_000);
        }
        try (NodeScenario plain = NodeScenario.start("connect", "ws://127.0.0.1:" + server.port() + "/"))
        {
            plain.await("connect-failed", 15_000);
            plain.awaitDone(10_000);
        }
        // The router still serves TLS clients.
        try (NodeScenario js = NodeScenario.start(trustTestCa(), "connect", wss()))
        {
            js.await("got", 15_000);
        }
    }

    @Test
    void sighupReloadsTheCertificate() throws Exception
    {
        awaitLog("ready:");
        assertEquals(certs.serverSerial(), servedSerial());
        final BigInteger renewed = certs.issue(certs.certificate(), certs.privateKey());
        server.hangUp();
        awaitLog("TLS certificate reloaded");
        assertEquals(renewed, servedSerial());
        try (NodeScenario js = NodeScenario.start(trustTestCa(), "connect", wss()))
        {
            js.await("got", 15_000);
        }
    }

    @Test
    void healthAndMetricsAreHttpsWithTheSameCertificate() throws Exception
    {
        awaitLog("ready:");
        final java.util.regex.Matcher health = java.util.regex.Pattern
            .compile("health https://127\\.0\\.0\\.1:(\\d+)/healthz").matcher(server.log());
        final java.util.regex.Matcher metrics = java.util.regex.Pattern
            .compile("metrics https://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(server.log());
        assertTrue(health.find() && metrics.find(), server.log());
        assertTrue(server.log().contains("inspector https://127.0.0.1:" + server.port() + "/inspector/"), server.log());
        final java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder()
            .sslContext(certs.clientContext()).build();
        assertEquals("ready\n", https.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            "https://localhost:" + health.group(1) + "/readyz")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        final java.net.http.HttpResponse<String> scraped = https.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("https://localhost:" + metrics.group(1) + "/metrics")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scraped.statusCode());
        assertTrue(scraped.body().contains("clasp_sessions"), scraped.body());
        // Plain HTTP to the metrics port: a clear 400, not a hang.
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", Integer.parseInt(metrics.group(1))))
        {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            final String reply = new String(plain.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 400") && reply.contains("https://"), reply);
        }
    }

    private BigInteger servedSerial() throws Exception
    {
        try (SSLSocket socket = (SSLSocket)certs.clientContext().getSocketFactory().createSocket("127.0.0.1",
            server.port()))
        {
            socket.startHandshake();
            return ((X509Certificate)socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private void awaitLog(final String text) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 15_000;
        while (!server.log().contains(text))
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new AssertionError("no '" + text + "' in the log:\n" + server.log());
            }
            Thread.sleep(20);
        }
    }
}
