package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueCodec;
import to.clasp.security.CapabilityToken;
import to.clasp.security.Ed25519;
import to.clasp.transport.ws.testing.TestWsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full auth run against the server jar — every token source (tokens file, the auth API's register / login / guest
 * / admin-issued tokens, the admin token, capability tokens), accepted and refused HELLOs, forbidden messages, a
 * revocation and a tokens-file reload that close sessions — then every token and password it used is searched for in
 * the router's log. None may appear.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class SecretsNotLoggedTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final List<String> secrets = new ArrayList<>();
    private ServerProcess server;
    private int authPort;

    private String secret(final String value)
    {
        secrets.add(value);
        return value;
    }

    private static String random(final String prefix)
    {
        final byte[] b = new byte[12];
        new java.security.SecureRandom().nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private JsonNode post(final String path, final String bearer, final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + authPort + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null)
        {
            request.header("Authorization", "Bearer " + bearer);
        }
        final HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        final JsonNode json = JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode)json).put("status", r.statusCode());
        return json;
    }

    private static FrameDecoder decode(final byte[] frame)
    {
        final FrameDecoder d = new FrameDecoder();
        assertEquals(DecodeError.OK, d.decode(new UnsafeBuffer(frame), 0, frame.length));
        return d;
    }

    /** HELLO with the Python client's frame; @return the first answer's type (WELCOME) or ERROR code. */
    private TestWsClient hello(final String token, final int expected) throws Exception
    {
        final TestWsClient c = TestWsClient.connect(server.url());
        c.sendPythonHello(token);
        final FrameDecoder first = decode(c.receive(5_000));
        if (expected == MessageType.WELCOME)
        {
            assertEquals(MessageType.WELCOME, first.type());
            decode(c.receive(5_000)); // snapshot
        }
        else
        {
            assertEquals(expected, first.error().code());
            assertEquals(1008, c.awaitClose(5_000));
        }
        return c;
    }

    private static byte[] set(final String address, final double value)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer a = new UnsafeBuffer(address.getBytes());
        final UnsafeBuffer v = new UnsafeBuffer(new byte[16]);
        final int vl = ValueCodec.encode(value, v, 0);
        final int length = SetEncoder.encode(b, 0, 1, a, 0, a.capacity(), v, 0, vl, 0, 0, 0);
        final byte[] out = new byte[length];
        b.getBytes(0, out);
        return out;
    }

    @Test
    void noTokenOrPasswordOfAFullAuthRunAppearsInTheLog() throws Exception
    {
        final String kept = secret(random("static-kept-"));
        final String removed = secret(random("static-removed-"));
        final Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, kept + " read:/**,write:/x/**\n" + removed + " read:/**\n");
        final byte[] rootKey = Ed25519.newSeed();
        final Path anchor = dir.resolve("root.pub");
        Files.writeString(anchor, Ed25519.publicKeyPem(Ed25519.publicKey(rootKey)));
        final Path adminFile = dir.resolve("admin.token");
        authPort = ServerProcess.freePort();
        server = ServerProcess.start("--auth-tokens", tokens.toString(), "--trust-anchor", anchor.toString(),
            "--auth-port", Integer.toString(authPort), "--auth-db", dir.resolve("auth.db").toString(),
            "--admin-token", adminFile.toString());
        try
        {
            final String admin = secret(Files.readString(adminFile).strip());
            final String password = secret("correct horse " + random(""));
            final String wrongPassword = secret("wrong horse " + random(""));
            final JsonNode registered = post("/auth/register", null,
                "{\"username\":\"logtest\",\"password\":\"" + password + "\"}");
            assertEquals(200, registered.get("status").asInt(), registered.toString());
            final String registeredToken = secret(registered.get("token").asText());
            final String loginToken = secret(post("/auth/login", null,
                "{\"username\":\"logtest\",\"password\":\"" + password + "\"}").get("token").asText());
            assertEquals(401, post("/auth/login", null,
                "{\"username\":\"logtest\",\"password\":\"" + wrongPassword + "\"}").get("status").asInt());
            final String guest = secret(post("/auth/guest", null, "{}").get("token").asText());
            final String issued = secret(post("/auth/tokens", admin,
                "{\"scopes\":[\"read:/x/**\"],\"subject\":\"svc\"}").get("token").asText());
            assertEquals(401, post("/auth/tokens", secret(random("not-an-admin-")), "{\"scopes\":[]}")
                .get("status").asInt());
            final long future = System.currentTimeMillis() / 1000 + 3600;
            final String cap = secret(CapabilityToken.createRoot(rootKey, List.of("read:/**"), future, null).encode());
            final String expiredCap = secret(CapabilityToken.createRoot(rootKey, List.of("read:/**"),
                System.currentTimeMillis() / 1000 - 10, null).encode());
            final String forged = secret(CapabilityToken.createRoot(Ed25519.newSeed(), List.of("admin:/**"), future,
                null).encode());

            final List<TestWsClient> open = new ArrayList<>();
            for (final String t : List.of(kept, registeredToken, loginToken, guest, admin, cap))
            {
                open.add(hello(t, MessageType.WELCOME));
            }
            final TestWsClient revokedSession = hello(issued, MessageType.WELCOME);
            final TestWsClient removedSession = hello(removed, MessageType.WELCOME);
            hello(secret(random("wrong-")), 300).close();
            hello(expiredCap, 302).close();
            hello(forged, 300).close();
            hello(secret("x" + random("huge-").repeat(900)), 300).close();

            // Forbidden messages: the guest (read only) writes.
            final TestWsClient guestSession = open.get(3);
            guestSession.send(set("/x/y", 1));
            assertEquals(301, decode(guestSession.receive(5_000)).error().code());

            // Revocation and a reload close sessions.
            assertEquals(200, post("/auth/revoke", admin, "{\"token\":\"" + issued + "\"}").get("status").asInt());
            assertEquals(300, decode(revokedSession.receive(5_000)).error().code());
            Files.writeString(tokens, kept + " read:/**,write:/x/**\n");
            server.hangUp();
            assertEquals(300, decode(removedSession.receive(5_000)).error().code());
            for (final TestWsClient c : open)
            {
                c.close();
            }
        }
        finally
        {
            assertEquals(0, server.stop(), "exit code; log:\n" + server.log());
        }
        final String log = server.log();
        assertTrue(log.contains("auth: HELLO refused"), "the run did log its refusals:\n" + log);
        assertTrue(log.contains("token revoked"), log);
        for (final String s : secrets)
        {
            assertFalse(log.contains(s), "a secret (" + s.length() + " chars, starting " +
                s.substring(0, Math.min(6, s.length())) + "...) is in the log");
            // Not even a recognisable piece of it.
            if (s.length() >= 24)
            {
                assertFalse(log.contains(s.substring(s.length() - 16)), "the end of a secret is in the log");
            }
        }
    }
}
