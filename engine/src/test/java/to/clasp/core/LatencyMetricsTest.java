package to.clasp.core;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router-behaviour.md §8 "per-stage latency": ring wait and core service time histograms in RouterMetrics. */
class LatencyMetricsTest extends RouterFixture
{
    @Test
    void bucketsArePowersOfTwoWithInclusiveUpperBounds()
    {
        final int n = RouterMetrics.latencyBucketCount();
        assertEquals(0, RouterMetrics.latencyBucketUpperBoundNs(0));
        assertEquals(1, RouterMetrics.latencyBucketUpperBoundNs(1));
        assertEquals(1023, RouterMetrics.latencyBucketUpperBoundNs(10));
        assertEquals(Long.MAX_VALUE, RouterMetrics.latencyBucketUpperBoundNs(n - 1));
        // Every value lands in the first bucket whose upper bound holds it.
        final long[] samples = {-5, 0, 1, 2, 3, 4, 1023, 1024, 1_000_000, 1L << 40, Long.MAX_VALUE};
        for (final long v : samples)
        {
            final int b = RouterMetrics.latencyBucket(v);
            assertTrue(Math.max(0, v) <= RouterMetrics.latencyBucketUpperBoundNs(b), v + " above bucket " + b);
            assertTrue(0 == b || Math.max(0, v) > RouterMetrics.latencyBucketUpperBoundNs(b - 1),
                v + " belongs below bucket " + b);
        }
    }

    @Test
    void recordingCountsSamplesAndSums()
    {
        final RouterMetrics m = new RouterMetrics();
        m.ringWait(3);
        m.ringWait(3);
        m.ringWait(1500);
        assertEquals(2, m.ringWaitBucket(2));
        assertEquals(1, m.ringWaitBucket(11));
        assertEquals(3, m.ringWaitCount());
        assertEquals(1506, m.ringWaitTotalNs());

        m.batchMeanServiceTime(1000, 4); // 4 events at 250 ns each (mean of the batch)
        assertEquals(4, m.batchMeanServiceTimeBucket(8)); // 250 in [128, 255]
        assertEquals(4, m.batchMeanServiceTimeCount());
        assertEquals(1000, m.batchMeanServiceTimeTotalNs());
        m.batchMeanServiceTime(1000, 0); // an empty batch records nothing
        assertEquals(4, m.batchMeanServiceTimeCount());
    }

    /** Every inbound event the core handles (connect, frames) gets one ring-wait and one service-time sample. */
    @Test
    void theRouterRecordsBothStagesForEveryInboundEvent()
    {
        start();
        final RouterMetrics m = router.metrics();
        final long before = clock.nanoTime();
        final TestClient c = client("c"); // connect + HELLO: 2 events
        for (int i = 0; i < 10; i++)
        {
            c.send(Frames.set(0, "/lat/" + i, (double)i));
        }
        c.send(Frames.ping());
        assertEquals(MessageType.PONG, c.receive().type()); // 13 events handled
        await(() -> m.ringWaitCount() >= 13 && m.batchMeanServiceTimeCount() >= 13, "13 samples each");
        final long window = clock.nanoTime() - before;
        assertEquals(13, m.ringWaitCount());
        assertEquals(13, m.batchMeanServiceTimeCount());
        assertTrue(m.batchMeanServiceTimeTotalNs() > 0, "the core took some time");
        // Each event was received and handled inside the window, on the clock the router was given: a wait or a
        // service time read from another clock, or counted twice, could not stay inside these bounds.
        assertTrue(m.ringWaitTotalNs() <= 13 * window, m.ringWaitTotalNs() + " ns of ring wait in a " + window + " ns window");
        assertTrue(m.batchMeanServiceTimeTotalNs() <= window, m.batchMeanServiceTimeTotalNs() + " ns of service in " + window);
        long bucketed = 0;
        for (int i = 0; i < RouterMetrics.latencyBucketCount(); i++)
        {
            assertTrue(i == 0 || m.ringWaitBucket(i) == 0 || RouterMetrics.latencyBucketUpperBoundNs(i - 1) < window,
                "a ring wait in bucket " + i + " is longer than the whole window");
            bucketed += m.ringWaitBucket(i);
        }
        assertEquals(13, bucketed);
    }
}
