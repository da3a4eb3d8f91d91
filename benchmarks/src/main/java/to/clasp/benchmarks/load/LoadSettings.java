package to.clasp.benchmarks.load;

import java.io.PrintStream;

/**
 * Everything a scenario run needs besides the router: sizes, rates, durations. Defaults are the short run that
 * completes the whole comparison in a few minutes on 2 cores; the CLI sets every field.
 */
public final class LoadSettings
{
    long warmupNs = 2_000_000_000L;
    long durationNs = 10_000_000_000L;
    int publishers = 4;
    int subscribers = 100;
    int connections = 10_000;
    /** Clients of the storm scenario, and how many handshake at once. */
    int stormClients = 5_000;
    int stormConcurrency = 100;
    /** Interval between the flood's WELCOME probes. */
    long probeIntervalNs = 100_000_000L;
    int payloadSize = 32;
    int topics = 100;
    /** Messages in flight (sent, not yet delivered to every subscriber) before a windowed sender waits. */
    int window = 1_000;
    /**
     * The same for the fan-out scenario, in published messages (each is N deliveries): smaller, since by Little's
     * law latency = deliveries in flight ÷ delivery rate, and N × 1 000 in flight would measure only the queue.
     */
    int fanoutWindow = 100;
    /** Fixed rate of the latency scenario, msgs/s. */
    double latencyRate = 10_000;
    /** Fixed rate of the fan-out scenario, msgs/s; 0 = as fast as the window allows. */
    double fanoutRate = 0;
    long spinNs = 0;
    PrintStream progress = System.out;

    public LoadSettings warmupMs(final long ms)
    {
        warmupNs = ms * 1_000_000L;
        return this;
    }

    public LoadSettings durationMs(final long ms)
    {
        durationNs = ms * 1_000_000L;
        return this;
    }

    public LoadSettings publishers(final int n)
    {
        publishers = positive("publishers", n);
        return this;
    }

    public LoadSettings subscribers(final int n)
    {
        subscribers = positive("subscribers", n);
        return this;
    }

    public LoadSettings connections(final int n)
    {
        connections = positive("connections", n);
        return this;
    }

    public LoadSettings storm(final int clients, final int concurrency)
    {
        this.stormClients = positive("storm clients", clients);
        this.stormConcurrency = positive("storm concurrency", concurrency);
        return this;
    }

    public LoadSettings probeIntervalMs(final long ms)
    {
        this.probeIntervalNs = ms * 1_000_000L;
        return this;
    }

    public LoadSettings payloadSize(final int bytes)
    {
        if (bytes < Payload.MIN_SIZE)
        {
            throw new IllegalArgumentException("payload size must be >= " + Payload.MIN_SIZE + ": " + bytes);
        }
        payloadSize = bytes;
        return this;
    }

    public LoadSettings topics(final int n)
    {
        topics = positive("topics", n);
        return this;
    }

    public LoadSettings window(final int n)
    {
        window = positive("window", n);
        return this;
    }

    public LoadSettings fanoutWindow(final int n)
    {
        fanoutWindow = positive("fan-out window", n);
        return this;
    }

    public LoadSettings latencyRate(final double rate)
    {
        if (!(rate > 0))
        {
            throw new IllegalArgumentException("latency rate must be > 0: " + rate);
        }
        latencyRate = rate;
        return this;
    }

    public LoadSettings fanoutRate(final double rate)
    {
        if (rate < 0)
        {
            throw new IllegalArgumentException("fan-out rate must be >= 0: " + rate);
        }
        fanoutRate = rate;
        return this;
    }

    public LoadSettings spinNs(final long ns)
    {
        if (ns < 0)
        {
            throw new IllegalArgumentException("spin must be >= 0: " + ns);
        }
        spinNs = ns;
        return this;
    }

    public LoadSettings progress(final PrintStream out)
    {
        progress = out;
        return this;
    }

    public int payloadSize()
    {
        return payloadSize;
    }

    public int topics()
    {
        return topics;
    }

    private static int positive(final String what, final int n)
    {
        if (n <= 0)
        {
            throw new IllegalArgumentException(what + " must be > 0: " + n);
        }
        return n;
    }
}
