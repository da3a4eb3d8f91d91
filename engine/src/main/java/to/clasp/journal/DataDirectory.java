package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * The {@code --data-dir} directory: created if missing and held with an operating-system file lock on
 * {@code router.lock} for the router's life, so a second router pointed at it fails at once instead of corrupting it
 * (the lock dies with the process, so a crashed router leaves nothing to clean up). Layout:
 * <pre>
 *   router.lock            the lock; holds the owner's pid for the error message
 *   journal/               the archive: archive.catalog, archive-mark.dat, &lt;recording&gt;-&lt;position&gt;.rec segments
 *   snapshots/             snapshot-&lt;sequence&gt;.snap (the newest two), .snap.tmp while one is written
 * </pre>
 */
public final class DataDirectory implements AutoCloseable
{
    static final String LOCK_FILE = "router.lock";

    /** Another process holds the directory. */
    public static final class LockedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        LockedException(final String message)
        {
            super(message);
        }
    }

    private final File directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean wasEmpty;

    private DataDirectory(final File directory, final FileChannel lockChannel, final FileLock lock,
        final boolean wasEmpty)
    {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.wasEmpty = wasEmpty;
    }

    /**
     * Create (if needed) and lock a data directory.
     *
     * @throws LockedException when another router holds it.
     * @throws UncheckedIOException when it cannot be created or locked.
     */
    public static DataDirectory open(final File directory)
    {
        try
        {
            Files.createDirectories(directory.toPath());
            final File lockFile = new File(directory, LOCK_FILE);
            final FileChannel channel = FileChannel.open(lockFile.toPath(), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (null == lock)
            {
                final String owner = readOwner(channel);
                channel.close();
                throw new LockedException("data directory " + directory + " is in use by another router" +
                    (owner.isEmpty() ? "" : " (pid " + owner + ")"));
            }
            final boolean empty = isEmptyDir(new File(directory, "journal")) &&
                isEmptyDir(new File(directory, "snapshots"));
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                .getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DataDirectory(directory, channel, lock, empty);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open data directory " + directory + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean isEmptyDir(final File dir)
    {
        final String[] names = dir.list();
        return null == names || names.length == 0;
    }

    private static String readOwner(final FileChannel channel)
    {
        try
        {
            final ByteBuffer b = ByteBuffer.allocate(32);
            final int n = channel.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    public File directory()
    {
        return directory;
    }

    /** @return the archive's directory. */
    public File journalDirectory()
    {
        return new File(directory, "journal");
    }

    /** @return the snapshot directory. */
    public File snapshotDirectory()
    {
        return new File(directory, "snapshots");
    }

    /** @return whether it held no journal and no snapshot when opened (a first start). */
    public boolean wasEmpty()
    {
        return wasEmpty;
    }

    /** @return bytes free for the router on the directory's file system. */
    public long usableBytes()
    {
        return directory.getUsableSpace();
    }

    /** Release the lock. */
    public void close()
    {
        try
        {
            lock.release();
            lockChannel.close();
        }
        catch (final IOException ignore)
        {
            // the lock goes with the process anyway
        }
    }
}
