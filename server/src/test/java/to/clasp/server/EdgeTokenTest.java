package to.clasp.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.TestWsClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --edge-token FILE}: with token auth on, the router's own sessions (the OSC input and targets, the MQTT
 * bridges) present this token, so their traffic reaches the core under its scopes; without it the combination is
 * refused at start rather than losing every OSC message to an ERROR 300.
 */
@Timeout(60)
final class EdgeTokenTest
{
    @TempDir
    Path dir;

    private static int run(final StringWriter err, final String... args)
    {
        return Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void oscOrABridgeWithTokenAuthNeedsAnEdgeTokenAndABadFileIsNamedNotEchoed() throws Exception
    {
        final Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "edge-secret-1 write:/osc/**\n");
        for (final String[] edge : new String[][] {{"--osc-port", "0"}, {"--osc-send", "127.0.0.1:9=/osc/**"},
            {"--mqtt-bridge", "mqtt://127.0.0.1:1"}})
        {
            final StringWriter err = new StringWriter();
            assertEquals(2, run(err, "server", "--port", "0", "--auth-tokens", tokens.toString(), edge[0], edge[1]),
                err.toString());
            assertTrue(err.toString().contains("'" + edge[0] + "' with token auth needs '--edge-token FILE'"),
                err.toString());
        }
        final StringWriter missing = new StringWriter();
        assertEquals(2, run(missing, "server", "--port", "0", "--auth-tokens", tokens.toString(), "--osc-port", "0",
            "--edge-token", dir.resolve("absent").toString()));
        assertTrue(missing.toString().contains("'--edge-token': cannot read"), missing.toString());
        final Path twoWords = dir.resolve("two-words");
        Files.writeString(twoWords, "edge-secret-2 and more\n");
        final StringWriter bad = new StringWriter();
        assertEquals(2, run(bad, "server", "--port", "0", "--auth-tokens", tokens.toString(), "--osc-port", "0",
            "--edge-token", twoWords.toString()));
        assertTrue(bad.toString().contains("must be one token"), bad.toString());
        assertFalse(bad.toString().contains("edge-secret-2"), "the file's content is a secret: " + bad);
    }

    @Test
    void oscInputPresentsTheEdgeTokenAndReachesAReaderUnderItsScopes() throws Exception
    {
        final Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "edge-secret write:/osc/**\nreader-secret read:/osc/**\n");
        final Path edgeToken = dir.resolve("edge.token");
        Files.writeString(edgeToken, "edge-secret\n");
        assertEquals("edge-secret", ServerCommandTest.parse("--auth-tokens", tokens.toString(), "--osc-port", "0",
            "--edge-token", edgeToken.toString(), "--mqtt-bridge", "mqtt://127.0.0.1:1").context().osc().token());
        // As `clasp server` starts it: the token sources open, the core judges every HELLO.
        final ServerCommand command = ServerCommandTest.parse("--host", "127.0.0.1", "--port", "0", "--auth-tokens",
            tokens.toString(), "--osc-port", "0", "--edge-token", edgeToken.toString());
        final ServerSecurity security = ServerSecurity.open(command.security);
        final ClaspServer.Context ctx = command.context().security(security);
        ctx.router().authenticator(security.authenticator());
        try (ClaspServer server = ClaspServer.start(ctx))
        {
            try (TestWsClient ws = TestWsClient.connect(server.wsPort()))
            {
                ws.sendPythonHello("reader-secret");
                assertEquals(0x02, ws.receive(5_000)[4], "WELCOME");
                assertEquals(0x23, ws.receive(5_000)[4], "SNAPSHOT");
                ws.send("53 01 00 0f 10 00 00 00 02 00 06 2f 6f 73 63 2f 2a ff 00"); // SUBSCRIBE 2 /osc/*
                // An OSC message "/level ,i 7": /osc/level, inside the edge token's write:/osc/**.
                final byte[] osc = {'/', 'l', 'e', 'v', 'e', 'l', 0, 0, ',', 'i', 0, 0, 0, 0, 0, 7};
                try (DatagramSocket socket = new DatagramSocket())
                {
                    socket.send(new DatagramPacket(osc, osc.length,
                        new InetSocketAddress("127.0.0.1", server.oscEdge().localAddress().getPort())));
                }
                final byte[] set = ws.receive(5_000);
                assertEquals(0x21, set[4], Hex.of(set));
                assertTrue(Hex.of(set).contains("2f 6f 73 63 2f 6c 65 76 65 6c"), "/osc/level: " + Hex.of(set));
            }
        }
    }
}
