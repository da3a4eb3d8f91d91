package to.clasp.transport.ws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.RouterFixture;
import to.clasp.transport.ws.testing.TestWsClient;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python client (clasp-to 4.x) reproduced byte for byte from wire-protocol.md §10 over a real WebSocket: what
 * it sends, and that the router never sends it a frame it cannot decode (an ACK would kill its receive loop).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class PythonClientFramesTest
{
    /** A window long enough for a wrongly sent ACK to arrive on loopback. */
    private static final long SILENCE_MS = 400;

    private static RouterFixture fixture;

    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start();
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    void e2HelloGetsWelcomeAndSnapshot() throws Exception
    {
        try (TestWsClient python = TestWsClient.connect(fixture.port()))
        {
            final byte[][] reply = python.helloAsPython();
            assertEquals(0x02, reply[0][4], "WELCOME");
            assertEquals(0x23, reply[1][4], "SNAPSHOT");
        }
    }

    @Test
    void e8SetAtQos0IsBroadcastAsI64AndNeverAcked() throws Exception
    {
        try (TestWsClient python = TestWsClient.connect(fixture.port()))
        {
            python.helloAsPython();
            python.send("53 01 00 0f 10 00 00 00 01 00 06 2f 70 79 2f 2a 2a ff 00"); // subscribe /py/**
            python.send("53 01 00 13 21 05 00 07 2f 70 79 2f 69 6e 74 00 00 00 00 00 00 00 2a");
            // The broadcast reaches the writer too, keeps vtype 5 (I64) and carries revision 1.
            python.expect("53 41 00 1b 21 85 00 07 2f 70 79 2f 69 6e 74 00 00 00 00 00 00 00 2a " +
                "00 00 00 00 00 00 00 01");
            final List<byte[]> after = python.collect(SILENCE_MS);
            assertTrue(after.isEmpty(), "nothing after a QoS 0 SET (no ACK 0x50): " + hex(after));
            // The stream is alive: PING → PONG.
            python.send("53 01 00 01 41").expect("53 01 00 01 42");
        }
    }

    @Test
    void e11MessagePackBundleIsAppliedAndQueryGetsEmptyResult() throws Exception
    {
        try (TestWsClient python = TestWsClient.connect(fixture.port()))
        {
            python.helloAsPython();
            python.send("53 01 00 0e 10 00 00 00 01 00 05 2f 6c 2f 2a 2a ff 00"); // subscribe /l/**
            python.send("53 01 00 48 83 a4 74 79 70 65 a6 42 55 4e 44 4c 45 a9 74 69 6d 65 73 74 61 6d 70 c0 " +
                "a8 6d 65 73 73 61 67 65 73 91 83 a4 74 79 70 65 a3 53 45 54 a7 61 64 64 72 65 73 73 a4 2f 6c 2f " +
                "31 a5 76 61 6c 75 65 cb 3f f0 00 00 00 00 00 00");
            // {"type":"SET","address":"/l/1","value":1.0} applied: F64 1.0 at revision 1, broadcast in binary.
            python.expect("53 41 00 18 21 87 00 04 2f 6c 2f 31 3f f0 00 00 00 00 00 00 00 00 00 00 00 00 00 01");
            final List<byte[]> after = python.collect(SILENCE_MS);
            assertTrue(after.isEmpty(), "no ACK for a QoS 0 bundle: " + hex(after));

            python.send("53 01 00 18 82 a4 74 79 70 65 a5 51 55 45 52 59 a7 70 61 74 74 65 72 6e a3 2f 2a 2a");
            python.expect("53 01 00 03 61 00 00");
        }
    }

    @Test
    void e9SubscribeWithOptionsGetsNoReplyAndDelivers() throws Exception
    {
        try (TestWsClient python = TestWsClient.connect(fixture.port());
             TestWsClient writer = TestWsClient.connect(fixture.port()))
        {
            python.helloAsPython();
            writer.helloAsPython();
            python.send("53 01 00 1e 10 00 00 00 02 00 05 2f 73 2f 2a 2a ff 07 00 00 00 1e 3f e0 00 00 00 00 00 00 " +
                "00 00 00 03");
            assertTrue(python.collect(SILENCE_MS).isEmpty(), "SUBSCRIBE gets no ACK and, with no params, no SNAPSHOT");

            writer.send("53 01 00 10 21 05 00 04 2f 73 2f 78 00 00 00 00 00 00 00 07"); // set /s/x = 7 (I64)
            python.expect("53 41 00 18 21 85 00 04 2f 73 2f 78 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00 01");

            python.send("53 01 00 05 11 00 00 00 02"); // unsubscribe id 2: silent
            writer.send("53 01 00 10 21 05 00 04 2f 73 2f 78 00 00 00 00 00 00 00 08");
            assertTrue(python.collect(SILENCE_MS).isEmpty(), "nothing after UNSUBSCRIBE");
        }
    }

    @Test
    void e10EmitIsForwardedToOthersButNotEchoed() throws Exception
    {
        try (TestWsClient python = TestWsClient.connect(fixture.port());
             TestWsClient listener = TestWsClient.connect(fixture.port()))
        {
            python.helloAsPython();
            listener.helloAsPython();
            python.send("53 01 00 0f 10 00 00 00 01 00 06 2f 63 75 65 2f 2a ff 00"); // subscribe /cue/*
            listener.send("53 01 00 0f 10 00 00 00 01 00 06 2f 63 75 65 2f 2a ff 00");
            listener.send("53 01 00 01 41").expect("53 01 00 01 42"); // the subscription is in place
            python.send("53 01 00 14 20 30 00 07 2f 63 75 65 2f 67 6f 00 00 06 0a 24 18 1e 40 00");
            final byte[] event = listener.receive(5_000);
            assertEquals(0x20, event[4], "PUBLISH forwarded: " + Hex.of(event));
            assertTrue(Hex.of(event).contains("00 07 2f 63 75 65 2f 67 6f"), Hex.of(event));
            assertTrue(python.collect(SILENCE_MS).isEmpty(), "the sender gets no echo of its PUBLISH");
        }
    }

    private static String hex(final List<byte[]> frames)
    {
        return frames.stream().map(Hex::of).collect(Collectors.joining(" | "));
    }
}
