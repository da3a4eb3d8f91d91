package to.clasp.core;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.Agent;

/**
 * The core thread's duty cycle: poll a batch of inbound events from the ring and hand each to the
 * {@link RouterCore}; run due timers; signal the edges once per batch; idle per the wait strategy when there was
 * nothing to do.
 * <p>
 * Control first: the control lane (connects and new connections' first control frames, see
 * {@code InboundPort.offerControl}) is emptied at the start of each cycle and again before any ring event claimed
 * after the last emptying, so a HELLO never waits behind a flood of other clients' frames, and a connection's ring
 * frames never overtake its own earlier lane events: an edge thread publishes the lane event before it claims the
 * ring slot, so once the core has read a ring cursor at or past that slot, the lane event is visible to it.
 */
final class RouterAgent implements Agent, EventPoller.Handler<InboundEvent>
{
    private final RingBuffer<InboundEvent> ring;
    private final EventPoller<InboundEvent> poller;
    private final RingBuffer<InboundEvent> controlLane;
    /** The last control-lane event handled (the lane's gating sequence). */
    private final Sequence controlSequence = new Sequence();
    /**
     * The ring's cursor when the control lane was last emptied: ring events up to it may be handled without looking at
     * the lane again.
     */
    private long controlCheckedUpTo = -1;
    private final RouterCore core;
    private final CoreIdleStrategy idle;
    private final RouterClock clock;
    private final RouterInboundPort port;
    private final int batchLimit;
    private final String roleName;
    /** Made once: a method reference written at the call would be a new object on every idle cycle. */
    private final java.util.function.BooleanSupplier hasInbound = this::hasInbound;
    private final java.util.function.Consumer<Throwable> errorHandler;
    private final RouterMetrics metrics;
    /**
     * Duty cycles begun plus cycles ended: odd while a cycle runs. Written by the core thread with ordered stores
     * (no fence), read by the {@link CoreWatchdog}.
     */
    private final java.util.concurrent.atomic.AtomicLong cycleMarks = new java.util.concurrent.atomic.AtomicLong();
    private int batchCount;
    private long batchStartNs;

    RouterAgent(final RingBuffer<InboundEvent> ring, final RingBuffer<InboundEvent> controlLane,
        final RouterCore core, final CoreIdleStrategy idle, final Router.Context ctx, final RouterInboundPort port)
    {
        this.ring = ring;
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        this.controlLane = controlLane;
        controlLane.addGatingSequences(controlSequence);
        this.core = core;
        this.metrics = core.metrics();
        this.idle = idle;
        this.clock = ctx.clock();
        this.port = port;
        this.batchLimit = ctx.pollBatchLimit();
        this.roleName = ctx.coreThreadName();
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
        pollControlLane();
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
            idle.idle(hasInbound, limit);
        }
        return work;
    }

    public boolean onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        if (sequence > controlCheckedUpTo)
        {
            pollControlLane();
        }
        handle(event);
        return batchCount < batchLimit;
    }

    /**
     * Read the ring's cursor, then take every published lane event: any lane event published before a ring slot up
     * to that cursor was claimed is among them. The lane is bounded (a few hundred events at most), so this is too.
     * Polled by hand rather than through a second {@link EventPoller}: the ring's poller then keeps calling one
     * handler, so its call site, the hottest in the router, stays monomorphic.
     */
    private void pollControlLane()
    {
        controlCheckedUpTo = ring.getCursor();
        final long first = controlSequence.get() + 1;
        final long cursor = controlLane.getCursor();
        long next = first;
        while (next <= cursor && controlLane.isAvailable(next))
        {
            handle(controlLane.get(next));
            next++;
        }
        if (next != first)
        {
            controlSequence.set(next - 1);
        }
    }

    private void handle(final InboundEvent event)
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
        batchCount++;
    }

    /** Any thread: inbound events are waiting for the core. */
    boolean hasInbound()
    {
        return ring.getCursor() > poller.getSequence().get() ||
            controlLane.getCursor() > controlSequence.get() || core.hasExternalWork();
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

    /** Agrona's runner names its thread after this: the configured core thread name. */
    public String roleName()
    {
        return roleName;
    }
}
