package to.clasp.reliability;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** File-descriptor headroom for tests that open tens of thousands of sockets. */
final class Fds
{
    private Fds()
    {
    }

    /** This JVM's open-file (soft) limit. */
    static long limit()
    {
        return ((com.sun.management.UnixOperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getMaxFileDescriptorCount();
    }

    /** Descriptors this JVM has open now. */
    static long open()
    {
        return ((com.sun.management.UnixOperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getOpenFileDescriptorCount();
    }

    /**
     * Make sure this JVM may open {@code needed} descriptors: raise its limit with {@code prlimit} when it is lower
     * (root, as on CI, may raise the hard limit too; others up to their hard limit); fail with the reason otherwise.
     */
    static void ensure(final long needed) throws Exception
    {
        if (limit() >= needed)
        {
            return;
        }
        final long pid = ProcessHandle.current().pid();
        final Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + needed + ":" + needed)
            .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        if (limit() < needed)
        {
            fail("this test needs " + needed + " file descriptors and the limit is " + limit() + " (prlimit said: " +
                out.trim() + "); run it as root or raise `ulimit -n`");
        }
    }
}
