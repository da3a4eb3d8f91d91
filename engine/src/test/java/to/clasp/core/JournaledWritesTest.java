package to.clasp.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import to.clasp.journal.TestDurablePositions;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.ReplayEncoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.state.ParamStore;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's handlers with a real journal (real files, a real archive): every accepted SET, BUNDLE entry, expiry and
 * (with journal events) PUBLISH is journaled; a QoS ≥ 1 answer waits until its record is durable while the fan-out
 * goes at once; a session's answers keep their order; a failed journal answers what it held with ERROR 503 and refuses
 * writes. Held answers are told apart from prompt ones by a PING round trip: the PONG is never held. A held answer
 * is made to stay held by holding the journal's syncs ({@link #holdSyncs}), as a slow disk would.
 */
class JournaledWritesTest extends RouterFixture
{
    /** A batch window far longer than any receive timeout here: a write that waited for it would never be ACKed. */
    private static final long LONG_WINDOW_NS = TimeUnit.SECONDS.toNanos(60);

    /** While set, the journal thread waits on it before each sync (bounded, so a failing test cannot hang). */
    private volatile CountDownLatch syncGate;

    @TempDir
    Path dir;

    private DurableState durable;
    private ParamStore store;

    @AfterEach
    void closeDurableState()
    {
        releaseSyncs();
        if (null != router)
        {
            router.close();
            router = null;
        }
        if (null != durable)
        {
            durable.close();
            durable = null;
        }
    }

    private void startWithJournal(final FsyncPolicy fsync, final long windowNs, final boolean events)
    {
        store = baseContext().newParamStore();
        final DurableState.Context durableCtx = new DurableState.Context().directory(dir.toFile())
            .snapshotIntervalNs(0).journalEvents(events);
        durableCtx.journal().fsync(fsync).fsyncIntervalNs(windowNs).termLength(1 << 20).segmentLength(1 << 22)
            .beforeSync(this::awaitSyncGate);
        durable = DurableState.open(durableCtx, store);
        start(ctx -> ctx.initialState(store).durableState(durable));
    }

    private void restart()
    {
        router.close();
        router = null;
        final DurableState.Context ctx = durable.context();
        durable.close();
        store = baseContext().newParamStore();
        durable = DurableState.open(new DurableState.Context().directory(dir.toFile()).snapshotIntervalNs(0)
            .journalEvents(ctx.journalEvents()), store);
        start(c -> c.initialState(store).durableState(durable));
    }

    /** From now on every sync waits (as on a slow disk) until {@link #releaseSyncs}. */
    private void holdSyncs()
    {
        syncGate = new CountDownLatch(1);
    }

    private void releaseSyncs()
    {
        final CountDownLatch gate = syncGate;
        syncGate = null;
        if (null != gate)
        {
            gate.countDown();
        }
    }

    private void awaitSyncGate()
    {
        final CountDownLatch gate = syncGate;
        if (null != gate)
        {
            try
            {
                gate.await(20, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Frames up to the next PONG, after sending a PING. */
    private static List<Received> roundTrip(final TestClient c)
    {
        c.send(Frames.ping());
        final List<Received> before = new ArrayList<>();
        while (true)
        {
            final Received r = c.receive();
            if (MessageType.PONG == r.type())
            {
                return before;
            }
            before.add(r);
        }
    }

    private static String describe(final Received r)
    {
        switch (r.type())
        {
            case MessageType.ACK:
                return "ACK " + (r.decoder().ack().hasAddress() ? r.decoder().ack().address() + " " : "") +
                    r.decoder().ack().revision();
            case MessageType.ERROR:
                return "ERROR " + r.decoder().error().code() + " " + r.decoder().error().address();
            case MessageType.SET:
                return "SET " + r.decoder().set().address() + "@" + r.decoder().set().revision();
            default:
                return MessageType.name(r.type());
        }
    }

    private static List<String> describe(final List<Received> frames)
    {
        final List<String> out = new ArrayList<>();
        frames.forEach(r -> out.add(describe(r)));
        return out;
    }

    @Test
    void aQos1SetIsAckedOnceItsRecordIsDurableWhileItsFanOutGoesAtOnce()
    {
        startWithJournal(FsyncPolicy.BATCH, LONG_WINDOW_NS, false);
        final TestClient writer = client("writer");
        final TestClient reader = client("reader");
        reader.send(Frames.subscribe(1, "/j/**"));
        roundTrip(reader);

        writer.send(Frames.set(Qos.CONFIRM, "/j/a", 1L));
        assertEquals("ACK /j/a 1", describe(writer.expect(MessageType.ACK)));
        // While the disk has not synced it, subscribers have the write at once and its writer's ACK waits.
        holdSyncs();
        writer.send(Frames.set(Qos.CONFIRM, "/j/a", 2L));
        assertEquals(List.of(), describe(roundTrip(writer)), "the ACK is held: the PONG overtakes it");
        assertEquals(List.of("SET /j/a@1", "SET /j/a@2"), describe(roundTrip(reader)), "the fan-out is not held");
        releaseSyncs();
        assertEquals("ACK /j/a 2", describe(writer.receive(java.time.Duration.ofSeconds(10))));
        assertTrue(durable.metrics().ackHold().count() >= 2, "hold times recorded");

        // QoS 0 writes are never answered, so nothing is held for them.
        writer.send(Frames.set(Qos.FIRE, "/j/b", 3L));
        assertEquals(List.of(), describe(roundTrip(writer)));
    }

    @Test
    void underBatchAnAckWaitsForTheSyncNotForTheWindow()
    {
        // Group commit: a held ACK makes its sync due at once, however long the window (here 60 s, far beyond the
        // receive timeouts): back-to-back writes each get their ACK after a sync, never after the window.
        startWithJournal(FsyncPolicy.BATCH, LONG_WINDOW_NS, false);
        final TestClient writer = client("writer");
        for (long i = 1; i <= 5; i++)
        {
            writer.send(Frames.set(Qos.CONFIRM, "/g/a", i));
            assertEquals("ACK /g/a " + i, describe(writer.receive(java.time.Duration.ofSeconds(10))));
        }
        assertTrue(durable.metrics().fsyncLatency().count() >= 5, "one sync (at least) per awaited ACK");
    }

    @Test
    void refusalsWaitBehindTheSessionsHeldAcksSoItsAnswersKeepTheirOrder()
    {
        startWithJournal(FsyncPolicy.BATCH, LONG_WINDOW_NS, false);
        final TestClient writer = client("writer");
        writer.send(Frames.set(Qos.CONFIRM, "/o/first", 1L));
        writer.expect(MessageType.ACK);

        holdSyncs();
        writer.send(Frames.set(Qos.CONFIRM, "/o/a", 1L));
        writer.send(Frames.set(Qos.CONFIRM, "/o/a", 2L, SetEncoder.REVISION, 7, 0)); // expects revision 7: refused
        assertEquals(List.of(), describe(roundTrip(writer)), "both answers wait");
        releaseSyncs();
        assertEquals("ACK /o/a 1", describe(writer.receive(java.time.Duration.ofSeconds(10))));
        assertEquals("ERROR 400 /o/a", describe(writer.receive()));

        // Another session with nothing held gets its refusal at once.
        final TestClient other = client("other");
        other.send(Frames.set(Qos.CONFIRM, "/o/a", 3L, SetEncoder.REVISION, 9, 0));
        assertEquals(List.of("ERROR 400 /o/a"), describe(roundTrip(other)));
    }

    @Test
    void aBundleGetsOneAckOnceAllItsRecordsAreDurableAndAllOfThemAreJournaled()
    {
        startWithJournal(FsyncPolicy.BATCH, LONG_WINDOW_NS, false);
        final TestClient writer = client("writer");
        writer.send(Frames.set(Qos.CONFIRM, "/b/first", 1L));
        writer.expect(MessageType.ACK);

        holdSyncs();
        writer.send(Frames.bundle(Qos.CONFIRM, null,
            Frames.set(Qos.CONFIRM, "/b/x", 1L), Frames.set(Qos.CONFIRM, "/b/y", 2L),
            Frames.set(Qos.CONFIRM, "/b/x", 3L)));
        assertEquals(List.of(), describe(roundTrip(writer)));
        releaseSyncs();
        assertEquals("ACK 2", describe(writer.receive(java.time.Duration.ofSeconds(10))), "revision of the last SET");

        restart();
        final TestClient reader = client("reader");
        reader.send(Frames.get(Qos.CONFIRM, "/b/x"));
        final to.clasp.protocol.SnapshotDecoder x = reader.expect(MessageType.SNAPSHOT).decoder().snapshot();
        assertEquals(2, x.entry(0).revision());
        assertEquals(3L, x.entry(0).value().toObject());
        reader.send(Frames.get(Qos.CONFIRM, "/b/y"));
        assertEquals(1, reader.expect(MessageType.SNAPSHOT).decoder().snapshot().entry(0).revision());
    }

    @Test
    void underFsyncNeverAcksGoAtOnce()
    {
        startWithJournal(FsyncPolicy.NEVER, LONG_WINDOW_NS, false);
        final TestClient writer = client("writer");
        writer.send(Frames.set(Qos.CONFIRM, "/n/a", 1L));
        writer.send(Frames.set(Qos.CONFIRM, "/n/a", 2L));
        assertEquals(List.of("ACK /n/a 1", "ACK /n/a 2"), describe(roundTrip(writer)));
    }

    @Test
    void anExpiryIsJournaledSoAnExpiredParamStaysGoneAfterARestart()
    {
        startWithJournal(FsyncPolicy.ALWAYS, 0, false);
        final TestClient writer = client("writer");
        writer.send(Frames.set(Qos.CONFIRM, "/t/short", 1L, SetEncoder.TTL, 0, 1)); // sliding, 1 s
        writer.send(Frames.set(Qos.CONFIRM, "/t/kept", 2L));
        writer.expect(MessageType.ACK);
        writer.expect(MessageType.ACK);
        clock.offsetMicros.addAndGet(5_000_000);
        await(() ->
        {
            writer.send(Frames.get(Qos.CONFIRM, "/t/short"));
            return MessageType.ERROR == writer.receive().type();
        }, "the TTL sweep");

        restart();
        final TestClient reader = client("reader");
        reader.send(Frames.get(Qos.CONFIRM, "/t/short"));
        assertEquals(201, reader.expect(MessageType.ERROR).decoder().error().code(), "the removal was journaled");
        reader.send(Frames.get(Qos.CONFIRM, "/t/kept"));
        assertEquals(2L, reader.expect(MessageType.SNAPSHOT).decoder().snapshot().entry(0).value().toObject());
    }

    @Test
    void withJournalEventsAForwardedPublishIsJournaledAndReplayed()
    {
        startWithJournal(FsyncPolicy.ALWAYS, 0, true);
        final TestClient sender = client("sender");
        sender.send(Frames.publish(Qos.CONFIRM, SignalType.EVENT, "/ev/go", 42L));
        sender.send(Frames.set(Qos.CONFIRM, "/ev/p", 1L));
        sender.expect(MessageType.ACK); // after the event's record too: the journal is in order
        final TestClient reader = client("reader");
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        final int length = ReplayEncoder.encode(b, 0, Qos.CONFIRM, "/ev/*", null, null, null, 0);
        final byte[] replay = new byte[length];
        b.getBytes(0, replay);
        reader.send(replay);
        final Received event = reader.expect(MessageType.PUBLISH);
        assertEquals("/ev/go", event.decoder().publish().address());
        assertEquals(42L, event.decoder().publish().value().toObject());
        assertTrue(event.decoder().hasTimestamp());
        assertEquals(MessageType.SET, reader.receive().type());
        assertEquals(MessageType.ACK, reader.receive().type());
    }

    @Test
    void aFailedJournalAnswersHeldAcksWithError503AndRefusesWritesWhileReadsAndEventsGoOn()
    {
        startWithJournal(FsyncPolicy.BATCH, LONG_WINDOW_NS, false);
        final TestClient writer = client("writer");
        final TestClient reader = client("reader");
        reader.send(Frames.subscribe(1, "/f/**"));
        roundTrip(reader);
        writer.send(Frames.set(Qos.CONFIRM, "/f/a", 1L));
        assertEquals("ACK /f/a 1", describe(writer.expect(MessageType.ACK)));
        holdSyncs();
        writer.send(Frames.set(Qos.CONFIRM, "/f/b", 2L));
        assertEquals(List.of(), describe(roundTrip(writer)), "held");

        // The journal thread finds the disk full (the archive stopped recording) or a sync failing.
        TestDurablePositions.fail(durable.durablePosition(), "journal failed: test");
        final Received answer = writer.receive(java.time.Duration.ofSeconds(5));
        assertEquals("ERROR 503 /f/b", describe(answer), "the held ACK becomes an error: not known durable");
        assertTrue(answer.decoder().error().message().startsWith("journal failed"));

        writer.send(Frames.set(Qos.CONFIRM, "/f/c", 3L));
        assertEquals(List.of("ERROR 503 /f/c"), describe(roundTrip(writer)), "writes are refused at once");
        writer.send(Frames.get(Qos.CONFIRM, "/f/b"));
        assertEquals(MessageType.SNAPSHOT, writer.receive().type(), "reads go on");
        final List<String> seen = describe(roundTrip(reader));
        assertTrue(seen.contains("SET /f/b@1"), "the applied write was broadcast: " + seen);
        assertFalse(seen.contains("SET /f/c@1"), "the refused one was not: " + seen);
    }
}
