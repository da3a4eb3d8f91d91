package to.clasp.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * Forces the recording's segment files to disk up to a position. The archive writes the segments through its own
 * file channels; {@code fsync} applies to the file, not to the descriptor, so syncing through a channel of our own
 * makes the archive's writes durable. Group commit: one call covers everything recorded since the last. Journal
 * thread only.
 * <p>
 * <b>What a sync writes.</b> {@code force(false)} ({@code fdatasync}): the records' data blocks, plus the inode only
 * where the data needs it (a block newly allocated in the segment, which the archive creates sparse at its full
 * length, so the file's size never changes); not the timestamps. The archive syncs nothing itself
 * ({@code fileSyncLevel 0}), so it does not sync the journal directory when it creates a segment either: the first
 * sync into each segment this object opens also syncs the directory, once, or a machine crash could lose the new
 * file's name, and with it records already ACKed.
 */
final class SegmentSync implements AutoCloseable
{
    private RecordingLayout layout;
    private FileChannel channel;
    private long channelBase = -1;
    private long synced;
    private long directorySyncs;

    SegmentSync(final RecordingLayout layout, final long synced)
    {
        this.layout = layout;
        this.synced = synced;
    }

    /** The recording's start moved (purge); positions stay the same. */
    void layout(final RecordingLayout layout)
    {
        this.layout = layout;
    }

    long synced()
    {
        return synced;
    }

    /**
     * Make everything before {@code position} durable.
     */
    void syncTo(final long position) throws IOException
    {
        long from = synced;
        while (from < position)
        {
            final long base = layout.segmentBase(from);
            if (base != channelBase)
            {
                closeChannel();
                try
                {
                    channel = FileChannel.open(layout.segmentFile(from).toPath(), StandardOpenOption.WRITE);
                }
                catch (final NoSuchFileException ex)
                {
                    // Purged meanwhile: nothing of it left to sync.
                    from = base + layout.segmentLength();
                    continue;
                }
                channelBase = base;
                syncDirectory();
            }
            channel.force(false);
            from = base + layout.segmentLength();
        }
        synced = Math.max(synced, position);
    }

    /** The directory entry of the segment just opened (a directory's {@code fsync} covers its entries). */
    private void syncDirectory() throws IOException
    {
        try (FileChannel directory = FileChannel.open(layout.directory().toPath(), StandardOpenOption.READ))
        {
            directory.force(true);
        }
        directorySyncs++;
    }

    /** @return how often the journal directory was synced (once per segment opened). */
    long directorySyncs()
    {
        return directorySyncs;
    }

    private void closeChannel() throws IOException
    {
        if (null != channel)
        {
            channel.close();
            channel = null;
            channelBase = -1;
        }
    }

    public void close()
    {
        try
        {
            closeChannel();
        }
        catch (final IOException ignore)
        {
            // closing a read/write channel we only forced: nothing to lose
        }
    }
}
