package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.state.ParamStore;

/**
 * Periodic snapshots of the whole state without stopping the core: once per interval the core starts a snapshot and,
 * on each later duty cycle, encodes a bounded slice of params ({@value #SLICE_PARAMS} params or
 * {@value #SLICE_BYTES} bytes) into a ring; a {@code clasp-snapshot} thread writes the ring into the snapshot file.
 * When the ring is full (the disk is slower than the core) the core simply continues next cycle. The result is a fuzzy
 * snapshot: params change while it is taken, which is why it records the journal position it started at — recovery
 * replays every record after that position, and since a record holds a param's whole state the replay converges on
 * exactly the state of the moment the journal ends.
 * <p>
 * The writer syncs the file, waits until the journal is durable up to the position the snapshot ended at (so a
 * snapshot never holds a write the journal could lose), renames it into place, and asks the journal to purge segments
 * no snapshot needs any more and older than the retention.
 * <p>
 * {@link #doWork}, {@link #nextDeadlineNs} and {@link #request} belong to the core thread; {@link #writeNow} to a
 * thread that owns the store while the core does not run (start-up, shutdown).
 */
public final class SnapshotTaker implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTaker.class);
    static final int SLICE_PARAMS = 2048;
    static final int SLICE_BYTES = 256 * 1024;
    private static final int RING_BYTES = 4 * 1024 * 1024;
    private static final long RING_FULL_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long DURABLE_WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private final SnapshotFiles files;
    private final Journal journal;
    private final JournalMetrics metrics;
    private final long intervalNs;
    private final long retentionMillis;
    private final RecordCodec codec = new RecordCodec();
    private final UnsafeBuffer scratch = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(org.agrona.BitUtil.align(RecordCodec.MAX_PARAM_RECORD_LENGTH, 64), 64));

    // Core thread state.
    private Task task;
    private int cursor;
    private long count;
    private long nextDueNs;
    private boolean requested;
    private boolean ringFull;

    /**
     * @param intervalNs      between the start of one snapshot and the next (0 = only on request).
     * @param retentionMillis journal segments younger than this are kept even when no snapshot needs them.
     */
    public SnapshotTaker(
        final SnapshotFiles files, final Journal journal, final JournalMetrics metrics, final long intervalNs,
        final long retentionMillis, final long nowNs)
    {
        this.files = files;
        this.journal = journal;
        this.metrics = metrics;
        this.intervalNs = intervalNs;
        this.retentionMillis = retentionMillis;
        this.nextDueNs = intervalNs > 0 ? nowNs + intervalNs : Long.MAX_VALUE;
    }

    /** Core thread: take a snapshot at the next duty cycle (if none is in progress). */
    public void request()
    {
        requested = true;
    }

    /** @return whether a snapshot is being taken (core thread). */
    public boolean inProgress()
    {
        return null != task;
    }

    /**
     * Core thread: when the core next has snapshot work, so it does not sleep through it.
     *
     * @return a deadline in the core's monotonic ns, {@code Long.MAX_VALUE} when nothing is scheduled.
     */
    public long nextDeadlineNs(final long nowNs)
    {
        if (null != task)
        {
            return ringFull ? nowNs + RING_FULL_RETRY_NS : nowNs;
        }
        return requested ? nowNs : nextDueNs;
    }

    /**
     * Core thread, once per duty cycle: start a due snapshot or encode its next slice.
     *
     * @return work done (0 when there was nothing to do).
     */
    public int doWork(final ParamStore store, final long nowNs, final long nowMicros)
    {
        if (null == task)
        {
            if (!requested && nowNs - nextDueNs < 0)
            {
                return 0;
            }
            requested = false;
            nextDueNs = intervalNs > 0 ? nowNs + intervalNs : Long.MAX_VALUE;
            if (!start(nowMicros))
            {
                return 1;
            }
        }
        if (task.failed)
        {
            task = null;
            return 1;
        }
        ringFull = false;
        int params = 0;
        int bytes = 0;
        while (params < SLICE_PARAMS && bytes < SLICE_BYTES)
        {
            final int id = store.nextLive(cursor);
            if (ParamStore.NULL_ID == id)
            {
                final int length = codec.encodeSnapshotEnd(count, journal.writer().position(), scratch, 0);
                if (task.ring.write(1, scratch, 0, length))
                {
                    task = null;
                }
                else
                {
                    ringFull = true;
                }
                return 1;
            }
            final int length = codec.encodeParam(store, id, false, false, scratch, 0);
            if (!task.ring.write(1, scratch, 0, length))
            {
                ringFull = true;
                break;
            }
            cursor = id + 1;
            count++;
            params++;
            bytes += length;
        }
        return 1;
    }

    private boolean start(final long nowMicros)
    {
        final File file = files.nextTemporary();
        final SnapshotFiles.Writer writer;
        try
        {
            writer = new SnapshotFiles.Writer(file);
        }
        catch (final IOException ex)
        {
            metrics.snapshotFailed();
            LOG.error("snapshot: cannot create {}: {}", file, ex.toString());
            return false;
        }
        final Task t = new Task(writer);
        final int length = codec.encodeSnapshotBegin(journal.recordingId(), journal.writer().position(), nowMicros,
            scratch, 0);
        t.ring.write(1, scratch, 0, length);
        cursor = 0;
        count = 0;
        task = t;
        final Thread thread = new Thread(t, "clasp-snapshot");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    /**
     * Write a complete snapshot synchronously from the calling thread, which must own the store (the core is not
     * running): at start-up when recovery asks for a new base, and at clean shutdown. The journal must be durable up
     * to {@code position} already.
     *
     * @return the installed file.
     */
    public File writeNow(final ParamStore store, final long recordingId, final long position, final long nowMicros)
        throws IOException
    {
        final long start = System.nanoTime();
        final File file = files.nextTemporary();
        try (SnapshotFiles.Writer writer = new SnapshotFiles.Writer(file))
        {
            writer.append(scratch, 0, codec.encodeSnapshotBegin(recordingId, position, nowMicros, scratch, 0));
            long n = 0;
            for (int id = store.nextLive(0); ParamStore.NULL_ID != id; id = store.nextLive(id + 1))
            {
                writer.append(scratch, 0, codec.encodeParam(store, id, false, false, scratch, 0));
                n++;
            }
            writer.append(scratch, 0, codec.encodeSnapshotEnd(n, position, scratch, 0));
            writer.finish();
            final File installed = files.install(file);
            metrics.snapshotWritten(System.nanoTime() - start, writer.bytes(), n);
            return installed;
        }
    }

    /** Stop a snapshot in progress (its temporary file is deleted). Any thread, at shutdown. */
    public void close()
    {
        final Task t = task;
        task = null;
        if (null != t)
        {
            t.abort = true;
        }
    }

    /**
     * @return the journal position a snapshot file starts from (its begin record), or -1 if unreadable or if it
     * belongs to another recording (a snapshot restored from a backup).
     */
    static long startPosition(final File snapshot, final long recordingId)
    {
        final ByteBuffer head = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(snapshot.toPath(), StandardOpenOption.READ))
        {
            channel.read(head, 0);
        }
        catch (final IOException ex)
        {
            return -1;
        }
        final int length = head.getInt(0);
        final UnsafeBuffer record = new UnsafeBuffer(head.array());
        final RecordCodec check = new RecordCodec();
        return length > 0 && length <= 60 && RecordCodec.SNAPSHOT_BEGIN == check.verify(record, 4, length) &&
            check.recordingId() == recordingId ? check.journalPosition() : -1;
    }

    /** One snapshot being written: the ring the core fills and the thread that drains it into the file. */
    private final class Task implements Runnable
    {
        final OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        final SnapshotFiles.Writer writer;
        final RecordCodec check = new RecordCodec();
        final long startNs = System.nanoTime();
        volatile boolean failed;
        volatile boolean abort;
        long params;
        long endPosition = -1;
        IOException error;

        Task(final SnapshotFiles.Writer writer)
        {
            this.writer = writer;
        }

        public void run()
        {
            try
            {
                while (endPosition < 0)
                {
                    if (abort)
                    {
                        return;
                    }
                    final int read = ring.read((type, buffer, offset, length) ->
                    {
                        if (null != error || endPosition >= 0)
                        {
                            return;
                        }
                        try
                        {
                            writer.append(buffer, offset, length);
                        }
                        catch (final IOException ex)
                        {
                            error = ex;
                            return;
                        }
                        final int template = check.verify(buffer, offset, length);
                        if (RecordCodec.PARAM_WRITTEN == template)
                        {
                            params++;
                        }
                        else if (RecordCodec.SNAPSHOT_END == template)
                        {
                            endPosition = check.journalPosition();
                        }
                    });
                    if (null != error)
                    {
                        throw error;
                    }
                    if (0 == read)
                    {
                        LockSupport.parkNanos(100_000);
                    }
                }
                writer.finish();
                final long deadline = System.nanoTime() + DURABLE_WAIT_NS;
                while (journal.durablePosition().get() < endPosition)
                {
                    if (abort || System.nanoTime() - deadline > 0)
                    {
                        throw new IOException("the journal did not become durable up to " + endPosition);
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                files.install(writer.file());
                metrics.snapshotWritten(System.nanoTime() - startNs, writer.bytes(), params);
                LOG.info("snapshot: {} params, {} bytes, {} ms", params, writer.bytes(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                purge();
            }
            catch (final IOException | RuntimeException ex)
            {
                failed = true;
                metrics.snapshotFailed();
                LOG.error("snapshot failed: {}", ex.toString());
            }
            finally
            {
                writer.close();
                if (abort || failed)
                {
                    try
                    {
                        java.nio.file.Files.deleteIfExists(writer.file().toPath());
                    }
                    catch (final IOException ignore)
                    {
                        // a stale .tmp is deleted by the next install
                    }
                }
            }
        }
    }

    /** Journal segments before the oldest kept snapshot's start and older than the retention can go. */
    private void purge()
    {
        final List<File> kept = files.newestFirst();
        if (kept.size() < SnapshotFiles.KEEP)
        {
            return;
        }
        final long oldest = startPosition(kept.get(kept.size() - 1), journal.recordingId());
        if (oldest > 0)
        {
            journal.requestPurge(oldest, System.currentTimeMillis() - retentionMillis);
        }
    }
}
