package to.clasp.journal;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sync under the journal's ACKs: every segment it enters gets its directory entry synced, once, before the first
 * position in it is reported durable (the archive, which creates the segments, syncs no directory).
 */
class SegmentSyncTest
{
    private static final int TERM = 64 * 1024;
    private static final int SEGMENT = 2 * TERM;

    @TempDir
    Path dir;

    @Test
    void syncsTheDirectoryOnceForEverySegmentItEnters() throws Exception
    {
        final RecordingLayout layout = new RecordingLayout(dir.toFile(), 3, 0, TERM, SEGMENT);
        createSegment(layout, 0);
        createSegment(layout, SEGMENT);
        try (SegmentSync sync = new SegmentSync(layout, 0))
        {
            sync.syncTo(1_000);
            assertEquals(1, sync.directorySyncs(), "the first segment's name is synced with its first records");
            sync.syncTo(2_000);
            sync.syncTo(SEGMENT - 32);
            assertEquals(1, sync.directorySyncs(), "later syncs in the same segment write no directory");
            sync.syncTo(SEGMENT + 100);
            assertEquals(2, sync.directorySyncs(), "entering the next segment syncs its name");
            assertEquals(SEGMENT + 100, sync.synced());
        }
    }

    private static void createSegment(final RecordingLayout layout, final long base) throws Exception
    {
        final File file = layout.segmentFile(base);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(SEGMENT); // as the archive creates a segment: sparse, at its full length
        }
    }
}
