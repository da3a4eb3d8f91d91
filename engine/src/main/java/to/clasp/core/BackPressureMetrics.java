package to.clasp.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the inbound ring's back-pressure did, counted by the producers (any edge thread) and read by the metrics
 * exporter. Separate from {@link RouterMetrics}, which only the core thread writes.
 */
public final class BackPressureMetrics
{
    final AtomicLong backPressured = new AtomicLong();
    final AtomicLong inlineCycles = new AtomicLong();
    final AtomicLong producerWaits = new AtomicLong();
    final AtomicLong producerTimeouts = new AtomicLong();
    final AtomicLong controlLane = new AtomicLong();

    /** @return offers answered {@link to.clasp.edge.InboundPort#BACK_PRESSURED} (the transport kept the frame). */
    public long backPressured()
    {
        return backPressured.get();
    }

    /** @return core duty cycles the hosting thread ran inside an offer because the ring was full. */
    public long inlineCycles()
    {
        return inlineCycles.get();
    }

    /** @return {@link to.clasp.edge.InboundPort#onFrame} calls that had to wait for room. */
    public long producerWaits()
    {
        return producerWaits.get();
    }

    /** @return control frames taken ahead of the ring's data ({@link to.clasp.edge.InboundPort#offerControl}). */
    public long controlLane()
    {
        return controlLane.get();
    }

    /** @return {@link to.clasp.edge.InboundPort#onFrame} calls that gave up after the producer wait timeout. */
    public long producerTimeouts()
    {
        return producerTimeouts.get();
    }
}
