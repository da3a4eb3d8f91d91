package to.clasp.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global cap on outbound memory: every 10 ms (50 ms while below a quarter of the cap) the core adds up what all sessions
 * have queued (one volatile read pair per session; no per-frame accounting on the hot path) and, when the total is past
 * {@code maxOutboundMemory}, cuts the largest slow consumers first (those past the soft limit: {@code ERROR 503}
 * then close 1008, as at the per-session hard limit) until the total is back under three quarters of the cap.
 * Sessions below the soft limit are never cut: they are keeping up.
 */
final class OutboundMemoryGuard extends CoreTimer
{
    private static final Logger LOG = LoggerFactory.getLogger(OutboundMemoryGuard.class);
    /**
     * Scan interval while the total is past a quarter of the cap; an idle router schedules no scan
     * ({@link #onFramesQueued}).
     */
    static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Scan interval while the total is well below the cap (a scan reads every session's queue: not for free). */
    static final long RELAXED_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    static final String REASON = "outbound memory limit";

    private static final Comparator<Session> LARGEST_FIRST =
        (a, b) -> Long.compare(b.queue.queuedBytes(), a.queue.queuedBytes());

    private final SessionTable table;
    private final TimerQueue timers;
    private final SessionLifecycle lifecycle;
    private final RouterMetrics metrics;
    private final long softLimit;
    private final long cap;
    private final ArrayList<Session> slow = new ArrayList<>();
    /** What the last scan found queued in all. */
    private long lastTotal;

    OutboundMemoryGuard(final SessionTable table, final TimerQueue timers, final SessionLifecycle lifecycle,
        final RouterMetrics metrics, final long softLimit, final long cap)
    {
        this.table = table;
        this.timers = timers;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.softLimit = softLimit;
        this.cap = cap;
    }

    void onTimer(final long nowNs)
    {
        long total = 0;
        slow.clear();
        for (int i = 0, n = table.indexLimit(); i < n; i++)
        {
            final Session s = table.byIndex(i);
            if (null == s || s.isGone())
            {
                continue;
            }
            final long queued = s.queue.queuedBytes();
            total += queued;
            if (queued >= softLimit)
            {
                slow.add(s);
            }
        }
        if (cap > 0 && total > cap && !slow.isEmpty())
        {
            total = cut(total);
        }
        metrics.outboundQueuedBytes(total);
        lastTotal = total;
        if (total > 0)
        {
            timers.schedule(this, nowNs + (total > cap / 4 ? INTERVAL_NS : RELAXED_INTERVAL_NS));
        }
    }

    /**
     * End of a cycle in which frames were queued: make sure a scan is coming, at the relaxed interval while the last
     * scan found the total well below the cap. Why: a busy router with many connections whose queues drain quickly
     * (a connection storm: every session gets its WELCOME) found nothing queued at every scan and was rescheduled
     * here every 10 ms, reading every session's queue 100 times a second for nothing.
     */
    void onFramesQueued(final long nowNs)
    {
        if (!isScheduled())
        {
            timers.schedule(this, nowNs + (lastTotal > cap / 4 ? INTERVAL_NS : RELAXED_INTERVAL_NS));
        }
    }

    private long cut(final long before)
    {
        slow.sort(LARGEST_FIRST);
        final long target = cap - cap / 4;
        long total = before;
        int cut = 0;
        for (int i = 0; i < slow.size() && total > target; i++)
        {
            final Session s = slow.get(i);
            total -= s.queue.queuedBytes();
            metrics.outboundMemoryDisconnect();
            lifecycle.cutSlowConsumer(s, REASON);
            cut++;
        }
        LOG.warn("outbound queues held {} KiB, over the cap of {} KiB: cut {} slow consumer(s), largest first " +
            "(ERROR 503, close 1008)", before / 1024, cap / 1024, cut);
        slow.clear();
        return total;
    }
}
