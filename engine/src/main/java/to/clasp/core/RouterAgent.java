package to.clasp.core;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import org.agrona.concurrent.Agent;

/**
 * The core thread's duty cycle: poll a batch of inbound events from the ring and hand each to the
 * {@link RouterCore}; run due timers; signal the edges once per batch; idle per the wait strategy when there was
 * nothing to do.
 */
final class RouterAgent implements Agent, EventPoller.Handler<InboundEvent>
{
    private final RingBuffer<InboundEvent> ring;
    private final EventPoller<InboundEvent> poller;
    private final RouterCore core;
    private final CoreIdleStrategy idle;
    private final RouterClock clock;
    private final RouterInboundPort port;
    private final int batchLimit;
    private final java.util.function.Consumer<Throwable> errorHandler;
    private final RouterMetrics metrics;
    /**
     * Duty cycles begun plus cycles ended: odd while a cycle runs. Written by the core thread with ordered stores
     * (no fence), read by the {@link CoreWatchdog}.
     */
    private final java.util.concurrent.atomic.AtomicLong cycleMarks = new java.util.concurrent.atomic.AtomicLong();
    private int batchCount;
    private long batchStartNs;

    RouterAgent(final RingBuffer<InboundEvent> ring, final RouterCore core, final CoreIdleStrategy idle,
        final Router.Context ctx, final RouterInboundPort port)
    {
        this.ring = ring;
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        this.core = core;
        this.metrics = core.metrics();
        this.idle = idle;
        this.clock = ctx.clock();
        this.port = port;
        this.batchLimit = ctx.pollBatchLimit();
        this.errorHandler = ctx.errorHandler();
    }

    RouterMetrics metrics()
    {
        return core.metrics();
    }

    public void onStart()
    {
        idle.coreThread(Thread.currentThread());
    }

    public int doWork() throws Exception
    {
        cycleMarks.lazySet(cycleMarks.get() + 1);
        try
        {
            return dutyCycle();
        }
        finally
        {
            cycleMarks.lazySet(cycleMarks.get() + 1);
        }
    }

    private int dutyCycle() throws Exception
    {
        batchCount = 0;
        core.beginCycle();
        poller.poll(this);
        int work = batchCount;
        final long now = clock.nanoTime();
        if (work > 0)
        {
            metrics.batchMeanServiceTime(now - batchStartNs, work);
        }
        work += core.doTimers(now);
        core.endOfCycle();
        port.afterCycle();
        if (0 == work)
        {
            final long deadline = core.nextDeadlineNs();
            final long limit = Long.MAX_VALUE == deadline ? Long.MAX_VALUE : deadline - clock.nanoTime();
            idle.idle(this::hasInbound, limit);
        }
        return work;
    }

    public boolean onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        if (0 == batchCount)
        {
            // One clock reading starts the batch: it is the dequeue time for ring wait, the start of the service
            // time, and the core's time for this cycle (so the core need not read the clock again).
            batchStartNs = clock.nanoTime();
            core.startBatch(batchStartNs);
        }
        metrics.ringWait(batchStartNs - event.receiveNanos);
        try
        {
            core.onEvent(event);
        }
        catch (final Throwable t)
        {
            // Never let one bad event stall the ring: the poller would hand it to us again.
            errorHandler.accept(t);
        }
        finally
        {
            event.clear();
        }
        return ++batchCount < batchLimit;
    }

    /** Any thread: inbound events are waiting for the core. */
    boolean hasInbound()
    {
        return ring.getCursor() > poller.getSequence().get() || core.hasExternalWork();
    }

    /** Any thread: see {@link #cycleMarks}. */
    long cycleMarks()
    {
        return cycleMarks.get();
    }

    /** @return the thread running the core, or null before it started. */
    Thread coreThread()
    {
        return idle.coreThread();
    }

    long nextDeadlineNs()
    {
        return core.nextDeadlineNs();
    }

    public void onClose()
    {
        port.close();
        core.closeAll(1001, "router shutting down");
    }

    public String roleName()
    {
        return "clasp-core";
    }
}
