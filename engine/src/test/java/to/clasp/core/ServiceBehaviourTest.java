package to.clasp.core;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.ResultDecoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SyncDecoder;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §2 (idle, rate limit) and §5 (ANNOUNCE/QUERY, SYNC, PING, REPLAY). */
class ServiceBehaviourTest extends RouterFixture
{
    @Test
    void announceRegistersAndAcksTheNamespaceAtQos1AndQueryReturnsMatches()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.announce(1, "/synth", new String[] {"/synth/cutoff", "/synth/env"},
            new int[] {SignalType.PARAM, SignalType.EVENT}));
        assertEquals("/synth", c.expect(MessageType.ACK).decoder().ack().address());
        c.send(Frames.announce(0, "/other", new String[] {"/other/x"}, new int[] {SignalType.STREAM}));
        c.expectNothingMore(); // QoS 0: no ACK
        c.send(Frames.query("/synth/*"));
        final ResultDecoder r = c.expect(MessageType.RESULT).decoder().result();
        assertEquals(2, r.count());
        assertEquals("/synth/cutoff", r.entry(0).address());
        assertEquals(SignalType.EVENT, r.entry(1).signal());
    }

    @Test
    void pythonMessagePackQueryWithNoMatchesGetsTheEmptyResult()
    {
        start();
        final TestClient py = client("py");
        py.send(Frames.hex("53 01 00 18 82 a4 74 79 70 65 a5 51 55 45 52 59 a7 70 61 74 74 65 72 6e a3 2f 2a 2a"));
        assertArrayEquals(Frames.hex("53 01 00 03 61 00 00"), py.receive().bytes());
    }

    @Test
    void syncEchoesT1WithReceiveAndSendTimes()
    {
        start();
        final TestClient c = client("c");
        final long before = clock.epochMicros();
        c.send(Frames.sync(12345));
        final Received r = c.expect(MessageType.SYNC);
        final SyncDecoder s = r.decoder().sync();
        assertEquals(12345, s.t1());
        assertTrue(s.hasT2() && s.hasT3());
        assertTrue(s.t2() >= before - 1000 && s.t2() <= s.t3() + 1, s.t2() + " " + s.t3());
        assertTrue(s.t3() <= clock.epochMicros());
        assertEquals(0x1a, r.bytes()[3] & 0xFF);
    }

    @Test
    void pingGetsPong()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.hex("53 01 00 01 41"));
        assertArrayEquals(Frames.hex("53 01 00 01 42"), c.receive().bytes());
    }

    @Test
    void replayWithoutAJournalGetsError501()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.hex("53 01 00 07 24 00 00 03 2f 2a 2a ff".replace("00 07", "00 08")));
        assertEquals(501, c.expect(MessageType.ERROR).decoder().error().code());
    }

    @Test
    void idleSessionGetsAPingProbeThenIsClosedAfterTheGrace()
    {
        start(ctx -> ctx.idleTimeoutNs(TimeUnit.MILLISECONDS.toNanos(150))
            .idleGraceNs(TimeUnit.MILLISECONDS.toNanos(100)));
        final TestClient c = client("c");
        final long t0 = System.nanoTime();
        assertEquals(MessageType.PING, c.receive().type());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
        assertTrue(c.awaitClosed(TestClient.TIMEOUT));
        assertEquals(1001, c.connection().closeCode());
        await(() -> router.metrics().idleCloses() == 1, "idle close counted");
    }

    @Test
    void inboundTrafficIncludingPongKeepsASessionAlive()
    {
        start(ctx -> ctx.idleTimeoutNs(TimeUnit.MILLISECONDS.toNanos(150))
            .idleGraceNs(TimeUnit.MILLISECONDS.toNanos(100)));
        final TestClient c = client("c");
        assertEquals(MessageType.PING, c.receive().type());
        c.send(Frames.pong());
        // After the PONG the session lives on: the next probe comes a full idle period later.
        assertEquals(MessageType.PING, c.receive().type());
        c.send(Frames.pong());
        assertTrue(!c.connection().isClosed());
    }

    @Test
    void rateLimitDropsExcessFramesWithAtMostOneError429PerSecond()
    {
        start(ctx -> ctx.rateLimit(10));
        final TestClient c = client("c");
        for (int i = 0; i < 40; i++)
        {
            c.send(Frames.set(1, "/r", (double)i));
        }
        // Drain everything queued so far (ACKs for accepted frames, one 429), bounded by what was sent.
        int acks = 0;
        int errors = 0;
        Received r;
        while (null != (r = c.receive(java.time.Duration.ofMillis(300))))
        {
            if (MessageType.ACK == r.type())
            {
                acks++;
            }
            else if (MessageType.ERROR == r.type())
            {
                assertEquals(429, r.decoder().error().code());
                errors++;
            }
        }
        assertTrue(acks >= 10 && acks < 20, "burst of ~10 accepted, got " + acks);
        assertEquals(1, errors, "one 429 per second");
        await(() -> router.metrics().rateLimited() >= 20, "drops counted");
    }

    @Test
    void metricsCountMessagesErrorsAndFanOut()
    {
        start();
        final TestClient c = client("c");
        c.send(Frames.subscribe(1, "/**"));
        c.send(Frames.set(1, "/m", 1.0));
        c.send(Frames.get(1, "/none"));
        final List<Received> got = c.receiveUntilBarrier();
        assertEquals(3, got.size());
        final RouterMetrics m = router.metrics();
        await(() -> m.messagesIn(MessageType.SET) == 1 && m.errors(201) == 1 && m.params() == 1 &&
            m.fanOutBucket(1) == 1 && m.sessions() == 1 && m.subscriptions() == 1, "metrics");
    }
}
