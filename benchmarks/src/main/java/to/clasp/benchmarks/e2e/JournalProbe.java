package to.clasp.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;
import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import to.clasp.journal.JournalWriter;
import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.state.WriteResult;

/**
 * What the journal costs and how fast it makes a write durable, per {@code --fsync} policy, without the rest of the
 * router: the calling thread plays the core (a SET into the store, its record appended, the end of a duty cycle), at
 * a paced rate; reported are the journal thread's CPU while idle and under load, and the time from append to durable
 * (what a held QoS-1 ACK waits) as p50/p99/max.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *   -cp benchmarks/target/benchmarks.jar to.clasp.benchmarks.e2e.JournalProbe [RATE [SECONDS [DIR]]]
 * </pre>
 * DIR (default: a temporary directory) should be on the disk the router will use.
 */
public final class JournalProbe
{
    private JournalProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final Path parent = args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir"));
        for (final FsyncPolicy policy : FsyncPolicy.values())
        {
            final Path dir = Files.createTempDirectory(parent, "clasp-journal-probe");
            try
            {
                run(policy, rate, seconds, dir);
            }
            finally
            {
                try (Stream<Path> paths = Files.walk(dir))
                {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void run(final FsyncPolicy policy, final int rate, final int seconds, final Path dir)
        throws InterruptedException
    {
        final ParamStore store = new ParamStore();
        final DurableState.Context ctx = new DurableState.Context().directory(dir.toFile()).snapshotIntervalNs(0);
        ctx.journal().fsync(policy);
        final DurableState durable = DurableState.open(ctx, store);
        final JournalWriter writer = durable.writer();
        final UnsafeBuffer address = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[9]);
        final UnsafeBuffer session = new UnsafeBuffer("0123456789abcdef0123456789abcdef0123".getBytes());
        value.putByte(0, (byte)0x05);
        final AddressView addressView = new AddressView();
        final ParamWrite write = new ParamWrite().value(value, 0, 9).writer(0, session, 0, 36);
        final WriteResult result = new WriteResult();
        Thread.sleep(500);
        final long idleCpu = journalCpuNs();
        final long idleStart = System.nanoTime();
        Thread.sleep(2_000);
        final double idleShare = 100.0 * (journalCpuNs() - idleCpu) / (System.nanoTime() - idleStart);

        final Histogram durableLatency = new Histogram(3);
        final long intervalNs = 1_000_000_000L / rate;
        final long loadCpu = journalCpuNs();
        final long start = System.nanoTime();
        final long end = start + seconds * 1_000_000_000L;
        long next = start;
        long pendingPosition = -1;
        long pendingSince = 0;
        int i = 0;
        while (System.nanoTime() < end)
        {
            final long now = System.nanoTime();
            if (pendingPosition >= 0 && durable.durablePosition().get() >= pendingPosition)
            {
                durableLatency.recordValue(now - pendingSince);
                pendingPosition = -1;
            }
            if (now >= next)
            {
                next += intervalNs;
                address.putStringWithoutLengthAscii(0, String.format("/probe/%09d", i % 1000));
                value.putLong(1, i++);
                addressView.wrap(address, 0, 16);
                store.write(write.address(addressView).at(now / 1000), result);
                if (writer.hasRoom(200) && writer.appendParam(store, result.id(), false, false) &&
                    pendingPosition < 0)
                {
                    // One write at a time is followed to durability (as its held ACK would be), and, as the core does
                    // for a held ACK, the journal is told that a position is awaited before the end of the cycle.
                    pendingPosition = writer.position();
                    pendingSince = now;
                    if (policy.holdsAcks())
                    {
                        durable.durablePosition().wakeWhenReached(pendingPosition);
                    }
                }
                writer.endOfCycle();
            }
            else
            {
                LockSupport.parkNanos(Math.min(50_000, next - now));
            }
        }
        final double loadShare = 100.0 * (journalCpuNs() - loadCpu) / (System.nanoTime() - start);
        System.out.printf(Locale.ROOT,
            "fsync %-6s journal thread CPU: idle %.1f %%, at %d SET/s %.1f %% of one core; append -> durable " +
            "p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d samples); fsync p50 %.3f ms (%d syncs)%n",
            policy.name().toLowerCase(Locale.ROOT), idleShare, rate, loadShare,
            durableLatency.getValueAtPercentile(50) / 1e6, durableLatency.getValueAtPercentile(99) / 1e6,
            durableLatency.getMaxValue() / 1e6, durableLatency.getTotalCount(),
            fsyncP50Ms(durable), durable.metrics().fsyncLatency().count());
        durable.close();
        store.close();
    }

    private static double fsyncP50Ms(final DurableState durable)
    {
        final to.clasp.journal.LatencyHistogram h = durable.metrics().fsyncLatency();
        final long half = (h.count() + 1) / 2;
        long seen = 0;
        for (int b = 0; b < to.clasp.journal.LatencyHistogram.BUCKETS; b++)
        {
            seen += h.bucket(b);
            if (seen >= half && half > 0)
            {
                return to.clasp.journal.LatencyHistogram.upperBoundNs(b) / 1e6;
            }
        }
        return 0;
    }

    /** CPU time of the journal's thread (driver, archive and sync run on it). */
    private static long journalCpuNs()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().startsWith("clasp-journal"))
            {
                total += threads.getThreadCpuTime(t.getId());
            }
        }
        return total;
    }
}
