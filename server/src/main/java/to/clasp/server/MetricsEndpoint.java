package to.clasp.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.aeron.AeronCounters;
import to.clasp.core.RouterMetrics;
import to.clasp.transport.aeron.AeronEdge;

import java.io.IOException;
import java.util.function.IntToLongFunction;
import java.util.function.ToLongFunction;

/**
 * Prometheus text exposition at {@code /metrics}. Nothing is copied or counted twice: every metric is a callback
 * (or a collector) that reads the core's {@link RouterMetrics} at scrape time, so the core's hot path pays nothing
 * for being observed. The metric names are listed in docs/operations.md.
 */
final class MetricsEndpoint implements AutoCloseable
{
    /** Names for the message type codes (wire-protocol.md §5.1), used as the {@code type} label. */
    private static final String[] TYPE_NAMES = new String[128];

    static
    {
        TYPE_NAMES[0x01] = "HELLO";
        TYPE_NAMES[0x02] = "WELCOME";
        TYPE_NAMES[0x03] = "ANNOUNCE";
        TYPE_NAMES[0x04] = "FEDERATION_SYNC";
        TYPE_NAMES[0x10] = "SUBSCRIBE";
        TYPE_NAMES[0x11] = "UNSUBSCRIBE";
        TYPE_NAMES[0x20] = "PUBLISH";
        TYPE_NAMES[0x21] = "SET";
        TYPE_NAMES[0x22] = "GET";
        TYPE_NAMES[0x23] = "SNAPSHOT";
        TYPE_NAMES[0x24] = "REPLAY";
        TYPE_NAMES[0x30] = "BUNDLE";
        TYPE_NAMES[0x40] = "SYNC";
        TYPE_NAMES[0x41] = "PING";
        TYPE_NAMES[0x42] = "PONG";
        TYPE_NAMES[0x50] = "ACK";
        TYPE_NAMES[0x51] = "ERROR";
        TYPE_NAMES[0x60] = "QUERY";
        TYPE_NAMES[0x61] = "RESULT";
    }

    private final HTTPServer server;

    MetricsEndpoint(final String host, final int port, final RouterMetrics metrics) throws IOException
    {
        this(host, port, register(new PrometheusRegistry(), metrics));
    }

    /**
     * @param aeron the Aeron edge whose sessions and media-driver counters are exported too, or null.
     */
    MetricsEndpoint(final String host, final int port, final RouterMetrics metrics, final AeronEdge aeron)
        throws IOException
    {
        this(host, port, registerAeron(register(new PrometheusRegistry(), metrics), aeron));
    }

    /**
     * @param aeron   the Aeron edge whose sessions and media-driver counters are exported too, or null.
     * @param durable the durable state ({@code --data-dir}) whose journal and snapshot metrics are exported, or null.
     */
    MetricsEndpoint(final String host, final int port, final RouterMetrics metrics, final AeronEdge aeron,
        final to.clasp.journal.DurableState durable) throws IOException
    {
        this(host, port, DurableMetrics.register(registerAeron(register(new PrometheusRegistry(), metrics), aeron),
            durable));
    }

    /**
     * Register the Aeron edge's metrics (read at scrape time; nothing is counted on the edge's thread).
     *
     * @return the registry.
     */
    static PrometheusRegistry registerAeron(final PrometheusRegistry registry, final AeronEdge edge)
    {
        if (null == edge)
        {
            return registry;
        }
        GaugeWithCallback.builder().name("clasp_aeron_sessions")
            .help("Aeron sessions connecting or open at the edge.")
            .callback(cb -> cb.call(edge.openConnections())).register(registry);
        aeronCounter(registry, edge, "clasp_aeron_naks_sent", "NAKs the media driver sent (loss it asked to repair).",
            AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_SENT);
        aeronCounter(registry, edge, "clasp_aeron_naks_received", "NAKs the media driver received from clients.",
            AeronCounters.SYSTEM_COUNTER_ID_NAK_MESSAGES_RECEIVED);
        aeronCounter(registry, edge, "clasp_aeron_retransmits_sent", "Retransmissions the media driver sent.",
            AeronCounters.SYSTEM_COUNTER_ID_RETRANSMITS_SENT);
        aeronCounter(registry, edge, "clasp_aeron_bytes_sent", "UDP payload bytes the media driver sent.",
            AeronCounters.SYSTEM_COUNTER_ID_BYTES_SENT);
        aeronCounter(registry, edge, "clasp_aeron_bytes_received", "UDP payload bytes the media driver received.",
            AeronCounters.SYSTEM_COUNTER_ID_BYTES_RECEIVED);
        aeronCounter(registry, edge, "clasp_aeron_driver_errors", "Errors the media driver recorded.",
            AeronCounters.SYSTEM_COUNTER_ID_ERRORS);
        return registry;
    }

    private static void aeronCounter(
        final PrometheusRegistry registry, final AeronEdge edge, final String name, final String help, final int id)
    {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(edge.driverCounter(id)))
            .register(registry);
    }

    private MetricsEndpoint(final String host, final int port, final PrometheusRegistry registry) throws IOException
    {
        server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
    }

    int port()
    {
        return server.getPort();
    }

    /**
     * Register every router metric with {@code registry}.
     *
     * @return the registry.
     */
    static PrometheusRegistry register(final PrometheusRegistry registry, final RouterMetrics m)
    {
        gauge(registry, "clasp_sessions", "Open (handshaken) sessions.", m, RouterMetrics::sessions);
        gauge(registry, "clasp_connections", "Connections known to the core, including ones in the handshake.", m,
            RouterMetrics::connections);
        gauge(registry, "clasp_subscriptions", "Live subscriptions.", m, RouterMetrics::subscriptions);
        gauge(registry, "clasp_params", "Stored params.", m, RouterMetrics::params);

        counter(registry, "clasp_sessions_opened", "Sessions that completed the handshake.", m,
            RouterMetrics::sessionsOpened);
        counter(registry, "clasp_sessions_closed", "Sessions removed.", m, RouterMetrics::sessionsClosed);
        counter(registry, "clasp_decode_errors", "Inbound frames that failed to decode.", m,
            RouterMetrics::decodeErrors);
        counter(registry, "clasp_dropped_messages", "Outbound messages not delivered (slow consumers, limits).", m,
            RouterMetrics::droppedMessages);
        counter(registry, "clasp_conflated_messages", "Param updates replaced by a newer value before delivery.", m,
            RouterMetrics::conflatedMessages);
        counter(registry, "clasp_slow_consumer_disconnects", "Sessions closed for exceeding the outbound limit.", m,
            RouterMetrics::slowConsumerDisconnects);
        counter(registry, "clasp_hello_timeouts", "Connections closed for not sending HELLO in time.", m,
            RouterMetrics::helloTimeouts);
        counter(registry, "clasp_idle_closes", "Sessions closed by the idle timeout.", m, RouterMetrics::idleCloses);
        counter(registry, "clasp_rate_limited", "Inbound frames dropped by the per-session rate limit.", m,
            RouterMetrics::rateLimited);
        counter(registry, "clasp_frames_out", "Frames queued to sessions.", m, RouterMetrics::framesOut);
        counter(registry, "clasp_bytes_out", "Bytes queued to sessions.", m, RouterMetrics::bytesOut);
        counter(registry, "clasp_expired_params", "Params removed by TTL expiry.", m, RouterMetrics::expiredParams);

        CounterWithCallback.builder()
            .name("clasp_messages_in")
            .help("Inbound messages decoded, by message type (bundle items counted under their own type too).")
            .labelNames("type")
            .callback(cb ->
            {
                for (int type = 0; type < TYPE_NAMES.length; type++)
                {
                    if (TYPE_NAMES[type] != null)
                    {
                        cb.call(m.messagesIn(type), TYPE_NAMES[type]);
                    }
                }
            })
            .register(registry);

        CounterWithCallback.builder()
            .name("clasp_errors")
            .help("ERROR messages sent to clients, by CLASP error code.")
            .labelNames("code")
            .callback(cb ->
            {
                for (int i = 0; i < RouterMetrics.errorCodeCount(); i++)
                {
                    final int code = RouterMetrics.errorCodeAt(i);
                    cb.call(m.errors(code), Integer.toString(code));
                }
            })
            .register(registry);

        registry.register(() -> fanOut(m));
        registry.register(() -> ringWait(m));
        registry.register(() -> serviceTime(m));
        counter(registry, "clasp_query_results_truncated", "RESULT replies cut at one frame (65 535 bytes).", m,
            RouterMetrics::queryResultsTruncated);
        return registry;
    }

    /**
     * Recipients per broadcast (SET/PUBLISH) as a classic histogram built from the core's buckets at scrape time.
     */
    private static MetricSnapshot fanOut(final RouterMetrics m)
    {
        return histogram("clasp_fanout", "Recipients per broadcast SET or PUBLISH.",
            RouterMetrics.fanOutBucketCount(), RouterMetrics::fanOutBucketUpperBound, m::fanOutBucket, 1.0, -1);
    }

    /**
     * Per-stage latency (router-behaviour.md §8), in seconds as Prometheus expects; the core keeps log2 buckets of
     * nanoseconds, so the bounds are 2^i - 1 ns.
     */
    private static MetricSnapshot ringWait(final RouterMetrics m)
    {
        return histogram("clasp_ring_wait_seconds",
            "Time from the edge receiving a frame to the core starting the batch that handles it.",
            RouterMetrics.latencyBucketCount(), RouterMetrics::latencyBucketUpperBoundNs, m::ringWaitBucket,
            1e-9, m.ringWaitTotalNs());
    }

    private static MetricSnapshot serviceTime(final RouterMetrics m)
    {
        return histogram("clasp_core_service_seconds",
            "Core processing time per inbound event (its batch's time divided by the batch's events).",
            RouterMetrics.latencyBucketCount(), RouterMetrics::latencyBucketUpperBoundNs, m::serviceTimeBucket,
            1e-9, m.serviceTimeTotalNs());
    }

    /**
     * A classic histogram from the core's non-cumulative buckets.
     *
     * @param scale multiplies bucket bounds and the sum (ns to s for latencies).
     * @param sum   total of all observations in the core's unit, or negative when the core keeps none.
     */
    static MetricSnapshot histogram(
        final String name,
        final String help,
        final int n,
        final IntToLongFunction upperBound,
        final IntToLongFunction bucket,
        final double scale,
        final long sum)
    {
        final double[] bounds = new double[n];
        final long[] counts = new long[n];
        for (int i = 0; i < n; i++)
        {
            final long bound = upperBound.applyAsLong(i);
            bounds[i] = bound == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : bound * scale;
            counts[i] = bucket.applyAsLong(i);
        }
        final HistogramSnapshot.HistogramDataPointSnapshot.Builder point =
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts));
        if (sum >= 0)
        {
            point.sum(sum * scale);
        }
        return HistogramSnapshot.builder().name(name).help(help).dataPoint(point.build()).build();
    }

    static <M> void gauge(
        final PrometheusRegistry registry,
        final String name,
        final String help,
        final M m,
        final ToLongFunction<M> read)
    {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.applyAsLong(m)))
            .register(registry);
    }

    static <M> void counter(
        final PrometheusRegistry registry,
        final String name,
        final String help,
        final M m,
        final ToLongFunction<M> read)
    {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.applyAsLong(m)))
            .register(registry);
    }

    public void close()
    {
        server.close();
    }
}
