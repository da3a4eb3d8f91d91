package to.clasp.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.WelcomeDecoder;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §1 rule 4 and §2: handshake and connection lifecycle. */
class HandshakeTest extends RouterFixture
{
    private static final Pattern UUID_V4 =
        Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    @Test
    void helloFromJsGetsWelcomeWithEveryFieldThenEmptySnapshot()
    {
        start();
        final TestClient c = TestClient.connect(port());
        c.send(Frames.hex("53 01 00 16 01 01 e0 00 0f 43 4c 41 53 50 20 4a 53 20 43 6c 69 65 6e 74 00 00")); // E1
        final Received welcome = c.expect(MessageType.WELCOME);
        final WelcomeDecoder w = welcome.decoder().welcome();
        assertEquals(1, w.version());
        assertEquals(0xF8, w.features());
        assertTrue(UUID_V4.matcher(w.session()).matches(), w.session());
        assertEquals("Clasp Router", w.name());
        assertEquals(0, w.tokenLength());
        assertEquals(69, welcome.bytes().length, "E3 layout: 69 bytes with the default name");
        assertEquals(0x01, welcome.bytes()[1] & 0xFF);
        final long skewMicros = Math.abs(w.time() - clock.epochMicros());
        assertTrue(skewMicros < TimeUnit.SECONDS.toMicros(5), "WELCOME time is router clock µs");
        assertArrayEquals(Frames.hex("53 01 00 03 23 00 00"), c.receive().bytes(), "empty SNAPSHOT after WELCOME");
        c.expectNothingMore();
    }

    @Test
    void connectionThatWantsNoStateOnHelloGetsWelcomeButNoSnapshotUntilItSubscribes()
    {
        start();
        client("writer").send(Frames.set(1, "/adapter/a", 1.0)).expect(MessageType.ACK);
        final java.util.concurrent.LinkedBlockingQueue<byte[]> frames = new java.util.concurrent.LinkedBlockingQueue<>();
        final to.clasp.edge.OutboundQueue[] queue = new to.clasp.edge.OutboundQueue[1];
        final to.clasp.edge.EdgeConnection adapter = new to.clasp.edge.EdgeConnection()
        {
            public void outboundReady()
            {
                queue[0].drain((b, o, l) ->
                {
                    final byte[] bytes = new byte[l];
                    b.getBytes(o, bytes);
                    frames.add(bytes);
                }, Integer.MAX_VALUE);
            }

            public void close(final int closeCode, final String reason)
            {
            }

            public String remoteAddress()
            {
                return "adapter";
            }

            public String transport()
            {
                return "test";
            }

            public boolean wantsStateOnHello()
            {
                return false;
            }
        };
        queue[0] = port().connect(adapter);
        final long id = queue[0].connectionId();
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(new byte[0]);
        for (final byte[] frame : new byte[][] {Frames.hello("adapter"), Frames.ping(), Frames.subscribe(1, "/adapter/*")})
        {
            b.wrap(frame);
            assertTrue(port().onFrame(id, b, 0, frame.length));
        }
        assertEquals(MessageType.WELCOME, new Received(poll(frames)).type());
        assertEquals(MessageType.PONG, new Received(poll(frames)).type(), "no SNAPSHOT between WELCOME and PONG");
        final Received snapshot = new Received(poll(frames));
        assertEquals(MessageType.SNAPSHOT, snapshot.type(), "the SUBSCRIBE still gets its snapshot");
        assertEquals("/adapter/a", snapshot.decoder().snapshot().entry(0).address());
    }

    private static byte[] poll(final java.util.concurrent.BlockingQueue<byte[]> frames)
    {
        try
        {
            final byte[] frame = frames.poll(5, TimeUnit.SECONDS);
            if (null == frame)
            {
                throw new AssertionError("no frame within 5 s");
            }
            return frame;
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void pythonHelloIsAcceptedAndSessionIdsAreUnique()
    {
        start();
        final TestClient a = TestClient.connect(port());
        a.send(Frames.hex("53 01 00 1a 01 01 e0 00 13 43 4c 41 53 50 20 50 79 74 68 6f 6e 20 43 6c 69 65 6e 74 00 00"));
        final String idA = a.expect(MessageType.WELCOME).decoder().welcome().session();
        a.expect(MessageType.SNAPSHOT);
        final TestClient b = client("b");
        assertNotEquals(idA, b.sessionId());
    }

    @Test
    void firstFrameNotHelloClosesWithoutSendingAnything()
    {
        start();
        final TestClient c = TestClient.connect(port());
        c.send(Frames.set(0, "/a", 1.0));
        assertTrue(c.awaitClosed(TestClient.TIMEOUT));
        assertNull(c.connection().receive(Duration.ZERO), "nothing was sent");
    }

    @Test
    void undecodableFirstFrameClosesWithoutSendingAnything()
    {
        start();
        final TestClient c = TestClient.connect(port());
        c.send(Frames.hex("53 01 00 09 01 01")); // length past the end
        assertTrue(c.awaitClosed(TestClient.TIMEOUT));
        assertNull(c.connection().receive(Duration.ZERO));
        await(() -> router.metrics().decodeErrors() == 1, "decode error counted");
    }

    @Test
    void noHelloWithinTheTimeoutClosesTheConnection()
    {
        start(ctx -> ctx.helloTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)));
        final TestClient c = TestClient.connect(port());
        final long t0 = System.nanoTime();
        assertTrue(c.awaitClosed(TestClient.TIMEOUT));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(150), "not before the timeout");
        assertNull(c.connection().receive(Duration.ZERO));
        await(() -> router.metrics().helloTimeouts() == 1, "hello timeout counted");
    }

    @Test
    void secondHelloReplacesTheSessionCleanly()
    {
        start();
        final TestClient a = client("a");
        final TestClient b = client("b");
        a.send(Frames.subscribe(1, "/x/**"));
        a.send(Frames.set(0, "/lock", 1.0, SetEncoder.LOCK, 0, 0));
        a.expectNothingMore();
        final String oldId = a.sessionId();

        a.handshake("a again"); // WELCOME + SNAPSHOT again
        assertNotEquals(oldId, a.sessionId());

        // The lock was released: b can write.
        b.send(Frames.set(1, "/lock", 2.0));
        assertEquals(MessageType.ACK, b.receive().type());
        // The old subscription is gone: a gets nothing for /x/y.
        b.send(Frames.set(0, "/x/y", 3.0));
        b.expectNothingMore();
        a.expectNothingMore();
        await(() -> router.metrics().sessions() == 2, "still two sessions");
    }

    @Test
    void malformedFrameAfterHandshakeIsDroppedAndCountedWithoutReplyAtQos0()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.raw(0, Frames.hex("21 07 00 14 2f"))); // truncated SET
        c.send(Frames.raw(0, Frames.hex("7f 00")));          // unknown type
        c.expectNothingMore();
        await(() -> router.metrics().decodeErrors() == 2, "two decode errors");
        assertTrue(!c.connection().isClosed());
    }

    @Test
    void malformedFrameAtQos1GetsError101AndTheConnectionStays()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.raw(1, Frames.hex("21 07 00 14 2f")));
        final Received err = c.expect(MessageType.ERROR);
        assertEquals(101, err.decoder().error().code());
        assertEquals("malformed message", err.decoder().error().message());
        c.send(Frames.set(1, "/still/ok", 1.0));
        assertEquals(MessageType.ACK, c.receive().type());
    }

    @Test
    void disconnectRemovesTheSessionItsSubscriptionsAndReleasesItsLocks()
    {
        start();
        final TestClient a = client("a");
        final TestClient b = client("b");
        a.send(Frames.subscribe(1, "/**"));
        a.send(Frames.set(0, "/held", 1.0, SetEncoder.LOCK, 0, 0));
        a.expect(MessageType.SET);
        a.expectNothingMore();
        b.send(Frames.set(1, "/held", 2.0));
        assertEquals(MessageType.ERROR, b.receive().type(), "locked while a is connected");
        a.close();
        await(() -> router.metrics().sessions() == 1 && router.metrics().subscriptions() == 0, "a removed");
        b.send(Frames.set(1, "/held", 3.0));
        assertEquals(MessageType.ACK, b.receive().type(), "lock released on disconnect");
    }

    @Test
    void maxSessionsRefusesTheHandshakeWithRouterFullThenCloses()
    {
        start(ctx -> ctx.maxSessions(1));
        client("first");
        final TestClient second = TestClient.connect(port());
        second.send(Frames.hello("second"));
        final Received err = second.expect(MessageType.ERROR);
        assertEquals(503, err.decoder().error().code());
        assertEquals("router full", err.decoder().error().message());
        assertTrue(second.awaitClosed(TestClient.TIMEOUT));
        assertEquals(1013, second.connection().closeCode());
    }

    @Test
    void closingTheRouterClosesEverySessionWith1001()
    {
        start();
        final TestClient a = client("a");
        router.close();
        assertTrue(a.awaitClosed(TestClient.TIMEOUT));
        assertEquals(1001, a.connection().closeCode());
        router = null;
    }
}
