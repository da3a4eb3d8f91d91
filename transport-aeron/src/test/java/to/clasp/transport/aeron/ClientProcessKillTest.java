package to.clasp.transport.aeron;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.ClaspException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client in another JVM holds a lock and is killed with SIGKILL: no Disconnect ever reaches the router, so only
 * the edge's liveness checks can notice. The session must go (metrics) and its lock with it, within the heartbeat
 * timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientProcessKillTest
{
    private static final int HEARTBEAT_TIMEOUT_MS = 2_500;

    @Test
    void killedClientIsNoticedWithinTheHeartbeatTimeoutAndItsLockReleased() throws Exception
    {
        try (AeronRouterFixture fixture = AeronRouterFixture.start(r -> r,
            e -> e.heartbeatIntervalMs(250).heartbeatTimeoutMs(HEARTBEAT_TIMEOUT_MS));
             AeronClaspClient local = fixture.client("local");
             ChildJvm child = ChildJvm.start("client", List.of(), RemoteClientMain.class,
                 "lock", fixture.endpoint(), "/remote/lock"))
        {
            child.awaitLine("LOCKED", 30_000);
            assertEquals(2, fixture.router().metrics().sessions(), "local and remote sessions");
            assertEquals(2, fixture.edge().openConnections());

            local.set("/remote/lock", 2.0);
            final ClaspException refused = awaitError(local);
            assertTrue(refused.getMessage().contains("lock held"), refused.getMessage());

            final long killedAt = System.nanoTime();
            child.kill();
            final long deadline = killedAt + TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_TIMEOUT_MS + 2_000);
            while (fixture.router().metrics().sessions() > 1 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            final long noticedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.println("killed client's session freed after " + noticedMs + " ms");
            assertEquals(1, fixture.router().metrics().sessions(), "the killed client's session is gone");
            assertTrue(noticedMs >= HEARTBEAT_TIMEOUT_MS - 300,
                "noticed by the timeout, not by a goodbye: " + noticedMs + " ms");
            assertEquals(1, fixture.edge().openConnections());

            local.set("/remote/lock", 3.0);
            assertEquals(3.0, local.get("/remote/lock").get(5, TimeUnit.SECONDS), "lock released with the session");
        }
    }

    private static ClaspException awaitError(final AeronClaspClient client) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline)
        {
            final ClaspException error = client.session().lastError();
            if (null != error)
            {
                return error;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no ERROR from the router");
    }
}
