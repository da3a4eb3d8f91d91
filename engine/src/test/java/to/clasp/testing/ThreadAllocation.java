package to.clasp.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by one named thread (the router's core), from the JVM's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}): what the allocation gates read before and after
 * a run. The counter is exact for the thread's own allocations; a one-off JIT event can add a few KB.
 */
public final class ThreadAllocation
{
    private final com.sun.management.ThreadMXBean threads;
    private final long threadId;

    private ThreadAllocation(final com.sun.management.ThreadMXBean threads, final long threadId)
    {
        this.threads = threads;
        this.threadId = threadId;
    }

    /**
     * @param threadName the thread's name, unique in this JVM (e.g. {@code Router.Context.coreThreadName}).
     * @throws AssertionError when no thread has that name or the JVM cannot count.
     */
    public static ThreadAllocation of(final String threadName)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported())
        {
            throw new AssertionError("this JVM does not count allocated bytes per thread");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (threadName.equals(t.getName()))
            {
                return new ThreadAllocation(threads, t.getId());
            }
        }
        throw new AssertionError("no thread named " + threadName);
    }

    /**
     * @return bytes the thread allocated since it started.
     * @throws AssertionError when the thread is gone.
     */
    public long allocatedBytes()
    {
        final long bytes = threads.getThreadAllocatedBytes(threadId);
        if (bytes < 0)
        {
            throw new AssertionError("thread " + threadId + " is gone");
        }
        return bytes;
    }
}
