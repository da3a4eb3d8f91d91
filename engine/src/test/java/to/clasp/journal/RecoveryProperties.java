package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.testing.StoreWrites;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery against a model, with real files and a real archive: random SETs (small and fragmenting values, sliding
 * and absolute TTLs, lock bits, several writers), TTL expiries and snapshots taken slice by slice while writes go on,
 * journaled as the core journals them, with restarts at random points — clean (SIGTERM: final snapshot) or a crash
 * (the data directory copied while the archive is recording, after the journal was durable, as a {@code kill -9}
 * leaves it). After every restart the recovered store must equal the store that was running: every param with its
 * value, revision, writer, timestamp, TTL mode and deadline; nothing more. Revisions then continue from there.
 */
public class RecoveryProperties
{
    private static final int ADDRESSES = 40;
    private static final long SECOND = 1_000_000L;

    @Property(tries = 6)
    void recoveredStateEqualsTheRunningState(@ForAll final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final Path root = Files.createTempDirectory("clasp-recovery");
        try
        {
            run(random, root);
        }
        finally
        {
            delete(root);
        }
    }

    private void run(final Random random, final Path root) throws Exception
    {
        Path dir = root.resolve("run0");
        ParamStore live = newStore();
        DurableState durable = open(dir, live, random.nextBoolean() ? FsyncPolicy.BATCH : FsyncPolicy.ALWAYS);
        long nowMicros = 1_700_000_000_000_000L;
        final long startNs = System.nanoTime();
        final int restarts = 2 + random.nextInt(3);
        for (int round = 0; round < restarts; round++)
        {
            final int steps = 200 + random.nextInt(600);
            for (int i = 0; i < steps; i++)
            {
                final int op = random.nextInt(100);
                if (op < 80)
                {
                    set(random, live, durable.writer(), nowMicros);
                }
                else if (op < 90)
                {
                    nowMicros += random.nextInt(3) * SECOND;
                    final long now = nowMicros;
                    final DurableState d = durable;
                    final ParamStore s = live;
                    s.expire(now, id -> assertTrue(d.writer().appendRemoved(s, id, now)));
                }
                else if (op < 93)
                {
                    durable.snapshots().request();
                }
                nowMicros += 1 + random.nextInt(50);
                // The core's end of cycle: a snapshot slice, and the journal's wake-up.
                durable.snapshots().doWork(live, System.nanoTime() - startNs, nowMicros);
                durable.writer().endOfCycle();
            }

            final ParamStore recovered = newStore();
            if (random.nextBoolean())
            {
                // Clean stop: the final snapshot and the journal's end.
                durable.close();
                durable = open(dir, recovered, FsyncPolicy.BATCH);
            }
            else
            {
                // Crash: everything appended is durable (ACKed), then the process dies; the files are as it left them.
                awaitDurable(durable);
                final Path copy = root.resolve("run" + (round + 1));
                copyTree(dir, copy);
                durable.close();
                dir = copy;
                durable = open(dir, recovered, FsyncPolicy.BATCH);
            }
            assertSameState(live, recovered);
            live.close();
            live = recovered;
        }
        durable.close();
        live.close();
    }

    private static void set(final Random random, final ParamStore store, final JournalWriter writer,
        final long nowMicros)
    {
        final String address = "/r/" + random.nextInt(ADDRESSES) + (random.nextInt(4) == 0 ? "/deep/x" : "");
        final int valueLength = 1 + (random.nextInt(20) == 0 ? 9000 + random.nextInt(20_000) : random.nextInt(40));
        final byte[] value = new byte[valueLength];
        random.nextBytes(value);
        value[0] = 0x07; // opaque to the store: any canonical-looking bytes
        final UnsafeBuffer a = new UnsafeBuffer(address.getBytes());
        final String writerId = "session-" + random.nextInt(3);
        final UnsafeBuffer w = new UnsafeBuffer(writerId.getBytes());
        final boolean hasTtl = random.nextInt(4) == 0;
        final long ttl = !hasTtl ? 0 : (random.nextBoolean() ? 0x8000_0000L : 0) | random.nextInt(6);
        final boolean lock = random.nextInt(10) == 0;
        final boolean unlock = random.nextInt(10) == 0;
        final int session = random.nextInt(3);
        final ParamWrite write = StoreWrites.request(address, new UnsafeBuffer(value), value.length, writerId,
            nowMicros).writer(session, w, 0, w.capacity()).lock(lock).unlock(unlock);
        if (hasTtl)
        {
            write.ttl(ttl);
        }
        final int id = StoreWrites.apply(store, write);
        if (id >= 0)
        {
            // As the core does: a write is journaled right after the store accepted it.
            final int length = RecordCodec.paramRecordLength(a.capacity(), w.capacity(), value.length);
            while (!writer.hasRoom(length))
            {
                writer.endOfCycle();
                Thread.onSpinWait();
            }
            assertTrue(writer.appendParam(store, id, lock, unlock));
        }
    }

    /** Every param of {@code expected} is in {@code actual} with the same state, and nothing more; no locks. */
    public static void assertSameState(final ParamStore expected, final ParamStore actual)
    {
        assertEquals(expected.size(), actual.size(), "param count");
        for (int id = expected.nextLive(0); ParamStore.NULL_ID != id; id = expected.nextLive(id + 1))
        {
            final String address = expected.address(id);
            final int other = actual.find(address);
            assertNotEquals(ParamStore.NULL_ID, other, "missing " + address);
            assertEquals(expected.revision(id), actual.revision(other), "revision of " + address);
            assertEquals(expected.writer(id), actual.writer(other), "writer of " + address);
            assertEquals(expected.timestamp(id), actual.timestamp(other), "timestamp of " + address);
            assertEquals(expected.hasTtl(id), actual.hasTtl(other), "ttl mode of " + address);
            if (expected.hasTtl(id))
            {
                assertEquals(expected.ttlRaw(id), actual.ttlRaw(other), "ttl of " + address);
            }
            assertEquals(expected.expiryDeadline(id), actual.expiryDeadline(other), "deadline of " + address);
            assertEquals(ParamStore.NO_LOCK_HOLDER, actual.lockHolder(other), "lock of " + address);
            assertArrayEquals(bytes(expected, id), bytes(actual, other), "value of " + address);
        }
    }

    private static byte[] bytes(final ParamStore store, final int id)
    {
        final byte[] b = new byte[store.valueLength(id)];
        store.valueBuffer().getBytes(store.valueOffset(id), b);
        return b;
    }

    static ParamStore newStore()
    {
        return new ParamStore(new ParamStore.Context().maxParams(10_000).initialParams(16));
    }

    static DurableState open(final Path dir, final ParamStore store, final FsyncPolicy fsync)
    {
        final DurableState.Context ctx = new DurableState.Context().directory(dir.toFile()).snapshotIntervalNs(0);
        ctx.journal().fsync(fsync).termLength(1 << 19).segmentLength(1 << 21);
        return DurableState.open(ctx, store);
    }

    static void awaitDurable(final DurableState durable) throws InterruptedException
    {
        final long target = durable.writer().position();
        durable.writer().endOfCycle();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (durable.durablePosition().get() < target)
        {
            assertTrue(System.nanoTime() < deadline, "journal never became durable up to " + target);
            Thread.sleep(1);
        }
    }

    /**
     * Copy a directory as a crashed process leaves it (no lock file: the lock died with the process). The snapshot
     * thread may still be installing a snapshot while the copy is made (rename its temporary file, delete the oldest
     * snapshot, purge journal segments no kept snapshot needs): a file that vanishes between the listing and the copy
     * is left out, which leaves a directory a crash at that moment could have left too.
     */
    public static void copyTree(final Path from, final Path to) throws IOException
    {
        Files.walkFileTree(from, new SimpleFileVisitor<>()
        {
            public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attributes)
                throws IOException
            {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException
            {
                if (!file.getFileName().toString().equals(DataDirectory.LOCK_FILE))
                {
                    try
                    {
                        Files.copy(file, to.resolve(from.relativize(file).toString()));
                    }
                    catch (final NoSuchFileException vanished)
                    {
                        // renamed or deleted by the snapshot thread meanwhile
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
            {
                if (ex instanceof NoSuchFileException)
                {
                    return FileVisitResult.CONTINUE; // listed, then renamed or deleted before it was read
                }
                throw ex;
            }
        });
    }

    public static void delete(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
