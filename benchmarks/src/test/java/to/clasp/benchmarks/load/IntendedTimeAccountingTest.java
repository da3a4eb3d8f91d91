package to.clasp.benchmarks.load;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinated-omission rule, checked against a transport that delivers at once but stalls the sender for
 * 200 ms once: every message that the stall held back must show the wait in its latency from the intended time,
 * none of it in its latency from the actual send time, and the generator's pacing lag must show it too.
 */
class IntendedTimeAccountingTest
{
    private static final long STALL_NS = 200_000_000L;

    /** Delivers each message synchronously inside send(); flush number {@code stallAt} then stalls the sender. */
    private static final class StallingTransport implements Transport
    {
        private final long stallAt;
        private final ScheduledExecutorService loop;
        private final AtomicLong sends = new AtomicLong();
        private volatile Receiver subscriber = Receiver.NONE;
        volatile boolean subscribersOnLoop;
        volatile Thread sendingThread;

        StallingTransport(final long stallAt, final ScheduledExecutorService loop)
        {
            this.stallAt = stallAt;
            this.loop = loop;
        }

        public SendingLoop sendingLoop()
        {
            return loop == null ? null : SendingLoop.of(loop, true);
        }

        public void subscribersOnSendingLoop(final boolean shared)
        {
            subscribersOnLoop = shared;
        }

        public String name()
        {
            return "fake";
        }

        public Endpoint connect(final Receiver receiver)
        {
            return new Endpoint()
            {
                public void subscribeAll()
                {
                    subscriber = receiver;
                }

                public void subscribe(final int topic)
                {
                }

                public void send(final int topic, final long intendedNs, final long sentNs)
                {
                    sendingThread = Thread.currentThread();
                    subscriber.onMessage(intendedNs, sentNs);
                }

                public void flush()
                {
                    // After a message went out: the ones due meanwhile are sent late, with a late send time.
                    if (sends.incrementAndGet() == stallAt)
                    {
                        final long until = System.nanoTime() + STALL_NS;
                        while (System.nanoTime() < until)
                        {
                            Thread.onSpinWait();
                        }
                    }
                }

                public java.util.concurrent.CompletableFuture<?> roundTrip()
                {
                    // Delivery is synchronous: everything sent has arrived.
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }

                public void close()
                {
                }
            };
        }

        public long errors()
        {
            return 0;
        }

        public void close()
        {
        }
    }

    @Test
    void aStallIsChargedToEveryMessageItDelayedFromTheIntendedTimeOnly() throws Exception
    {
        final StallingTransport transport = new StallingTransport(400, null);
        assertStallCharged(run(transport));
        assertEquals(Thread.currentThread(), transport.sendingThread, "no sending loop: sent from the caller");
    }

    @Test
    void onASendingLoopTheScheduleAndTheStallAccountingAreTheSame() throws Exception
    {
        final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop"));
        try
        {
            final StallingTransport transport = new StallingTransport(400, loop);
            assertStallCharged(run(transport));
            assertEquals("loop", transport.sendingThread.getName(), "paced sends run as tasks on the loop");
            assertTrue(transport.subscribersOnLoop, "a paced run never blocks the loop, so subscribers share it");
        }
        finally
        {
            loop.shutdownNow();
        }
    }

    @Test
    void aWindowedRunBlocksTheSendingLoopSoSubscribersStayOff() throws Exception
    {
        final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop"));
        try
        {
            final StallingTransport transport = new StallingTransport(Long.MAX_VALUE, loop);
            final ScenarioResult r = new ScenarioRunner(new LoadSettings().warmupMs(50).durationMs(200)
                .progress(null), transport, null, () -> -1, -1).run(Scenario.THROUGHPUT);
            assertTrue(r.delivered > 0);
            assertEquals("loop", transport.sendingThread.getName());
            assertFalse(transport.subscribersOnLoop);
        }
        finally
        {
            loop.shutdownNow();
        }
    }

    private static ScenarioResult run(final StallingTransport transport) throws Exception
    {
        final int rate = 1_000; // 1 ms apart: the 200 ms stall holds back about 200 messages
        final LoadSettings settings = new LoadSettings().warmupMs(100).durationMs(1_000).latencyRate(rate)
            .progress(null);
        return new ScenarioRunner(settings, transport, null, () -> -1, -1).run(Scenario.LATENCY);
    }

    private static void assertStallCharged(final ScenarioResult r)
    {
        assertEquals(0, r.lost);
        assertEquals(r.sent, r.delivered);
        assertEquals(1_000, r.sent, 20, "the schedule is kept on average: the sender catches up after the stall");
        // From intended: the stalled message waited ~200 ms, its followers less and less (a ramp).
        assertTrue(r.latencyFromIntended.max >= 190_000, "max " + r.latencyFromIntended.max);
        final long delayed = r.fromIntended.getCountBetweenValues(50_000_000L, LatencyStats.HIGHEST_NS);
        assertTrue(delayed >= 120, "messages that waited > 50 ms: " + delayed);
        // From sent: the router (here: nothing) adds no delay, so the stall must not appear.
        assertTrue(r.latencyFromSent.max < 50_000, "from sent max " + r.latencyFromSent.max);
        assertTrue(r.pacingLag.max >= 190_000, "the generator reports its own lateness: " + r.pacingLag.max);
    }

    @Test
    void warmUpMessagesAreCountedButNotMeasured()
    {
        final Measurement m = new Measurement();
        m.measureFrom(1_000);
        m.onMessage(999, 999);
        m.onMessage(1_000, 1_000);
        assertEquals(2, m.delivered());
        m.fromIntended.interval();
        assertEquals(1, m.fromIntended.total().getTotalCount());
    }
}
