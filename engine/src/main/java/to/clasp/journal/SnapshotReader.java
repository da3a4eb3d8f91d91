package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.state.ParamStore;
import to.clasp.state.WriteResult;

/**
 * Reads a snapshot file ({@link SnapshotFiles}): {@link #check} verifies every record (framing, checksums, the
 * begin/end pair and the param count) without touching any state; {@link #load} then restores the params into a
 * store. Checking first means a corrupt file never leaves a half-loaded store behind. One per thread.
 */
public final class SnapshotReader
{
    private final RecordCodec codec = new RecordCodec();
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private String problem;
    private long recordingId;
    private long journalPosition;
    private long endPosition;
    private long paramCount;

    /**
     * Verify a whole snapshot file.
     *
     * @return whether it is complete and intact; if so the accessors describe it, else {@link #problem()} says why.
     */
    public boolean check(final File file)
    {
        return scan(file, null);
    }

    /**
     * Restore every param of a snapshot that {@link #check} accepted.
     *
     * @throws IllegalStateException when a param does not fit the store (more params than its capacity).
     */
    public void load(final File file, final ParamStore store)
    {
        if (!scan(file, store))
        {
            throw new IllegalStateException("snapshot " + file + " changed while loading: " + problem);
        }
    }

    private boolean scan(final File file, final ParamStore store)
    {
        problem = null;
        MappedByteBuffer mapped = null;
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                return fail("larger than 2 GiB");
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            buffer.wrap(mapped, 0, (int)size);
            return walk((int)size, store);
        }
        catch (final IOException ex)
        {
            return fail(ex.toString());
        }
        finally
        {
            if (null != mapped)
            {
                buffer.wrap(0, 0);
                IoUtil.unmap(mapped);
            }
        }
    }

    private boolean walk(final int size, final ParamStore store)
    {
        int at = 0;
        long params = 0;
        boolean begun = false;
        while (at + 4 <= size)
        {
            final int length = buffer.getInt(at, ByteOrder.LITTLE_ENDIAN);
            at += 4;
            if (length <= 0 || length > size - at)
            {
                return fail("bad record length at byte " + (at - 4));
            }
            final int template = codec.verify(buffer, at, length);
            switch (template)
            {
                case RecordCodec.SNAPSHOT_BEGIN:
                    if (begun)
                    {
                        return fail("second begin record");
                    }
                    begun = true;
                    recordingId = codec.recordingId();
                    journalPosition = codec.journalPosition();
                    break;
                case RecordCodec.PARAM_WRITTEN:
                    if (!begun)
                    {
                        return fail("param before the begin record");
                    }
                    params++;
                    if (null != store && store.restore(buffer, codec.addressOffset(), codec.addressLength(),
                        buffer, codec.valueOffset(), codec.valueLength(),
                        buffer, codec.writerOffset(), codec.writerLength(),
                        codec.revision(), codec.timestampMicros(), codec.hasTtl(), codec.ttlRaw(),
                        codec.deadlineMicros()) == -WriteResult.STATE_FULL)
                    {
                        throw new IllegalStateException("the snapshot holds more params than the router may store " +
                            "(--max-params " + store.capacity() + ")");
                    }
                    break;
                case RecordCodec.SNAPSHOT_END:
                    if (!begun || codec.paramCount() != params || at + length != size)
                    {
                        return fail("end record does not match the file (" + params + " params read)");
                    }
                    paramCount = params;
                    endPosition = codec.journalPosition();
                    return true;
                default:
                    return fail("record at byte " + (at - 4) + " failed its checksum or layout check");
            }
            at += length;
        }
        return fail("no end record (incomplete file)");
    }

    private boolean fail(final String why)
    {
        problem = why;
        return false;
    }

    /** @return why the last check failed. */
    public String problem()
    {
        return problem;
    }

    public long recordingId()
    {
        return recordingId;
    }

    /** @return where journal replay starts for this snapshot. */
    public long journalPosition()
    {
        return journalPosition;
    }

    /** @return the journal position when the snapshot's last param was read. */
    public long endPosition()
    {
        return endPosition;
    }

    public long paramCount()
    {
        return paramCount;
    }
}
