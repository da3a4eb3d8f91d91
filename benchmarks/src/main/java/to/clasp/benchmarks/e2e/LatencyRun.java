package to.clasp.benchmarks.e2e;

import org.HdrHistogram.Histogram;
import to.clasp.client.SetOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One-hop latency: one publisher SETs {@code /lat/x} at a fixed rate (default 10 000/s, QoS 0) with its send time
 * ({@link System#nanoTime()}, same JVM) as the value; one subscriber records now − sent into an HdrHistogram.
 * Publisher → WebSocket → router core → WebSocket → subscriber, over loopback. Sends are scheduled on a fixed
 * timetable and latency is measured from the scheduled time, so a stall is not hidden (coordinated omission).
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar to.clasp.benchmarks.e2e.LatencyRun
 *     [-Drate=10000] [-Dseconds=10] [-Dwarmup=3] [-Dwait=block] [-Durl=ws://host:port/]
 * </pre>
 */
public final class LatencyRun
{
    public static void main(final String[] args) throws Exception
    {
        final int rate = Integer.getInteger("rate", 10_000);
        final int seconds = Integer.getInteger("seconds", 10);
        final int warmup = Integer.getInteger("warmup", 3);
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);

        try (E2eSetup setup = new E2eSetup())
        {
            final WebSocketClaspClient subscriber = setup.client("latency subscriber");
            final boolean[] recording = {false};
            subscriber.subscribe("/lat/*", (address, value, revision, signal) ->
            {
                final long latency = System.nanoTime() - (Long)value;
                if (recording[0] && latency > 0)
                {
                    histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                }
            });
            final WebSocketClaspClient publisher = setup.client("latency publisher");
            final SetOptions fire = SetOptions.defaults().qos(0);

            final long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            publishFor(publisher, fire, interval, TimeUnit.SECONDS.toNanos(warmup));
            TimeUnit.MILLISECONDS.sleep(200);
            histogram.reset();
            recording[0] = true;
            final long sent = publishFor(publisher, fire, interval, TimeUnit.SECONDS.toNanos(seconds));
            TimeUnit.MILLISECONDS.sleep(500);
            recording[0] = false;

            System.out.printf("rate=%d/s seconds=%d sent=%d received=%d%n", rate, seconds, sent,
                histogram.getTotalCount());
            System.out.printf("one-hop latency µs: p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f%n",
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
                histogram.getMaxValue() / 1e3);
            publisher.close();
            subscriber.close();
        }
    }

    /** Send on a fixed timetable; the value is the scheduled send time. */
    private static long publishFor(
        final WebSocketClaspClient publisher, final SetOptions options, final long interval, final long duration)
    {
        final long start = System.nanoTime();
        long next = start;
        long count = 0;
        while (next - start < duration)
        {
            long now;
            while ((now = System.nanoTime()) < next)
            {
                if (next - now > 50_000)
                {
                    LockSupport.parkNanos(next - now - 50_000);
                }
            }
            publisher.set("/lat/x", next, options);
            count++;
            next += interval;
        }
        return count;
    }
}
