package to.clasp.transport.aeron;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber that stops reading: its listener blocks the client's only thread, so its embedded driver stops too
 * and the router's publication to it back-pressures. The edge must then stop draining that session's queue (never
 * spinning the core), the queue must grow into the core's slow-consumer policy (params conflated per address past
 * the soft limit), everyone else must keep being served promptly, and once the subscriber reads again it must end
 * with the latest value of every address.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowConsumerTest
{
    private static final int ADDRESSES = 100;
    private static final int WRITES = 30_000;

    @Test
    void blockedPublicationFeedsTheSlowConsumerPolicyWhileOthersAreServed() throws Exception
    {
        try (AeronRouterFixture fixture = AeronRouterFixture.start(
            r -> r.outboundSoftLimit(64 * 1024).outboundHardLimit(128 * 1024),
            e -> e.heartbeatTimeoutMs(20_000).driver(new DriverOptions().termLength(64 * 1024)));
             AeronClaspClient fast = fixture.client("fast");
             AeronClaspClient slow = fixture.client("slow"))
        {
            final CountDownLatch release = new CountDownLatch(1);
            final CountDownLatch blocked = new CountDownLatch(1);
            slow.subscribe("/flood/**", (address, value, revision, signal) ->
            {
                blocked.countDown();
                try
                {
                    release.await(); // the client's agent (and its driver) stop here until released
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            slow.get("/missing").handle((v, e) -> v).get(5, TimeUnit.SECONDS);
            fast.set("/flood/first", 0L);
            assertTrue(blocked.await(5, TimeUnit.SECONDS), "the slow client got its first update and blocked");

            long worstRoundTripMs = 0;
            for (int written = 0; written < WRITES; )
            {
                for (int i = 0; i < 2_000; i++, written++)
                {
                    fast.set("/flood/p/" + (written % ADDRESSES), (long)written);
                }
                final long t0 = System.nanoTime();
                assertEquals((long)written - 1,
                    fast.get("/flood/p/" + ((written - 1) % ADDRESSES)).get(5, TimeUnit.SECONDS));
                worstRoundTripMs = Math.max(worstRoundTripMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            final long conflated = fixture.router().metrics().conflatedMessages();
            System.out.println("while the subscriber was blocked: " + conflated + " updates conflated, worst round " +
                "trip for the fast client " + worstRoundTripMs + " ms");
            assertTrue(conflated > 0, "the blocked publication pushed the session into the slow-consumer policy");
            assertTrue(worstRoundTripMs < 3_000, "the core kept serving the fast client: " + worstRoundTripMs);
            assertEquals(2, fixture.router().metrics().sessions(), "a slow subscriber is conflated, not dropped");

            release.countDown();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int missing = ADDRESSES;
            while (missing > 0 && System.nanoTime() < deadline)
            {
                missing = 0;
                for (int k = 0; k < ADDRESSES; k++)
                {
                    final long last = lastWriteOf(k);
                    if (!Long.valueOf(last).equals(slow.cached("/flood/p/" + k)))
                    {
                        missing++;
                    }
                }
                Thread.sleep(20);
            }
            assertEquals(0, missing, "after catching up, the slow subscriber holds the final value of every address");
        }
    }

    private static long lastWriteOf(final int address)
    {
        final int last = WRITES - 1;
        return last - ((last - address) % ADDRESSES + ADDRESSES) % ADDRESSES;
    }
}
