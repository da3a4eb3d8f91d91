package to.clasp.benchmarks.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuMeterTest
{
    private static volatile long sink;

    @Test
    void threadTicksAddUpTheNamedThreadsOfAProcess() throws Exception
    {
        final long pid = ProcessHandle.current().pid();
        final String name = "cpu-meter-burn";
        final long[] seen = new long[1];
        final Thread burner = new Thread(() ->
        {
            // 0.3 s of this thread's own CPU (however long that takes on a busy machine), then read its ticks.
            final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < 300_000_000L)
            {
                x += System.nanoTime() % 7;
            }
            sink = x; // keeps the loop from being optimised away
            seen[0] = CpuMeter.threadTicks(pid, name);
        }, name);
        assertEquals(0, CpuMeter.threadTicks(pid, name), "no such thread yet");
        burner.start();
        burner.join();
        assertTrue(seen[0] >= 20 && seen[0] <= 60, "0.3 s of CPU is ~30 ticks of 10 ms: " + seen[0]);
        assertEquals(0, CpuMeter.threadTicks(pid, "no-thread-is-called-this"));
    }

    @Test
    void jitAndEventLoopSharesAreReadForARunningJvmAndNullForNoProcess()
    {
        final CpuMeter self = new CpuMeter(ProcessHandle.current().pid());
        self.start();
        assertNotNull(self.jitSecondsSinceStart(), "this JVM has compiler threads");
        assertEquals(0.0, self.eventLoopSecondsSinceStart(), "and no clasp-ws-io thread");
        final CpuMeter none = new CpuMeter(-1);
        none.start();
        assertNull(none.secondsSinceStart());
        assertNull(none.jitSecondsSinceStart());
    }
}
