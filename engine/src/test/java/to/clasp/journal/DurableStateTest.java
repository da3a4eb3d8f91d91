package to.clasp.journal;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.state.ParamStore;
import to.clasp.testing.StoreWrites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static to.clasp.journal.RecoveryProperties.assertSameState;
import static to.clasp.journal.RecoveryProperties.awaitDurable;
import static to.clasp.journal.RecoveryProperties.copyTree;
import static to.clasp.journal.RecoveryProperties.newStore;
import static to.clasp.journal.RecoveryProperties.open;

/**
 * The defined outcomes for damaged data directories: a torn journal tail (file cut at a random byte, or its last bytes
 * flipped) is cut where the valid records end and the journal continues from there; a corrupt newest snapshot falls
 * back to the previous one with a longer replay; nothing valid refuses to start; an empty directory starts empty; a
 * second router on the same directory is refused.
 */
class DurableStateTest
{
    @TempDir
    Path tmp;

    /** One accepted write and where its record ends in the journal. */
    private record Written(String address, long revision, long end)
    {
    }

    private static Written write(final ParamStore store, final DurableState durable, final String address,
        final int valueLength, final long nowMicros)
    {
        final byte[] value = new byte[valueLength];
        value[0] = 0x05;
        final String writer = "writer";
        final int id = StoreWrites.apply(store,
            StoreWrites.request(address, new UnsafeBuffer(value), valueLength, writer, nowMicros));
        while (!durable.writer().hasRoom(RecordCodec.paramRecordLength(address.length(), writer.length(),
            valueLength)))
        {
            durable.writer().endOfCycle();
            Thread.onSpinWait();
        }
        assertTrue(durable.writer().appendParam(store, id, false, false));
        return new Written(address, store.revision(id), durable.writer().position());
    }

    private static List<Written> writeMany(final ParamStore store, final DurableState durable, final Random random,
        final int count)
    {
        final List<Written> written = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            written.add(write(store, durable, "/t/" + random.nextInt(50), 9 + random.nextInt(300), 1_000 + i));
        }
        return written;
    }

    /** Per address, the revision of its last write whose record ends at or before {@code cut}. */
    private static Map<String, Long> survivors(final List<Written> written, final long cut)
    {
        final Map<String, Long> expected = new HashMap<>();
        for (final Written w : written)
        {
            if (w.end <= cut)
            {
                expected.put(w.address, w.revision);
            }
        }
        return expected;
    }

    private static void assertHolds(final Map<String, Long> expected, final ParamStore store)
    {
        assertEquals(expected.size(), store.size(), "params");
        for (final Map.Entry<String, Long> e : expected.entrySet())
        {
            final int id = store.find(e.getKey());
            assertNotEquals(ParamStore.NULL_ID, id, e.getKey());
            assertEquals(e.getValue().longValue(), store.revision(id), "revision of " + e.getKey());
        }
    }

    @Test
    void tornTailCutAtARandomByteIsTruncatedAndTheJournalContinues() throws Exception
    {
        final Random random = new Random(42);
        for (int round = 0; round < 3; round++)
        {
            final Path dir = tmp.resolve("torn" + round);
            final ParamStore live = newStore();
            final DurableState durable = open(dir, live, FsyncPolicy.BATCH);
            final List<Written> written = writeMany(live, durable, random, 400);
            awaitDurable(durable);
            final Path crashed = tmp.resolve("crashed" + round);
            copyTree(dir, crashed); // kill -9: the archive never stopped the recording
            durable.close();
            live.close();

            final long end = written.get(written.size() - 1).end;
            final long cut = end - 1 - random.nextInt((int)(end - written.get(300).end));
            final JournalRecording recording = JournalRecording.find(crashed.resolve("journal").toFile());
            final RecordingLayout layout = recording.layout(crashed.resolve("journal").toFile());
            final File segment = layout.segmentFile(cut);
            if (round == 2)
            {
                // Flip the bytes from the cut to the end instead: same size, garbage tail.
                try (RandomAccessFile file = new RandomAccessFile(segment, "rw"))
                {
                    for (long p = cut; p < end; p++)
                    {
                        file.seek(p - layout.segmentBase(cut));
                        final int b = file.read();
                        file.seek(p - layout.segmentBase(cut));
                        file.write(b ^ 0x5A);
                    }
                }
            }
            else
            {
                try (RandomAccessFile file = new RandomAccessFile(segment, "rw"))
                {
                    file.setLength(cut - layout.segmentBase(cut));
                }
            }

            final ParamStore recovered = newStore();
            DurableState again = open(crashed, recovered, FsyncPolicy.BATCH);
            final Map<String, Long> expected = survivors(written, cut);
            assertHolds(expected, recovered);
            final long resume = again.recovery().resumePosition();
            if (round == 2)
            {
                assertTrue(again.recovery().truncatedFrom() >= 0, "a flipped tail must be detected");
            }
            assertTrue(resume <= cut, "resumed at " + resume + " after the cut " + cut);

            // The journal continues from the cut: revisions go on, and a clean restart keeps everything.
            final Written next = write(recovered, again, "/t/0", 17, 99_999);
            assertEquals(expected.getOrDefault("/t/0", 0L) + 1, next.revision);
            again.close();
            final ParamStore third = newStore();
            again = open(crashed, third, FsyncPolicy.BATCH);
            assertSameState(recovered, third);
            assertEquals(-1, again.recovery().truncatedFrom());
            again.close();
            recovered.close();
            third.close();
        }
    }

    @Test
    void corruptNewestSnapshotFallsBackToThePreviousOneAndALongerReplay() throws Exception
    {
        final Path dir = tmp.resolve("snap");
        final Random random = new Random(7);
        ParamStore live = newStore();
        DurableState durable = open(dir, live, FsyncPolicy.BATCH);
        writeMany(live, durable, random, 300);
        durable.close(); // snapshot 1
        ParamStore next = newStore();
        durable = open(dir, next, FsyncPolicy.BATCH);
        assertSameState(live, next);
        live.close();
        live = next;
        writeMany(live, durable, random, 300);
        durable.close(); // snapshot 2

        final List<File> snapshots = new SnapshotFiles(dir.resolve("snapshots").toFile()).newestFirst();
        assertEquals(2, snapshots.size());
        try (RandomAccessFile file = new RandomAccessFile(snapshots.get(0), "rw"))
        {
            file.seek(file.length() / 2);
            final int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0x01);
        }

        final ParamStore recovered = newStore();
        durable = open(dir, recovered, FsyncPolicy.BATCH);
        assertEquals(snapshots.get(1), durable.recovery().snapshot());
        assertTrue(durable.recovery().replayedRecords() >= 300, "replayed " + durable.recovery().replayedRecords());
        assertSameState(live, recovered);
        durable.close();
        live.close();
        recovered.close();
    }

    @Test
    void nothingValidLeftRefusesToStartButAnEmptyDirectoryStartsEmpty() throws Exception
    {
        final Path dir = tmp.resolve("bad");
        final ParamStore live = newStore();
        DurableState durable = open(dir, live, FsyncPolicy.BATCH);
        assertTrue(durable.directory().wasEmpty());
        assertEquals(0, durable.recovery().params());
        assertNull(durable.recovery().snapshot());
        writeMany(live, durable, new Random(1), 50);
        durable.close();
        live.close();

        RecoveryProperties.delete(dir.resolve("journal"));
        final File snapshot = new SnapshotFiles(dir.resolve("snapshots").toFile()).newestFirst().get(0);
        Files.write(snapshot.toPath(), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        final ParamStore store = newStore();
        final Recovery.UnrecoverableStateException ex = assertThrows(Recovery.UnrecoverableStateException.class,
            () -> open(dir, store, FsyncPolicy.BATCH));
        assertTrue(ex.getMessage().contains("none is intact"), ex.getMessage());

        // The failed start released the directory: a fresh one in its place starts.
        RecoveryProperties.delete(dir);
        durable = open(dir, store, FsyncPolicy.BATCH);
        assertEquals(0, store.size());
        durable.close();
        store.close();
    }

    @Test
    void segmentsNoSnapshotNeedsArePurgedAndRecoveryAndReplayReadFromTheNewStart() throws Exception
    {
        final Path dir = tmp.resolve("purge");
        final ParamStore live = newStore();
        final DurableState.Context ctx = new DurableState.Context().directory(dir.toFile())
            .snapshotIntervalNs(0).retentionNs(0);
        ctx.journal().termLength(1 << 19).segmentLength(1 << 20).errorHandler(Throwable::printStackTrace);
        final DurableState durable = DurableState.open(ctx, live);
        final Random random = new Random(3);
        for (int snapshot = 1; snapshot <= 2; snapshot++)
        {
            for (int i = 0; i < 2500; i++)
            {
                write(live, durable, "/p/" + random.nextInt(200), 1000 + random.nextInt(2000), i);
            }
            durable.snapshots().request();
            long t = 0;
            do
            {
                durable.snapshots().doWork(live, t += 1_000, t);
                durable.writer().endOfCycle();
            }
            while (durable.snapshots().inProgress());
            final int expected = snapshot;
            await(() -> durable.metrics().snapshots() == expected, "snapshot " + expected);
        }
        await(() -> durable.metrics().purgedSegments() > 0, "a purge");
        final long start = JournalRecording.find(dir.resolve("journal").toFile()).startPosition();
        assertTrue(start > 0, "the recording now starts at " + start);
        assertTrue(durable.diskBytes() < durable.writer().position(), "disk use counts only what is kept");

        // REPLAY reads from the new start: the first segment may begin inside a fragmented record (values up to
        // 3 KB, frames of 8 KB), which is skipped, and every later record is whole.
        final ReplayJob job = new ReplayJob(to.clasp.address.Pattern.compile("/p/**"), false, 0, false, 0,
            ReplayJob.MAX_LIMIT, 0);
        assertTrue(durable.replays().submit(job));
        final int[] frames = {0};
        final boolean[] done = {false};
        final to.clasp.protocol.FrameDecoder decoder = new to.clasp.protocol.FrameDecoder();
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done[0])
        {
            assertTrue(System.nanoTime() < deadline, "replay did not finish");
            job.drain((type, buffer, offset, length) ->
            {
                if (ReplayJob.DONE == type)
                {
                    done[0] = true;
                    return;
                }
                assertEquals(to.clasp.protocol.DecodeError.OK, decoder.decode(buffer, offset, length));
                frames[0]++;
            }, 256);
        }
        final long kept = (durable.writer().position() - start) / 1100;
        assertTrue(frames[0] > kept / 2 && frames[0] < 5000, "replayed " + frames[0] + " frames, ~" + kept + " kept");
        durable.close();

        final ParamStore recovered = newStore();
        final DurableState again = open(dir, recovered, FsyncPolicy.BATCH);
        assertSameState(live, recovered);
        again.close();
        live.close();
        recovered.close();
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void aSecondRouterOnTheSameDirectoryIsRefused()
    {
        final Path dir = tmp.resolve("locked");
        final ParamStore a = newStore();
        final ParamStore b = newStore();
        final DurableState first = open(dir, a, FsyncPolicy.NEVER);
        final DataDirectory.LockedException ex = assertThrows(DataDirectory.LockedException.class,
            () -> open(dir, b, FsyncPolicy.NEVER));
        assertTrue(ex.getMessage().contains("in use by another router"), ex.getMessage());
        first.close();
        open(dir, b, FsyncPolicy.NEVER).close();
        a.close();
        b.close();
    }
}
