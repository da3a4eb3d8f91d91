package to.clasp.transport.ws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.core.CoreThreading;
import to.clasp.transport.ws.testing.RouterFixture;
import to.clasp.transport.ws.testing.TestWsClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket edge over real sockets, against a real router: handshake rules (subprotocol echo, any path),
 * message rules (binary only, one frame per message, fragments aggregated, size limit), the HTTP probe and pings.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketEdgeTest
{

    static final String EMPTY_SNAPSHOT = "53 01 00 03 23 00 00";
    static final String PING = "53 01 00 01 41";
    static final String PONG = "53 01 00 01 42";

    /** Shared by the tests of a class; the {@code …DedicatedCoreTest} subclass starts its own (hiding start()). */
    static RouterFixture fixture;

    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start(CoreThreading.SHARED);
    }

    /** The threading of the class's router, for tests that start a router of their own. */
    static CoreThreading threading()
    {
        return fixture.router().context().coreThreading();
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    void echoesClaspWhenOfferedAlone() throws Exception
    {
        final String response = rawUpgrade("/", "clasp");
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        assertEquals("clasp", header(response, "sec-websocket-protocol"));
        try (TestWsClient client = TestWsClient.connect(fixture.url(), "clasp"))
        {
            assertEquals("clasp", client.subprotocol());
        }
    }

    @Test
    void echoesClaspWhenOfferedAmongOthers() throws Exception
    {
        final String response = rawUpgrade("/", "chat, clasp, mqtt");
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        assertEquals("clasp", header(response, "sec-websocket-protocol"));
        try (TestWsClient client = TestWsClient.connect(fixture.url(), "chat", "clasp"))
        {
            assertEquals("clasp", client.subprotocol());
            client.helloAsPython();
        }
    }

    @Test
    void acceptsClientsOfferingNoSubprotocolAndSendsNoHeader() throws Exception
    {
        final String response = rawUpgrade("/", null);
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        assertNull(header(response, "sec-websocket-protocol"), response);
        try (TestWsClient client = TestWsClient.connect(fixture.url()))
        {
            assertEquals("", client.subprotocol());
            final byte[][] welcome = client.helloAsPython();
            assertEquals(0x02, welcome[0][4]);
        }
    }

    /**
     * The usual upgrade (answered by the fast path) and one the fast path leaves to Netty's HTTP stack (a
     * {@code Content-Length: 0} header) get the same answer: the RFC 6455 accept value, the subprotocol, and a WELCOME
     * for the HELLO sent right after the 101.
     */
    @Test
    void bothUpgradePathsAnswerTheRfcAcceptValueAndServeTheSession() throws Exception
    {
        for (final String extra : new String[] {"", "Content-Length: 0\r\n"})
        {
            try (Socket socket = new Socket("127.0.0.1", fixture.port()))
            {
                socket.setSoTimeout(5_000);
                final OutputStream out = socket.getOutputStream();
                out.write(("GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                    "Sec-WebSocket-Protocol: clasp\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final InputStream in = socket.getInputStream();
                final String response = readHead(in);
                assertTrue(response.startsWith("HTTP/1.1 101"), response);
                assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", header(response, "sec-websocket-accept"), response);
                assertEquals("clasp", header(response, "sec-websocket-protocol"), response);

                final byte[] hello = TestWsClient.pythonHello("");
                final ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write(0x82);
                frame.write(0x80 | hello.length); // masked, with a zero mask: the payload goes as it is
                frame.write(new byte[4]);
                frame.write(hello);
                out.write(frame.toByteArray());
                out.flush();
                assertEquals(0x82, in.read(), "a binary frame");
                final int length = in.read();
                final byte[] welcome = in.readNBytes(length);
                assertEquals(0x02, welcome[4], "WELCOME, " + (extra.isEmpty() ? "fast path" : "HTTP stack"));
            }
        }
    }

    @Test
    void upgradesOnAnyPath() throws Exception
    {
        for (final String path : new String[] {"/", "/clasp", "/a/deep/path", "/x?token=1&y=2"})
        {
            try (TestWsClient client = TestWsClient.connect("ws://127.0.0.1:" + fixture.port() + path, "clasp"))
            {
                final byte[][] reply = client.helloAsPython();
                assertEquals(0x02, reply[0][4], "WELCOME on path " + path);
            }
        }
    }

    @Test
    void helloGetsWelcomeThenEmptySnapshotWithExactBytes() throws Exception
    {
        try (RouterFixture empty = RouterFixture.start(threading()); TestWsClient client = TestWsClient.connect(empty.port()))
        {
            final long before = System.currentTimeMillis() * 1000;
            final byte[][] reply = client.helloAsPython();
            final long after = System.currentTimeMillis() * 1000;
            final ByteBuffer welcome = ByteBuffer.wrap(reply[0]);

            assertEquals(0x53, welcome.get() & 0xFF, "magic");
            assertEquals(0x01, welcome.get() & 0xFF, "flags: QoS 0, version 1");
            assertEquals(reply[0].length - 4, welcome.getShort() & 0xFFFF, "payload length");
            assertEquals(0x02, welcome.get() & 0xFF, "WELCOME");
            assertEquals(0x01, welcome.get() & 0xFF, "version");
            assertEquals(0xF8, welcome.get() & 0xFF, "features param|event|stream|gesture|timeline");
            final long time = welcome.getLong();
            assertTrue(time >= before - 1_000_000 && time <= after + 1_000_000, "router time in µs: " + time);
            final String session = string(welcome);
            assertTrue(session.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
                "UUID v4 session id: " + session);
            assertEquals("Clasp Router", string(welcome), "router name");
            assertEquals(0, welcome.getShort(), "empty token field present");
            assertFalse(welcome.hasRemaining(), "nothing after the token");

            assertEquals(EMPTY_SNAPSHOT, Hex.of(reply[1]));
        }
    }

    @Test
    void textMessagesAreIgnoredAndTheConnectionStaysUsable() throws Exception
    {
        try (TestWsClient client = TestWsClient.connect(fixture.port()))
        {
            client.sendText("hello router");
            client.sendText("53 01 00 01 41");
            assertNull(client.poll(300), "no reply to text");
            assertFalse(client.isClosed());
            final byte[][] reply = client.helloAsPython();
            assertEquals(0x02, reply[0][4]);
            client.send(PING).expect(PONG);
        }
    }

    @Test
    void fragmentedMessagesAreAggregated() throws Exception
    {
        try (TestWsClient client = TestWsClient.connect(fixture.port()))
        {
            client.helloAsPython();
            // E8 split in three fragments: one CLASP frame, one WebSocket message.
            final byte[] set = Hex.bytes("53 01 00 12 21 05 00 06 2f 70 79 2f 66 72 00 00 00 00 00 00 00 2a");
            final byte[] setFrame = Arrays.copyOf(set, set.length);
            client.sendFragmented(setFrame, 3, 10);
            client.send("53 01 00 09 22 00 06 2f 70 79 2f 66 72"); // GET /py/fr
            final byte[] snapshot = client.receive(5_000);
            assertEquals(0x23, snapshot[4], Hex.of(snapshot));
            assertEquals("00 06 2f 70 79 2f 66 72 05 00 00 00 00 00 00 00 2a",
                Hex.of(Arrays.copyOfRange(snapshot, 7, 7 + 17)), "entry /py/fr = I64 42");
        }
    }

    @Test
    void messageOverTheLimitClosesWith1009() throws Exception
    {
        try (TestWsClient client = TestWsClient.connect(fixture.port()))
        {
            client.helloAsPython();
            final byte[] tooBig = new byte[70_000];
            tooBig[0] = 0x53;
            client.send(tooBig);
            assertEquals(1009, client.awaitClose(5_000));
        }
    }

    @Test
    void fragmentedMessageOverTheLimitClosesWith1009() throws Exception
    {
        try (TestWsClient client = TestWsClient.connect(fixture.port()))
        {
            client.helloAsPython();
            final byte[] tooBig = new byte[66_000];
            client.sendFragmented(tooBig, 30_000, 60_000);
            assertEquals(1009, client.awaitClose(5_000));
        }
    }

    @Test
    void hixie76UpgradesAreAnsweredWithTheVersionTheEdgeSpeaks() throws Exception
    {
        // The pre-RFC handshake (no Sec-WebSocket-Version, two number keys): its framing carries text only.
        try (Socket socket = new Socket("127.0.0.1", fixture.port()))
        {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: WebSocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n" +
                "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nOrigin: http://example.com\r\n\r\n^n:ds[4U")
                .getBytes(StandardCharsets.US_ASCII));
            final byte[] head = new byte[12];
            assertEquals(12, socket.getInputStream().readNBytes(head, 0, 12));
            assertEquals("HTTP/1.1 426", new String(head, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void webSocketPingsAreAnswered() throws Exception
    {
        try (TestWsClient client = TestWsClient.connect(fixture.port()))
        {
            final byte[] payload = "are you there".getBytes(StandardCharsets.US_ASCII);
            client.ping(payload);
            assertArrayEquals(payload, client.awaitPong(5_000));
        }
    }

    @Test
    void plainHttpGetAndHeadAnswerOkOtherMethods405() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        final URI uri = URI.create("http://127.0.0.1:" + fixture.port() + "/anything");
        final HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        assertEquals("ok", get.body());

        final HttpResponse<String> head = http.send(
            HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());

        final HttpResponse<String> post = http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void routerCloseSendsGoingAway() throws Exception
    {
        final RouterFixture own = RouterFixture.start(threading());
        try (TestWsClient client = TestWsClient.connect(own.port()))
        {
            client.helloAsPython();
            own.router().close();
            assertEquals(1001, client.awaitClose(5_000));
        }
        finally
        {
            own.close();
        }
    }

    @Test
    void coreTimersFireWhileTheEdgeIsIdle() throws Exception
    {
        // No other timer for an hour: only the hello deadline can end the event loop's wait (shared core) or the
        // core thread's park (dedicated), and it must close the silent connection. Same transport (epoll or NIO)
        // as the class's router.
        final RouterFixture own = RouterFixture.start(threading(), r -> r
            .helloTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300))
            .ttlCheckIntervalNs(TimeUnit.HOURS.toNanos(1))
            .idleTimeoutNs(0), e -> e.epoll(fixture.edge().context().epoll()));
        try (TestWsClient silent = TestWsClient.connect(own.port()))
        {
            assertEquals(1008, silent.awaitClose(5_000), "closed by the hello timeout");
        }
        finally
        {
            own.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String string(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.getShort() & 0xFFFF];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A hand-written upgrade request, so the test sees the exact response headers. */
    private static String rawUpgrade(final String path, final String subprotocols) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", fixture.port()))
        {
            socket.setSoTimeout(5_000);
            final StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(fixture.port()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            if (subprotocols != null)
            {
                request.append("Sec-WebSocket-Protocol: ").append(subprotocols).append("\r\n");
            }
            request.append("\r\n");
            final OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readHead(socket.getInputStream());
        }
    }

    private static String readHead(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String header(final String response, final String name)
    {
        for (final String line : response.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name))
            {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
