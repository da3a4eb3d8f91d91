package to.clasp.interop;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damage to a data directory, as an operator meets it, against the built server jar: each kind has a defined outcome
 * that the log states, and nothing is lost silently.
 * <ol>
 *   <li>a torn journal tail ({@code kill -9}, then the last journal file cut at a random byte inside its last record):
 *   the router starts, logs a WARN, its start-up line says where the journal was cut, and every write before the torn
 *   one is back with its revision;</li>
 *   <li>a corrupt newest snapshot (one flipped byte): a WARN names it, recovery uses the snapshot before it plus a
 *   longer replay, and the state is whole;</li>
 *   <li>nothing valid left (the journal gone, every snapshot corrupt): the router refuses to start with a clear
 *   message and exit code 1.</li>
 * </ol>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
final class DamagedDataDirectoryTest
{
    private static final int ADDRESSES = 50;
    private static final int FRAME_ALIGNMENT = 32;

    @TempDir
    Path tmp;

    @Test
    void aTornTailIsCutWithAWarnACorruptSnapshotFallsBackAndNothingValidRefusesToStart() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Path data = tmp.resolve("data");
        final Map<String, Long> values = new HashMap<>();
        final Map<String, Long> revisions = new HashMap<>();
        try (ServerProcess server = ServerProcess.start("--data-dir", data.toString(), "--fsync", "always",
            "--snapshot-interval", "0"))
        {
            // 1. Torn tail: every write ACKed (on disk), kill -9, then cut inside the journal's last record.
            final int writes = 500;
            write(server, 0, writes, values, revisions);
            server.kill();
            final File segment = newestSegment(data.resolve("journal"));
            final long[] last = lastFrame(segment);
            final long cut = last[0] + 1 + random.nextInt((int)last[1] - 1);
            try (RandomAccessFile file = new RandomAccessFile(segment, "rw"))
            {
                file.setLength(cut);
            }
            // The torn record was the last write: its address goes back to the write before.
            final String torn = address(writes - 1);
            values.put(torn, (long)(writes - 1 - ADDRESSES));
            revisions.merge(torn, -1L, Long::sum);

            String log = restart(server, "kill -9, journal cut at byte " + cut + " of " + segment.getName() +
                " (last frame at " + last[0] + ", " + last[1] + " bytes; seed " + seed + ")");
            assertTrue(log.matches("(?s).*WARN .*journal: torn or corrupt tail at position \\d+ .*"), log);
            assertTrue(log.matches("(?s).*data dir .*torn journal tail cut at position \\d+ in \\d+ ms.*"), log);
            assertState(server, values, revisions);

            // 2. Corrupt newest snapshot: two shutdown snapshots, the newer one damaged.
            write(server, writes, 100, values, revisions);
            assertEquals(0, server.stop(), server.log());
            restart(server, "clean restart");
            assertState(server, values, revisions);
            write(server, writes + 100, 100, values, revisions);
            assertEquals(0, server.stop(), server.log());
            final List<File> snapshots = snapshotsNewestFirst(data.resolve("snapshots"));
            assertEquals(2, snapshots.size(), snapshots.toString());
            flipByte(snapshots.get(0), random);

            log = restart(server, "newest snapshot " + snapshots.get(0).getName() + " corrupted");
            assertTrue(log.matches("(?s).*WARN .*snapshot " + snapshots.get(0).getName() + " is unusable.*"), log);
            assertTrue(log.matches("(?s).*data dir .*params recovered from " + snapshots.get(1).getName() +
                " \\(\\d+ params\\) \\+ [1-9]\\d* journal records in \\d+ ms.*"), log);
            assertState(server, values, revisions);

            // 3. Nothing valid left: no journal, every snapshot corrupt.
            assertEquals(0, server.stop(), server.log());
            delete(data.resolve("journal"));
            for (final File snapshot : snapshotsNewestFirst(data.resolve("snapshots")))
            {
                flipByte(snapshot, random);
            }
            server.note("journal deleted, every snapshot corrupted");
            final int logLength = server.log().length();
            final Process refused = server.launchExpectingExit();
            assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "a start with nothing valid gives up");
            log = server.log().substring(logLength);
            assertEquals(1, refused.exitValue(), log);
            assertTrue(log.contains("clasp server: cannot start: ") && log.contains("none is intact"), log);
        }
    }

    private static String address(final int write)
    {
        return "/damaged/" + write % ADDRESSES;
    }

    /** QoS-1 SETs {@code from .. from+count-1}, each waited for (ACKed: synced, under --fsync always). */
    private static void write(final ServerProcess server, final int from, final int count,
        final Map<String, Long> values, final Map<String, Long> revisions) throws Exception
    {
        try (ClaspClient client = WebSocketClaspClient.create(server.url(), new ClientOptions().reconnect(false)))
        {
            client.connect();
            final List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int i = from; i < from + count; i++)
            {
                acks.add(client.setConfirmed(address(i), (long)i));
            }
            for (int i = from; i < from + count; i++)
            {
                final long revision = acks.get(i - from).get(30, TimeUnit.SECONDS);
                assertEquals(revisions.getOrDefault(address(i), 0L) + 1, revision, address(i));
                revisions.put(address(i), revision);
                values.put(address(i), (long)i);
            }
        }
    }

    /** Relaunch and wait for the start-up line; return the log written since. */
    private static String restart(final ServerProcess server, final String what) throws Exception
    {
        server.note(what);
        final int from = server.log().length();
        server.launch();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.log().substring(from).contains("' ready: ") && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
        }
        final String log = server.log().substring(from);
        assertTrue(log.contains("' ready: "), log);
        return log;
    }

    /** Every address comes back in a subscription's snapshot with the expected value and revision. */
    private static void assertState(final ServerProcess server, final Map<String, Long> values,
        final Map<String, Long> revisions) throws Exception
    {
        final Map<String, Long> gotValues = new ConcurrentHashMap<>();
        final Map<String, Long> gotRevisions = new ConcurrentHashMap<>();
        final CountDownLatch all = new CountDownLatch(values.size());
        try (ClaspClient client = WebSocketClaspClient.create(server.url(), new ClientOptions().reconnect(false)))
        {
            client.connect();
            client.subscribe("/damaged/*", (address, value, revision, signal) ->
            {
                if (null == gotValues.put(address, (Long)value))
                {
                    all.countDown();
                }
                gotRevisions.put(address, revision);
            });
            assertTrue(all.await(15, TimeUnit.SECONDS), "recovered " + gotValues.size() + " of " + values.size());
            // A GET round trip after the snapshot: nothing more is coming for this subscription.
            client.get(address(0)).get(15, TimeUnit.SECONDS);
        }
        assertEquals(values, gotValues);
        assertEquals(revisions, gotRevisions);
    }

    private static File newestSegment(final Path journal) throws Exception
    {
        try (Stream<Path> files = Files.list(journal))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".rec"))
                .max(Comparator.comparingLong(p ->
                {
                    final String n = p.getFileName().toString();
                    return Long.parseLong(n.substring(n.indexOf('-') + 1, n.length() - ".rec".length()));
                }))
                .orElseThrow().toFile();
        }
    }

    /**
     * Walk the segment's Aeron frames (each starts with its length, little-endian; frames are 32-byte aligned; the
     * recorded data ends at the first zero length) and return the last one's offset and length.
     */
    private static long[] lastFrame(final File segment) throws Exception
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment.toPath())).order(ByteOrder.LITTLE_ENDIAN);
        long offset = 0;
        long[] last = null;
        while (offset + Integer.BYTES <= bytes.capacity())
        {
            final int length = bytes.getInt((int)offset);
            if (length <= 0)
            {
                break;
            }
            last = new long[] {offset, length};
            offset += (length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
        }
        assertTrue(null != last && last[1] > 1, "the segment " + segment + " holds frames");
        return last;
    }

    private static List<File> snapshotsNewestFirst(final Path dir)
    {
        final File[] files = dir.toFile().listFiles((d, n) -> n.startsWith("snapshot-") && n.endsWith(".snap"));
        assertTrue(null != files, "no snapshot directory " + dir);
        final List<File> list = new ArrayList<>(Arrays.asList(files));
        list.sort(Comparator.comparing(File::getName).reversed());
        return list;
    }

    private static void flipByte(final File file, final Random random) throws Exception
    {
        try (RandomAccessFile f = new RandomAccessFile(file, "rw"))
        {
            final long at = f.length() / 4 + random.nextInt((int)(f.length() / 2));
            f.seek(at);
            final int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }

    private static void delete(final Path root) throws Exception
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
