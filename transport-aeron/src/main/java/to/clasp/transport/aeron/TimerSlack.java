package to.clasp.transport.aeron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux timer slack for the calling thread. The kernel may delay a thread's timed wake-up by its timer slack,
 * 50 µs by default, so {@code LockSupport.parkNanos(1_000)} really sleeps about 55 µs: a "park for microseconds" idle
 * strategy then reacts no faster than one that parks 50 µs. Lowering the slack of the edge's and clients' agent
 * threads makes short parks short. A thread may always set its own slack ({@code /proc/<tid>/timerslack_ns});
 * elsewhere (not Linux, no /proc) this does nothing.
 */
public final class TimerSlack
{
    private TimerSlack()
    {
    }

    /**
     * Set the calling thread's timer slack.
     *
     * @param nanos the slack; 0 leaves the thread as it is.
     * @return whether the slack is now {@code nanos}.
     */
    public static boolean applyToCurrentThread(final long nanos)
    {
        if (nanos <= 0)
        {
            return false;
        }
        try
        {
            // /proc/thread-self -> <pid>/task/<tid>; /proc/<tid>/timerslack_ns is that thread's slack.
            final Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            final String tid = self.getFileName().toString();
            final Path slack = Path.of("/proc", tid, "timerslack_ns");
            Files.writeString(slack, Long.toString(nanos));
            return Long.parseLong(Files.readString(slack, StandardCharsets.US_ASCII).trim()) == nanos;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }
}
