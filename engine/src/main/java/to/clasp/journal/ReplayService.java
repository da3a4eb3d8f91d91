package to.clasp.journal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.protocol.Frame;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;

/**
 * Answers REPLAY requests off the core thread: a {@code clasp-replay} thread reads the journal's segment files from
 * the recording's retained start up to the durable position, in journal order, keeps the entries that match a job's
 * pattern, time range and type mask, encodes each as the SET or PUBLISH frame a subscriber would have received, and
 * puts it in the job's ring; the core moves the frames into the session's outbound queue. Jobs run one at a time in
 * arrival order; at most {@value #MAX_QUEUED} wait, more are refused (the core answers ERROR 503).
 * <p>
 * Params are replayed as SET frames with their revision (and the lock/unlock bits of the original write); expiries are
 * not replayed (they carried no message); PUBLISH entries exist only with journal events on. Every replayed frame
 * carries the original write's time in its header (the timestamp field, flags bit 5): the router never puts one on a
 * live frame, so a client tells a replayed entry from a live update of the same address by it.
 */
public final class ReplayService implements AutoCloseable, Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplayService.class);
    static final int MAX_QUEUED = 16;
    /** The subscription type bit of params (to.clasp.address.SubscriptionIndex.TYPE_PARAM). */
    static final int TYPE_PARAM = 0x01;

    private final Journal journal;
    private final JournalMetrics metrics;
    private final ArrayBlockingQueue<ReplayJob> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH + 16]);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Runnable coreWaker = () -> { };

    ReplayService(final Journal journal, final JournalMetrics metrics)
    {
        this.journal = journal;
        this.metrics = metrics;
        this.thread = new Thread(this, "clasp-replay");
        thread.setDaemon(true);
        thread.start();
    }

    /** @param waker wakes the core when a job it waits on has frames. */
    public void coreWaker(final Runnable waker)
    {
        this.coreWaker = waker;
    }

    /**
     * Core thread: queue a job. Never blocks.
     *
     * @return false when too many replays are waiting.
     */
    public boolean submit(final ReplayJob job)
    {
        return running && queue.offer(job);
    }

    public void run()
    {
        try (JournalReader reader = new JournalReader())
        {
            while (running)
            {
                final ReplayJob job;
                try
                {
                    job = queue.poll(100, TimeUnit.MILLISECONDS);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                if (null != job)
                {
                    replay(reader, job);
                }
            }
        }
    }

    private void replay(final JournalReader reader, final ReplayJob job)
    {
        metrics.replayRequest();
        final RecordingLayout layout = journal.layout();
        final long end = journal.durablePosition().get();
        try
        {
            final JournalReader.Outcome outcome = reader.read(layout, layout.startPosition(), end,
                (codec, template, buffer, offset, length, start, stop) -> onRecord(job, codec, template, buffer),
                true);
            if (JournalReader.Outcome.INVALID == outcome)
            {
                LOG.warn("replay: journal record at {} unreadable ({}); replay ends there", reader.validEnd(),
                    reader.invalidReason());
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("replay failed: {}", ex.toString());
        }
        while (!job.cancelled && !job.ring.write(ReplayJob.DONE, frame, 0, 0))
        {
            LockSupport.parkNanos(50_000);
        }
        job.finished();
        metrics.replayed(job.matched);
        signal(job);
    }

    private boolean onRecord(final ReplayJob job, final RecordCodec codec, final int template,
        final DirectBuffer buffer)
    {
        if (job.cancelled || !running)
        {
            return false;
        }
        final int length;
        if (RecordCodec.PARAM_WRITTEN == template)
        {
            if (!job.accepts(codec.timestampMicros(), TYPE_PARAM) ||
                !job.pattern.matches(buffer, codec.addressOffset(), codec.addressLength()))
            {
                return true;
            }
            final int options = SetEncoder.REVISION | (codec.lockBit() ? SetEncoder.LOCK : 0) |
                (codec.unlockBit() ? SetEncoder.UNLOCK : 0);
            final int encoded = SetEncoder.encode(frame, Frame.TIMESTAMP_LENGTH, SetEncoder.BROADCAST_QOS, buffer,
                codec.addressOffset(), codec.addressLength(), buffer, codec.valueOffset(), codec.valueLength(), options,
                codec.revision(), 0);
            if (encoded <= 0)
            {
                return true;
            }
            length = Frame.withTimestamp(frame, 0, encoded, codec.timestampMicros());
        }
        else if (RecordCodec.EVENT_PUBLISHED == template)
        {
            if (!job.accepts(codec.timestampMicros(), codec.signalType()) ||
                !job.pattern.matches(buffer, codec.addressOffset(), codec.addressLength()) ||
                codec.valueLength() > Frame.MAX_FRAME_LENGTH - Frame.HEADER_LENGTH)
            {
                return true;
            }
            Frame.writeHeader(frame, Frame.TIMESTAMP_LENGTH, relayQos(codec.signalType()), codec.valueLength());
            frame.putBytes(Frame.TIMESTAMP_LENGTH + Frame.HEADER_LENGTH, buffer, codec.valueOffset(),
                codec.valueLength());
            length = Frame.withTimestamp(frame, 0, Frame.HEADER_LENGTH + codec.valueLength(),
                codec.timestampMicros());
        }
        else
        {
            return true;
        }
        if (length <= 0)
        {
            return true;
        }
        while (!job.ring.write(ReplayJob.FRAME, frame, 0, length))
        {
            if (job.cancelled || !running)
            {
                return false;
            }
            signal(job);
            LockSupport.parkNanos(50_000);
        }
        signal(job);
        return ++job.matched < job.limit;
    }

    /** QoS a relayed PUBLISH of this signal carries (stream and gesture 0, timeline 2, others 1). */
    private static int relayQos(final int typeBit)
    {
        switch (typeBit)
        {
            case 0x04:
            case 0x08:
                return Qos.FIRE;
            case 0x10:
                return Qos.COMMIT;
            default:
                return Qos.CONFIRM;
        }
    }

    private void signal(final ReplayJob job)
    {
        if (job.consumerWaiting)
        {
            job.consumerWaiting = false;
            coreWaker.run();
        }
    }

    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
