package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.archive.client.AeronArchive;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal thread's duty cycle: run the embedded archive and driver (which record what the core appended), sync the
 * recorded bytes per the {@link FsyncPolicy} and publish the {@link DurablePosition}, purge old segments on request,
 * and park when there is nothing to do.
 * <p>
 * <b>When it syncs.</b> Group commit: one sync covers everything recorded since the last, and the next starts as
 * soon as the previous one has finished and something is due. Under {@code always} anything unsynced is due at once.
 * Under {@code batch} a record is due at once when the core holds an ACK for it ({@link DurablePosition#awaited}), so
 * an ACK waits for at most the sync in progress and its own, never for a timer; records nobody waits for (QoS 0
 * writes, expiries, events) are due when the last sync is the interval old, so they are exposed for at most the
 * window and a QoS-0 stream costs at most one sync per interval. Before it syncs it lets the archive record
 * everything the core had appended, so one sync covers it. Under {@code never} the recorded position is published
 * once per interval (nothing waits for it).
 * <p>
 * <b>Waking.</b> With nothing due it parks up to {@link Journal.Context#maxParkNs()}; the core's end of cycle wakes it
 * ({@link #onAppended}) while it parks without a deadline, or with one while an ACK is awaited (a window that would
 * otherwise hold it), so a journal that is busy or will sync soon anyway costs the core no system calls. The core's
 * start of a wait for a new position ({@link #onAwaited}) wakes it from the window too: after a sync the core asks for
 * the next held ACK's position in a cycle that may append nothing.
 */
final class JournalAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalAgent.class);
    private static final long MAINTENANCE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int CATCH_UP_LIMIT = 64;

    private final FsyncPolicy policy;
    private final Runnable beforeSync;
    private final long intervalNs;
    private final long maxParkNs;
    private final AgentInvoker archiveInvoker;
    private final AgentInvoker clientInvoker;
    private final CountersReader counters;
    private final int recordingCounterId;
    private final long recordingCounterRegistrationId;
    private final AeronArchive control;
    private final SegmentSync sync;
    private final DurablePosition durable;
    private final JournalMetrics metrics;
    private volatile RecordingLayout layout;
    private volatile long appendedPosition;
    private volatile boolean parkedIdle;
    private volatile boolean parkedForWindow;
    private volatile Thread thread;
    private volatile long purgePosition = -1;
    private volatile long purgeOlderThanMillis;
    private long recorded;
    private long lastSyncNs = Long.MIN_VALUE / 2;
    private long nextMaintenanceNs;
    private boolean recordingLost;

    JournalAgent(
        final Journal.Context ctx, final AgentInvoker archiveInvoker, final AgentInvoker clientInvoker,
        final CountersReader counters, final int recordingCounterId, final AeronArchive control,
        final RecordingLayout layout, final DurablePosition durable, final long position)
    {
        this.policy = ctx.fsync();
        this.beforeSync = ctx.beforeSync();
        this.intervalNs = FsyncPolicy.ALWAYS == ctx.fsync() ? 0 : ctx.fsyncIntervalNs();
        this.maxParkNs = ctx.maxParkNs();
        this.archiveInvoker = archiveInvoker;
        this.clientInvoker = clientInvoker;
        this.counters = counters;
        this.recordingCounterId = recordingCounterId;
        this.recordingCounterRegistrationId = counters.getCounterRegistrationId(recordingCounterId);
        this.control = control;
        this.layout = layout;
        this.sync = new SegmentSync(layout, position);
        this.durable = durable;
        this.metrics = ctx.metrics();
        this.recorded = position;
        this.appendedPosition = position;
        metrics.positions(position, position);
        durable.syncWaker(this::onAwaited);
    }

    public void onStart()
    {
        thread = Thread.currentThread();
    }

    public int doWork()
    {
        int work = invoke();
        final long now = System.nanoTime();
        final long synced = durable.get();
        long due = -1;
        if ((recorded > synced || appendedPosition > synced) && null == durable.failure())
        {
            due = ackAwaited() ? now : Math.max(now, lastSyncNs + intervalNs);
            if (now - due >= 0)
            {
                catchUp();
                if (recorded > synced)
                {
                    syncAndPublish(now);
                    work++;
                }
                due = -1;
            }
        }
        if (now - nextMaintenanceNs >= 0)
        {
            nextMaintenanceNs = now + MAINTENANCE_INTERVAL_NS;
            work += maintenance();
        }
        if (0 == work)
        {
            idle(now, due);
        }
        return work;
    }

    private int invoke()
    {
        final int work = archiveInvoker.invoke() + clientInvoker.invoke();
        readRecorded();
        return work;
    }

    private void readRecorded()
    {
        if (counters.getCounterState(recordingCounterId) == CountersReader.RECORD_ALLOCATED &&
            counters.getCounterRegistrationId(recordingCounterId) == recordingCounterRegistrationId)
        {
            recorded = Math.max(recorded, counters.getCounterValue(recordingCounterId));
        }
        else if (!recordingLost)
        {
            recordingLost = true;
            LOG.error("journal: the archive stopped recording at position {} (disk full or I/O error?); the router " +
                "refuses state changes from now on", recorded);
            metrics.markFailed();
            durable.fail("journal failed: the archive stopped recording at position " + recorded +
                " (disk full or I/O error)");
        }
    }

    /** Let the archive record what the core had appended when the sync became due (bounded). */
    private void catchUp()
    {
        final long target = appendedPosition;
        for (int i = 0; i < CATCH_UP_LIMIT && recorded < target && !recordingLost; i++)
        {
            if (0 == invoke())
            {
                Thread.onSpinWait();
            }
        }
    }

    private void syncAndPublish(final long now)
    {
        beforeSync.run();
        final long position = recorded;
        if (FsyncPolicy.NEVER != policy)
        {
            final long start = System.nanoTime();
            try
            {
                sync.syncTo(position);
            }
            catch (final IOException ex)
            {
                // Not retried: after a failed fsync Linux may have dropped the dirty pages and marked them clean, so
                // a later fsync that succeeds proves nothing (PostgreSQL's "fsyncgate"). Nothing from here on is
                // promised durable; what was durable before stays so.
                metrics.syncFailed();
                LOG.error("journal: fsync failed at position {}; the router refuses state changes from now on",
                    position, ex);
                metrics.markFailed();
                durable.fail("journal failed: fsync failed (" + ex.getMessage() + ")");
                lastSyncNs = now;
                return;
            }
            metrics.fsyncLatency().record(System.nanoTime() - start);
        }
        lastSyncNs = now;
        metrics.positions(position, position);
        durable.advance(position);
    }

    private void idle(final long now, final long due)
    {
        long parkNs = maxParkNs;
        if (due >= 0)
        {
            parkNs = Math.min(parkNs, due - now);
            if (parkNs <= 0)
            {
                return;
            }
        }
        final boolean noDeadline = due < 0;
        parkedIdle = noDeadline;
        parkedForWindow = !noDeadline;
        try
        {
            // Dekker with onAppended: announce the park, then re-check for appends (or an awaited ACK) the core made
            // meanwhile.
            final boolean woken = null == durable.failure() &&
                (noDeadline ? appendedPosition > durable.get() : ackAwaited());
            if (!woken)
            {
                LockSupport.parkNanos(this, parkNs);
            }
        }
        finally
        {
            parkedIdle = false;
            parkedForWindow = false;
        }
    }

    /** Under {@code batch}: whether the core holds an ACK for a record not yet synced (then a sync is due now). */
    private boolean ackAwaited()
    {
        return FsyncPolicy.BATCH == policy && durable.awaited();
    }

    /**
     * Core thread, end of a duty cycle that appended (after it asked to be woken for the ACKs it holds): where the
     * publication now ends; wakes the journal thread if it parks with no sync pending, or waits out the window while
     * an ACK is awaited.
     */
    void onAppended(final long position)
    {
        appendedPosition = position;
        if (parkedIdle || (parkedForWindow && ackAwaited()))
        {
            unparkJournalThread();
        }
    }

    /**
     * Core thread, when it starts waiting for a position not yet durable ({@link DurablePosition#wakeWhenReached}):
     * wake the journal thread if it parks waiting out the window, since an awaited position is due at once. Without it,
     * an ACK for a record appended while a sync ran waited for the window: the sync that ended woke the core, the core
     * then asked for the next position, but only an append (which may not come) woke the journal thread.
     */
    void onAwaited()
    {
        if (parkedForWindow)
        {
            unparkJournalThread();
        }
    }

    private void unparkJournalThread()
    {
        final Thread t = thread;
        if (null != t)
        {
            LockSupport.unpark(t);
        }
    }

    void requestPurge(final long position, final long olderThanMillis)
    {
        purgeOlderThanMillis = olderThanMillis;
        purgePosition = position;
    }

    RecordingLayout layout()
    {
        return layout;
    }

    private int maintenance()
    {
        // The archive pings its control session and sends it recording signals; read them, or the response channel
        // fills, the pings fail and the archive drops the session (and later control calls time out).
        final int work = control.pollForRecordingSignals();
        final long upTo = purgePosition;
        if (upTo < 0)
        {
            return work;
        }
        purgePosition = -1;
        final RecordingLayout current = layout;
        final long olderThan = purgeOlderThanMillis;
        long newStart = current.segmentBase(current.startPosition());
        while (newStart + current.segmentLength() <= Math.min(upTo, recorded))
        {
            final File file = current.segmentFile(newStart);
            if (file.exists() && file.lastModified() >= olderThan)
            {
                break;
            }
            newStart += current.segmentLength();
        }
        if (newStart <= current.startPosition())
        {
            return work;
        }
        try
        {
            final long segments = control.purgeSegments(current.recordingId(), newStart);
            final RecordingLayout moved = current.withStart(newStart);
            layout = moved;
            sync.layout(moved);
            metrics.purged((int)segments);
            LOG.info("journal: purged {} segment(s) before position {}", segments, newStart);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("journal: purge before {} failed: {}", newStart, ex.toString());
        }
        return 1;
    }

    /**
     * Closing thread, after the journal thread stopped: record everything up to {@code position} and sync it.
     */
    void flush(final long position, final long timeoutNs)
    {
        appendedPosition = position;
        final long deadline = System.nanoTime() + timeoutNs;
        while (recorded < position && !recordingLost && null == durable.failure() && System.nanoTime() - deadline < 0)
        {
            if (0 == invoke())
            {
                Thread.onSpinWait();
            }
        }
        if (recorded > durable.get() && null == durable.failure())
        {
            syncAndPublish(System.nanoTime());
        }
        if (recorded < position)
        {
            LOG.warn("journal: closed with {} bytes appended but not recorded", position - recorded);
        }
    }

    public void onClose()
    {
        thread = null;
    }

    void close()
    {
        sync.close();
    }

    public String roleName()
    {
        return "clasp-journal";
    }
}
