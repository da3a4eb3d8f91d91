package to.clasp.benchmarks.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The disk's own sync latency, without the router: what one journal sync can cost at best on the filesystem of a data
 * directory. Each case writes a 100-byte record after the previous one and syncs it, {@code COUNT} times, and reports
 * the time of the sync alone (p50/p99/p99.9/max, HdrHistogram):
 * <ul>
 *     <li>{@code zeroed force(false)}: a file whose blocks were written with zeros and synced before (so a record
 *     overwrites an allocated block): {@code fdatasync} has only the data block to write.</li>
 *     <li>{@code zeroed force(true)}: the same with {@code fsync}, which also writes the inode (mtime).</li>
 *     <li>{@code sparse force(false)}: a file sized with {@code setLength} but never written, as the archive creates a
 *     journal segment: every record that enters a new block allocates it, and that sync commits the filesystem's
 *     journal too.</li>
 *     <li>{@code append force(false)}: a file that grows with every record (size and allocation change).</li>
 * </ul>
 * The cases take turns, one sync each, so a neighbour's load falls on all of them alike.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar to.clasp.benchmarks.e2e.FsyncProbe [COUNT [DIR]]
 * </pre>
 * DIR (default: the temporary directory) must be on the filesystem of the data directory to be measured.
 */
public final class FsyncProbe
{
    private static final int RECORD = 100;
    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(10);

    private FsyncProbe()
    {
    }

    private enum Case
    {
        ZEROED_FDATASYNC("zeroed force(false)"),
        ZEROED_FSYNC("zeroed force(true)"),
        SPARSE_FDATASYNC("sparse force(false)"),
        APPEND_FDATASYNC("append force(false)");

        final String label;

        Case(final String label)
        {
            this.label = label;
        }
    }

    public static void main(final String[] args) throws IOException
    {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final Path parent = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        final long fileLength = (long)count * RECORD + 4096;

        final Case[] cases = Case.values();
        final Histogram[] histograms = new Histogram[cases.length];
        final Path[] files = new Path[cases.length];
        final FileChannel[] channels = new FileChannel[cases.length];
        final long[] offsets = new long[cases.length];
        final Path dir = Files.createTempDirectory(parent, "clasp-fsync-probe");
        try
        {
            for (int c = 0; c < cases.length; c++)
            {
                histograms[c] = new Histogram(HIGHEST_NS, 3);
                files[c] = dir.resolve(cases[c].name().toLowerCase(Locale.ROOT));
                channels[c] = open(cases[c], files[c], fileLength);
            }
            final ByteBuffer record = ByteBuffer.allocateDirect(RECORD);
            for (int i = 0; i < count; i++)
            {
                for (int c = 0; c < cases.length; c++)
                {
                    record.clear();
                    record.putLong(0, offsets[c]);
                    while (record.hasRemaining())
                    {
                        offsets[c] += channels[c].write(record, offsets[c]);
                    }
                    final long start = System.nanoTime();
                    channels[c].force(Case.ZEROED_FSYNC == cases[c]);
                    histograms[c].recordValue(Math.min(HIGHEST_NS, System.nanoTime() - start));
                }
            }
            System.out.printf(Locale.ROOT, "%d syncs per case of one %d-byte record each, cases taking turns, in %s%n",
                count, RECORD, parent.toAbsolutePath());
            System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s %10s %10s%n", "case", "p50 us", "p90 us", "p99 us",
                "p99.9 us", "max us");
            for (int c = 0; c < cases.length; c++)
            {
                final Histogram h = histograms[c];
                System.out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f %10.1f %10.1f%n", cases[c].label,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
            }
        }
        finally
        {
            for (int c = 0; c < cases.length; c++)
            {
                if (null != channels[c])
                {
                    channels[c].close();
                }
                if (null != files[c])
                {
                    Files.deleteIfExists(files[c]);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static FileChannel open(final Case c, final Path file, final long length) throws IOException
    {
        final RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        final FileChannel channel = raf.getChannel();
        switch (c)
        {
            case ZEROED_FDATASYNC:
            case ZEROED_FSYNC:
                final ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long at = 0; at < length; at += zeros.capacity())
                {
                    zeros.clear().limit((int)Math.min(zeros.capacity(), length - at));
                    long p = at;
                    while (zeros.hasRemaining())
                    {
                        p += channel.write(zeros, p);
                    }
                }
                channel.force(true);
                break;
            case SPARSE_FDATASYNC:
                raf.setLength(length);
                channel.force(true);
                break;
            default:
                break;
        }
        return channel;
    }
}
