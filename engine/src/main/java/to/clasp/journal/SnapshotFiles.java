package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.agrona.DirectBuffer;

/**
 * The snapshot directory: complete snapshots are {@code snapshot-<sequence>.snap} (sequence: 20 digits, increasing),
 * a snapshot being written is {@code snapshot-<sequence>.snap.tmp} until it is synced and renamed into place (and the
 * directory synced), so a crash never leaves a half-written file under a final name. A file is a run of records, each
 * a little-endian u32 length then the SBE record: SnapshotBegin, ParamWritten × n, SnapshotEnd. The newest
 * {@link #KEEP} snapshots are kept, so a corrupt newest one still leaves one to recover from.
 */
public final class SnapshotFiles
{
    /** Complete snapshots kept; the journal is kept back to the oldest of them. */
    public static final int KEEP = 2;
    static final String SUFFIX = ".snap";
    static final String TMP_SUFFIX = ".snap.tmp";
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");

    private final File directory;

    public SnapshotFiles(final File directory)
    {
        this.directory = directory;
        try
        {
            Files.createDirectories(directory.toPath());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create snapshot directory " + directory, ex);
        }
    }

    public File directory()
    {
        return directory;
    }

    /** @return complete snapshot files, newest first. */
    public List<File> newestFirst()
    {
        final File[] files = directory.listFiles((d, name) -> NAME.matcher(name).matches());
        if (null == files)
        {
            return new ArrayList<>();
        }
        Arrays.sort(files, (a, b) -> b.getName().compareTo(a.getName()));
        return new ArrayList<>(Arrays.asList(files));
    }

    /** @return the temporary file of the next snapshot (a sequence higher than any file present). */
    public File nextTemporary()
    {
        long max = 0;
        final File[] files = directory.listFiles();
        if (null != files)
        {
            for (final File f : files)
            {
                final String name = f.getName();
                final Matcher m = NAME.matcher(name.endsWith(TMP_SUFFIX) ?
                    name.substring(0, name.length() - 4) : name);
                if (m.matches())
                {
                    max = Math.max(max, Long.parseLong(m.group(1)));
                }
            }
        }
        return new File(directory, String.format("snapshot-%020d%s", max + 1, TMP_SUFFIX));
    }

    /**
     * Rename a synced temporary file to its final name, sync the directory, then delete all but the newest
     * {@link #KEEP} snapshots and any stale temporary files.
     *
     * @return the installed file.
     */
    public File install(final File temporary) throws IOException
    {
        final String name = temporary.getName();
        final File target = new File(directory, name.substring(0, name.length() - 4));
        try
        {
            Files.move(temporary.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(temporary.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
        final List<File> complete = newestFirst();
        for (int i = KEEP; i < complete.size(); i++)
        {
            Files.deleteIfExists(complete.get(i).toPath());
        }
        final File[] stale = directory.listFiles((d, n) -> n.endsWith(TMP_SUFFIX) && !n.equals(name));
        if (null != stale)
        {
            for (final File f : stale)
            {
                Files.deleteIfExists(f.toPath());
            }
        }
        return target;
    }

    private void syncDirectory()
    {
        try (FileChannel dir = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignore)
        {
            // Some file systems cannot open a directory for sync; the rename is still atomic there.
        }
    }

    /**
     * Writes one snapshot file: framed records through a buffer, then {@link #finish} syncs and closes it. Not
     * thread-safe; one writer per file.
     */
    public static final class Writer implements AutoCloseable
    {
        private final File file;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long bytes;
        private boolean done;

        public Writer(final File file) throws IOException
        {
            this.file = file;
            this.channel = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }

        /** Append one record, framed by its length. */
        public void append(final DirectBuffer record, final int offset, final int length) throws IOException
        {
            if (buffer.remaining() < 4 + length)
            {
                drain();
            }
            buffer.putInt(length);
            final int at = buffer.position();
            buffer.position(at + length);
            record.getBytes(offset, buffer, at, length);
            bytes += 4 + length;
        }

        private void drain() throws IOException
        {
            buffer.flip();
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            buffer.clear();
        }

        /** Write what is buffered, sync the file and close it. */
        public void finish() throws IOException
        {
            drain();
            channel.force(true);
            channel.close();
            done = true;
        }

        /** @return bytes written so far. */
        public long bytes()
        {
            return bytes;
        }

        public File file()
        {
            return file;
        }

        /** Close; a file not {@link #finish finished} is deleted. */
        public void close()
        {
            if (!done)
            {
                try
                {
                    channel.close();
                    Files.deleteIfExists(file.toPath());
                }
                catch (final IOException ignore)
                {
                    // best effort: a stale .tmp is deleted by the next install
                }
            }
        }
    }
}
