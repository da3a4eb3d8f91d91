package to.clasp.benchmarks.load;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.HdrHistogram.Histogram;

/**
 * What one scenario against one router measured; serialised as-is into the JSON result (public fields, µs for
 * latencies, bytes for memory, per second for rates over the measured window only).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ScenarioResult
{
    public String target;
    public String scenario;
    /** Which round of {@code --rounds} this was (1-based). */
    public int round = 1;
    /** CLASP message kind (set / publish); null for routers with one kind of message. */
    public String kind;
    public int publishers;
    public int subscribers;
    public int connections;
    public int payloadBytes;
    /** Fixed send rate (msgs/s), or null when the sender was limited by its in-flight window. */
    public Double targetRate;
    public Integer window;
    public double measuredSeconds;

    public long sent;
    public long delivered;
    public double sentPerSecond;
    public double deliveredPerSecond;
    /**
     * Over the whole run, after the end-of-run round-trip barrier: sent × subscribers − delivered (conflated or
     * dropped by the router; still queued only when the barrier timed out).
     */
    public long lost;
    /** Why the end-of-run barrier's round trips were not all answered (a connection closed, no answer in time). */
    public String barrierFailure;
    /** Times the windowed sender waited over a second for deliveries and gave up on the missing ones. */
    public long stalls;
    public long errors;

    /** Receive time − intended send time: coordinated omission corrected. */
    public Percentiles latencyFromIntended;
    /** Receive time − actual send time: the router and the network alone. */
    public Percentiles latencyFromSent;
    /** Actual − intended send time: the generator's own lateness. */
    public Percentiles pacingLag;

    /** CPU used during the measured window, % of one core (200 = this whole 2-core machine). */
    public Double routerCpuPercent;
    public Double generatorCpuPercent;
    /**
     * The storm: CPU seconds per 1 000 handshakes (user + system, whole process, over the measured storm), so the
     * router's cost per connection can be told from the generator's on a machine they share.
     */
    public Double routerCpuPerThousand;
    public Double generatorCpuPerThousand;
    /** Of {@link #routerCpuPerThousand}: the router JVM's JIT compiler threads. */
    public Double routerJitCpuPerThousand;
    /** The storm: unmeasured handshakes before it (warm-up time, then until neither JVM's JIT is busy). */
    public Long warmupHandshakes;
    /** Of {@link #routerCpuPerThousand}: the router's WebSocket event loops (which run the core by default). */
    public Double routerEventLoopCpuPerThousand;

    public Long connectOk;
    public Long connectFailed;
    public Double connectSeconds;
    public Long routerPid;
    public Long rssBeforeBytes;
    public Long rssBytes;
    public Double rssPerConnectionBytes;
    /** Sent messages delivered per subscriber, delivered ÷ (sent × subscribers) after draining (0..1). */
    public Double deliveryRatio;
    /** Connect → handshake answer (CLASP WELCOME) of new clients: the storm's clients, or the flood's probe. */
    public Percentiles welcomeLatency;
    /** The storm: start of TCP connect → connect completed, and → the 101 answer to the upgrade (CLASP only). */
    public Percentiles tcpConnectLatency;
    public Percentiles upgradeLatency;
    /** Probe or storm clients whose handshake failed or timed out. */
    public Long welcomeFailures;
    /** The churn scenario: subscribe + unsubscribe pairs per second the churn clients achieved. */
    public Double churnPairsPerSecond;
    /** The replay scenario: journal entries per second the replaying client received, and its completed REPLAYs. */
    public Double replayedPerSecond;
    public Long replays;
    /** Why a run failed, if it did (the table shows it instead of figures). */
    public String failure;

    @JsonIgnore
    public Histogram fromIntended;
    @JsonIgnore
    public Histogram fromSent;

    /** "clasp-ws publish", "nats": the column name in tables and plots. */
    @JsonIgnore
    public String run()
    {
        return kind == null ? target : target + " " + kind;
    }
}
