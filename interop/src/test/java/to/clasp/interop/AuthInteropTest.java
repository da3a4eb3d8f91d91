package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.ValueCodec;
import to.clasp.transport.ws.testing.TestWsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server jar with {@code --auth-tokens}: the real JS client with {@code ClaspBuilder.withToken} and the Python
 * client's HELLO with {@code token=} (its raw frames) — a token that may, one that may not, an expired one, a wrong
 * one, none; a read-only client's late-join snapshot holds only what it may read.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class AuthInteropTest
{
    @TempDir
    Path dir;

    private final String admin = token("admin");
    private final String reader = token("reader");
    private final String writer = token("writer");
    private final String expired = token("expired");
    private ServerProcess server;

    private static String token(final String who)
    {
        final byte[] random = new byte[12];
        new java.security.SecureRandom().nextBytes(random);
        return who + "-" + HexFormat.of().formatHex(random);
    }

    @BeforeEach
    void start() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        final Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# interop\n" +
            admin + " admin:/**\n" +
            reader + " read:/public/**\n" +
            writer + " read:/public/**,write:/public/in/**\n" +
            expired + " read:/** expires=2020-01-01\n");
        server = ServerProcess.start("--auth-tokens", tokens.toString());
    }

    @AfterEach
    void stop() throws Exception
    {
        assertEquals(0, server.stop(), "server exit code; log:\n" + server.log());
        final String log = server.log();
        for (final String t : List.of(admin, reader, writer, expired))
        {
            assertTrue(!log.contains(t), "a token in the router's log");
        }
    }

    private Map<String, String> as(final String token)
    {
        return null == token ? Map.of() : Map.of("CLASP_TOKEN", token);
    }

    /** An admin over the Python client's frames: HELLO with the token, then SETs. */
    private TestWsClient adminWrites(final String... addressValue) throws Exception
    {
        final TestWsClient python = TestWsClient.connect(server.url());
        python.sendPythonHello(admin);
        assertEquals(MessageType.WELCOME, decode(python.receive(5_000)).type());
        decode(python.receive(5_000)); // its snapshot
        for (int i = 0; i < addressValue.length; i += 2)
        {
            python.send(set(addressValue[i], Double.parseDouble(addressValue[i + 1])));
        }
        python.send("53 01 00 01 41"); // PING
        python.receiveUntil(f -> decode(f).type() == MessageType.PONG, 5_000);
        return python;
    }

    private static byte[] set(final String address, final double value)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer a = new UnsafeBuffer(address.getBytes());
        final UnsafeBuffer v = new UnsafeBuffer(new byte[16]);
        final int vl = ValueCodec.encode(value, v, 0);
        final int length = SetEncoder.encode(b, 0, 0, a, 0, a.capacity(), v, 0, vl, 0, 0, 0);
        final byte[] out = new byte[length];
        b.getBytes(0, out);
        return out;
    }

    private static FrameDecoder decode(final byte[] frame)
    {
        final FrameDecoder d = new FrameDecoder();
        assertEquals(DecodeError.OK, d.decode(new UnsafeBuffer(frame), 0, frame.length));
        return d;
    }

    private static List<String> addresses(final SnapshotDecoder snapshot)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < snapshot.count(); i++)
        {
            out.add(snapshot.entry(i).address());
        }
        return out;
    }

    @Test
    void jsClientWithTokenAllowedForbiddenExpiredWrongAndNone() throws Exception
    {
        try (TestWsClient python = adminWrites("/public/a", "1", "/public/in/b", "2", "/secret/c", "3"))
        {
            // A reader's late-join snapshot holds only /public/**; its subscription then gets live values.
            try (NodeScenario js = NodeScenario.start(as(reader), "auth", server.url(), "read", "/public/a",
                "/public/**", "3"))
            {
                final JsonNode snapshot = js.await("snapshot", 15_000);
                assertEquals("[\"/public/a\",\"/public/in/b\"]", snapshot.get("addresses").toString());
                assertEquals(1.0, snapshot.get("probe").asDouble());
                js.await("subscribed", 10_000);
                python.send(set("/secret/c", 4));
                python.send(set("/public/a", 5));
                // The client may also hand the subscription's snapshot values (/public/a = 1, /public/in/b = 2) to the
                // callback, before or after 'subscribed': wait for the live value, which the router sends after
                // /secret/c's SET, so anything leaked would be among the events before it.
                final JsonNode value = js.await(e -> "value".equals(e.path("event").asText()) &&
                    5.0 == e.path("value").asDouble(), "the live /public/a = 5", 10_000);
                assertEquals("/public/a", value.get("address").asText());
                for (final JsonNode e : js.events())
                {
                    assertFalse(e.path("address").asText().startsWith("/secret"), "leaked: " + e);
                }
            }
            // A subscription wider than the read scope: ERROR 301 naming the pattern.
            try (NodeScenario js = NodeScenario.start(as(reader), "auth", server.url(), "read", "/public/a", "/**",
                "1"))
            {
                final JsonNode error = js.await("error", 15_000);
                assertEquals(301, error.get("code").asInt());
                assertEquals("/**", error.get("address").asText());
            }
            // A writer: inside its write scope the SET and the emit go through; outside, each gets ERROR 301.
            try (NodeScenario js = NodeScenario.start(as(writer), "auth", server.url(), "write", "/public/in/x", "7",
                "0"))
            {
                js.await("written", 15_000);
                js.awaitDone(10_000);
            }
            try (NodeScenario js = NodeScenario.start(as(writer), "auth", server.url(), "write", "/public/x", "8", "2"))
            {
                final JsonNode first = js.await("error", 15_000);
                final JsonNode second = js.await("error", 10_000);
                assertEquals(301, first.get("code").asInt());
                assertEquals("/public/x", first.get("address").asText());
                assertEquals(301, second.get("code").asInt());
                assertEquals("/public/x/event", second.get("address").asText());
                js.awaitDone(10_000);
            }
            // Refused at HELLO: expired 302, wrong 300, none 300; the client's connect() fails.
            final Object[][] refused = {{expired, 302}, {"wrong-token", 300}, {null, 300}};
            for (final Object[] r : refused)
            {
                try (NodeScenario js = NodeScenario.start(as((String)r[0]), "auth", server.url(), "read", "/public/a",
                    "/public/**", "1"))
                {
                    assertEquals((int)r[1], js.await("error", 15_000).get("code").asInt());
                    js.await("connect-failed", 10_000);
                    js.awaitDone(10_000);
                }
            }
            // What the writer wrote inside its scope is there; what it was refused is not.
            python.send(get("/public/in/x"));
            python.send(get("/public/x"));
            final List<byte[]> answers = python.receiveUntil(f -> decode(f).type() == MessageType.ERROR, 5_000);
            final FrameDecoder last = decode(answers.get(answers.size() - 1));
            assertEquals(201, last.error().code(), "/public/x was never written");
            final FrameDecoder x = decode(answers.get(answers.size() - 2));
            assertEquals(List.of("/public/in/x"), addresses(x.snapshot()));
        }
    }

    private static byte[] get(final String address)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        final int length = to.clasp.protocol.GetEncoder.encode(b, 0, 1, address);
        final byte[] out = new byte[length];
        b.getBytes(0, out);
        return out;
    }

    @Test
    void pythonTokenFramesAllowedForbiddenExpiredAndWrong() throws Exception
    {
        try (TestWsClient ignored = adminWrites("/public/p", "1", "/secret/s", "2"))
        {
            try (TestWsClient python = TestWsClient.connect(server.url()))
            {
                python.sendPythonHello(reader);
                assertEquals(MessageType.WELCOME, decode(python.receive(5_000)).type());
                assertEquals(List.of("/public/p"), addresses(decode(python.receive(5_000)).snapshot()),
                    "the late-join snapshot holds only what the token may read");
                // The Python client's SUBSCRIBE (flags 0x01) to a pattern its token cannot read, then a SET.
                final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
                final int length = SubscribeEncoder.encode(b, 0, 0, 1, "/secret/**", SignalType.ALL_TYPES_MASK,
                    null, null, null, null);
                final byte[] sub = new byte[length];
                b.getBytes(0, sub);
                python.send(sub);
                FrameDecoder e = decode(python.receive(5_000));
                assertEquals(301, e.error().code());
                assertEquals("/secret/**", e.error().address());
                python.send(set("/public/p", 9));
                e = decode(python.receive(5_000));
                assertEquals(301, e.error().code());
                assertEquals("/public/p", e.error().address());
                assertTrue(!python.isClosed(), "a forbidden message keeps the connection");
            }
            for (final Object[] r : new Object[][] {{expired, 302}, {"nope", 300}, {"", 300}})
            {
                try (TestWsClient python = TestWsClient.connect(server.url()))
                {
                    python.sendPythonHello((String)r[0]);
                    assertEquals((int)r[1], decode(python.receive(5_000)).error().code());
                    assertEquals(1008, python.awaitClose(5_000));
                }
            }
        }
    }
}
