package to.clasp.transport.aeron;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AeronClientTransport#schedule}: tasks run on the agent thread, in deadline order, and the agent's wait ends
 * for them. The agent here sleeps a whole second when idle, so only a working wake-up or timer bound lets the tasks
 * below run within their 500 ms.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentScheduleTest
{
    @Test
    void tasksRunOnTheAgentInDeadlineOrderAndCutItsSleepShort() throws Exception
    {
        final AeronClientTransport transport = new AeronClientTransport(new AeronClientTransport.Context()
            .routerEndpoint("127.0.0.1:1").agentName("schedule-test")
            .driver(new DriverOptions().idleStrategy("sleep:1000000")));
        try
        {
            Thread.sleep(200); // let the agent fall asleep
            final List<String> ran = new CopyOnWriteArrayList<>();
            final CountDownLatch done = new CountDownLatch(3);
            final long start = System.nanoTime();
            transport.schedule(() -> record(ran, "late", done), TimeUnit.MILLISECONDS.toNanos(150));
            transport.schedule(() -> record(ran, "soon", done), TimeUnit.MILLISECONDS.toNanos(50));
            transport.schedule(() -> record(ran, "now", done), 0);
            assertTrue(done.await(2, TimeUnit.SECONDS), "ran: " + ran);
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(List.of("now@schedule-test", "soon@schedule-test", "late@schedule-test"), ran);
            assertTrue(tookMs >= 150, "no task ran before its time: " + tookMs + " ms");
            assertTrue(tookMs < 650, "the 1 s sleep was cut short for the tasks: " + tookMs + " ms");
        }
        finally
        {
            transport.close();
        }
    }

    private static void record(final List<String> ran, final String name, final CountDownLatch done)
    {
        ran.add(name + "@" + Thread.currentThread().getName());
        done.countDown();
    }
}
