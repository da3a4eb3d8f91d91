package to.clasp.journal;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.state.ParamStore;
import to.clasp.testing.StoreWrites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal on a real embedded archive: appends become durable, are read back in order from the segment files, and
 * a restart extends the same recording.
 */
class JournalTest
{
    @TempDir
    Path dir;

    private final ParamStore store = new ParamStore();

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    static int write(final ParamStore store, final String address, final long value, final long now)
    {
        final UnsafeBuffer v = new UnsafeBuffer(new byte[9]);
        v.putByte(0, (byte)0x05);
        v.putLong(1, value, java.nio.ByteOrder.BIG_ENDIAN);
        return StoreWrites.apply(store, StoreWrites.request(address, v, 9, "writer-1", now));
    }

    private Journal.Context context(final FsyncPolicy policy)
    {
        return new Journal.Context().directory(dir.resolve("journal").toFile()).fsync(policy)
            .termLength(1 << 19).segmentLength(1 << 20);
    }

    private static void awaitDurable(final Journal journal, final long position) throws InterruptedException
    {
        awaitDurable(journal, position, 10);
    }

    private static void awaitDurable(final Journal journal, final long position, final int seconds)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (journal.durablePosition().get() < position)
        {
            assertTrue(System.nanoTime() < deadline, "durable position " + position + " not reached within " +
                seconds + " s (at " + journal.durablePosition().get() + ")");
            Thread.sleep(1);
        }
    }

    static List<String> readAll(final RecordingLayout layout, final long from, final long to)
    {
        final List<String> seen = new ArrayList<>();
        try (JournalReader reader = new JournalReader())
        {
            final JournalReader.Outcome outcome = reader.read(layout, from, to,
                (codec, template, buffer, offset, length, start, end) ->
                {
                    final byte[] address = new byte[codec.addressLength()];
                    buffer.getBytes(codec.addressOffset(), address);
                    seen.add(template + ":" + new String(address, StandardCharsets.UTF_8) + "@" + codec.revision());
                    return true;
                });
            assertEquals(JournalReader.Outcome.END, outcome, String.valueOf(reader.invalidReason()));
        }
        return seen;
    }

    /**
     * Group commit under {@code batch}: an ACK the core starts waiting for right after a sync ended — its record was
     * appended while that sync ran, and nothing is appended after it — is synced at once, not after the window (30 s
     * here, and the journal thread's longest park too, so a missed wake-up cannot pass unseen).
     */
    @Test
    void underBatchAPositionAwaitedAfterASyncEndedIsSyncedAtOnceNotAfterTheWindow() throws Exception
    {
        final CountDownLatch inSync = new CountDownLatch(1);
        final CountDownLatch endSync = new CountDownLatch(1);
        final AtomicBoolean holdNextSync = new AtomicBoolean();
        final Journal.Context ctx = context(FsyncPolicy.BATCH).fsyncIntervalNs(TimeUnit.SECONDS.toNanos(30))
            .maxParkNs(TimeUnit.SECONDS.toNanos(30))
            .beforeSync(() ->
            {
                if (holdNextSync.compareAndSet(true, false))
                {
                    inSync.countDown();
                    try
                    {
                        endSync.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        try (Journal journal = Journal.launch(ctx, null, 0))
        {
            final JournalWriter writer = journal.writer();
            final DurablePosition durable = journal.durablePosition();
            holdNextSync.set(true);
            assertTrue(writer.appendParam(store, write(store, "/j/a", 1, 1_000), false, false));
            final long first = writer.position();
            assertFalse(durable.wakeWhenReached(first)); // the core holds its ACK: a sync is due at once
            writer.endOfCycle();
            assertTrue(inSync.await(10, TimeUnit.SECONDS), "the awaited record's sync starts");

            assertTrue(writer.appendParam(store, write(store, "/j/b", 2, 2_000), false, false));
            final long second = writer.position();
            writer.endOfCycle(); // appended while the sync runs; nothing waits for it yet
            endSync.countDown();
            awaitDurable(journal, first, 10);
            Thread.sleep(100); // lets the journal thread park for the window, where a missed wake-up would leave it

            // The core, woken by that sync, releases the first ACK and now waits for the second record.
            assertFalse(durable.wakeWhenReached(second));
            awaitDurable(journal, second, 5);
        }
    }

    @Test
    void appendsBecomeDurableAndReadBackInOrderAcrossARestart() throws Exception
    {
        final List<String> expected = new ArrayList<>();
        long end;
        try (Journal journal = Journal.launch(context(FsyncPolicy.BATCH), null, 0))
        {
            final JournalWriter writer = journal.writer();
            for (int i = 0; i < 5000; i++)
            {
                final int id = write(store, "/j/" + (i % 37), i, 1_000 + i);
                while (!writer.hasRoom(200))
                {
                    writer.endOfCycle(); // as the core does once per duty cycle; it wakes the journal thread
                    Thread.onSpinWait();
                }
                assertTrue(writer.appendParam(store, id, false, false));
                expected.add(RecordCodec.PARAM_WRITTEN + ":/j/" + (i % 37) + "@" + store.revision(id));
                if (i % 100 == 0)
                {
                    writer.endOfCycle();
                }
            }
            writer.endOfCycle();
            end = writer.position();
            awaitDurable(journal, end);
            assertEquals(expected, readAll(journal.layout(), 0, end));
        }

        final JournalRecording recording = JournalRecording.find(dir.resolve("journal").toFile());
        assertNotNull(recording);
        assertEquals(end, recording.stopPosition());
        try (Journal journal = Journal.launch(context(FsyncPolicy.ALWAYS), recording, end))
        {
            assertEquals(recording.recordingId(), journal.recordingId());
            assertEquals(end, journal.writer().position());
            final int id = write(store, "/j/after", 1, 9_000);
            assertTrue(journal.writer().appendParam(store, id, true, false));
            journal.writer().endOfCycle();
            final long after = journal.writer().position();
            awaitDurable(journal, after);
            expected.add(RecordCodec.PARAM_WRITTEN + ":/j/after@1");
            assertEquals(expected, readAll(journal.layout(), 0, after));
        }
        assertTrue(new File(dir.toFile(), "journal").isDirectory());
    }
}
