package to.clasp.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.TestWsClient;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Python subscriber, as the {@code clasp-to} client puts it on the wire (wire-protocol.md §9.2, §10:
 * every frame flags 0x01, SET and SUBSCRIBE in compact binary, BUNDLE in MessagePack): {@code await client.connect()}
 * (HELLO, then WELCOME and the SNAPSHOT), and only then the SUBSCRIBE. Such a subscription gets the late-join value
 * and then every update, in order, and never a frame the Python client cannot decode. A SUBSCRIBE sent before the
 * handshake is not a subscription at all: the router closes a connection whose first frame is not HELLO (and the
 * Python client, not yet connected, drops it before it reaches the socket).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class PythonSubscribeAfterConnectTest
{
    /** The message types the Python client can decode; anything else ends its receive loop for good. */
    private static final Set<Integer> PYTHON_DECODES = Set.of(0x02, 0x20, 0x21, 0x23, 0x41, 0x42, 0x51, 0x60, 0x61);
    private static final int UPDATES = 100;

    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception
    {
        server = ServerProcess.start();
    }

    @AfterAll
    static void stop() throws Exception
    {
        ServerProcess.stopAndCheck(server);
    }

    @Test
    void aSubscriptionMadeAfterConnectGetsTheLateJoinValueThenEveryUpdate() throws Exception
    {
        try (TestWsClient publisher = TestWsClient.connect(server.port());
            TestWsClient subscriber = TestWsClient.connect(server.port()))
        {
            publisher.helloAsPython();
            publisher.send(set("/sensors/temperature", 20.0));
            publisher.send(frame(new byte[] {0x41})).receive(5_000); // PING → PONG: the write is in

            // await client.connect(): HELLO, then WELCOME and the SNAPSHOT of everything (here, the one param).
            final byte[][] welcome = subscriber.helloAsPython();
            assertEquals(0x02, welcome[0][4]);
            assertEquals(0x23, welcome[1][4]);
            // @client.on('/sensors/*') after connect: the SUBSCRIBE reaches the router, whose SNAPSHOT carries the
            // late-join value.
            subscriber.send(subscribe(1, "/sensors/*"));
            final byte[] lateJoin = subscriber.receive(5_000);
            assertEquals(0x23, lateJoin[4], Hex.of(lateJoin));
            assertTrue(Hex.of(lateJoin).contains(Hex.of("/sensors/temperature".getBytes(StandardCharsets.UTF_8))));

            for (int i = 1; i <= UPDATES; i++)
            {
                publisher.send(set("/sensors/temperature", 20.0 + i / 10.0));
            }
            publisher.send(bundleSet("/sensors/temperature", 99.5)); // the Python client's MessagePack BUNDLE

            final List<byte[]> received = subscriber.receiveUntil(
                m -> m[4] == 0x21 && ByteBuffer.wrap(m).getDouble(m.length - 16) == 99.5, 10_000);
            assertEquals(UPDATES + 1, received.size(), "every update, nothing else");
            for (int i = 0; i < received.size(); i++)
            {
                final byte[] m = received.get(i);
                assertEquals(0x21, m[4], "SET broadcast " + Hex.of(m));
                final double expected = i < UPDATES ? 20.0 + (i + 1) / 10.0 : 99.5;
                assertEquals(expected, ByteBuffer.wrap(m).getDouble(m.length - 16), "value, in order");
                assertEquals(i + 2, ByteBuffer.wrap(m).getLong(m.length - 8), "revision, in order");
            }
            for (final byte[] m : welcome)
            {
                assertTrue(PYTHON_DECODES.contains(m[4] & 0xFF));
            }
            // The publisher (QoS 0 writes) got nothing it cannot decode: only the PONG of the barrier.
            publisher.send(frame(new byte[] {0x41}));
            final byte[] reply = publisher.receive(5_000);
            assertEquals("53 01 00 01 42", Hex.of(reply), "no ACK or anything else before the PONG");
        }
    }

    @Test
    void aSubscribeBeforeTheHandshakeIsNoSubscription() throws Exception
    {
        try (TestWsClient early = TestWsClient.connect(server.port()))
        {
            early.send(subscribe(1, "/sensors/*"));
            early.awaitClose(15_000);
            assertTrue(early.isClosed(), "a first frame that is not HELLO closes the connection");
            assertEquals(null, early.poll(0), "and gets no reply");
        }
    }

    // Frames as the Python client writes them (flags 0x01 on every frame).

    private static byte[] set(final String address, final double value)
    {
        final ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x21);
        p.write(0x07);                                    // no revision/lock/ttl, value type f64
        writeStr(p, address);
        p.writeBytes(ByteBuffer.allocate(8).putDouble(value).array());
        return frame(p.toByteArray());
    }

    private static byte[] subscribe(final int id, final String pattern)
    {
        final ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x10);
        p.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        writeStr(p, pattern);
        p.write(0xff);                                    // every signal type
        p.write(0x00);                                    // no options
        return frame(p.toByteArray());
    }

    /** {"type":"BUNDLE","timestamp":nil,"messages":[{"type":"SET","address":A,"value":V}]} in MessagePack (E11). */
    private static byte[] bundleSet(final String address, final double value)
    {
        final ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x83);
        msgStr(p, "type");
        msgStr(p, "BUNDLE");
        msgStr(p, "timestamp");
        p.write(0xc0);
        msgStr(p, "messages");
        p.write(0x91);
        p.write(0x83);
        msgStr(p, "type");
        msgStr(p, "SET");
        msgStr(p, "address");
        msgStr(p, address);
        msgStr(p, "value");
        p.write(0xcb);
        p.writeBytes(ByteBuffer.allocate(8).putDouble(value).array());
        return frame(p.toByteArray());
    }

    private static void msgStr(final ByteArrayOutputStream p, final String s)
    {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(0xa0 | b.length);                         // fixstr (< 32 bytes)
        p.writeBytes(b);
    }

    private static void writeStr(final ByteArrayOutputStream p, final String s)
    {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(b.length >> 8);
        p.write(b.length & 0xff);
        p.writeBytes(b);
    }

    private static byte[] frame(final byte[] payload)
    {
        final byte[] f = new byte[4 + payload.length];
        f[0] = 0x53;
        f[1] = 0x01;
        f[2] = (byte)(payload.length >> 8);
        f[3] = (byte)payload.length;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }
}
