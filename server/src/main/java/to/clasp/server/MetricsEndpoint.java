package to.clasp.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.aeron.AeronCounters;
import io.netty.handler.codec.http.HttpHeaderNames;
import to.clasp.core.AuthMetrics;
import to.clasp.core.BackPressureMetrics;
import to.clasp.core.CoreWatchdog;
import to.clasp.core.Router;
import to.clasp.core.RouterMetrics;
import to.clasp.transport.ws.WebSocketEdge;
import to.clasp.transport.aeron.AeronEdge;
import to.clasp.transport.http.HttpAnswer;
import to.clasp.transport.http.HttpEndpointServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.IntToLongFunction;
import java.util.function.ToLongFunction;

/**
 * Prometheus text exposition at {@code /metrics}. Nothing is copied or counted twice: every metric is a callback
 * (or a collector) that reads the core's {@link RouterMetrics} at scrape time, so the core's hot path pays nothing
 * for being observed. The metric names are listed in docs/operations.md. Served by an {@link HttpEndpointServer}
 * (request timeout, connection limit) on a thread that never runs the core; the format follows the scraper's
 * {@code Accept} header (Prometheus text by default, OpenMetrics on request).
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

    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final HttpEndpointServer server;

    /**
     * @param registry every metric to export (see {@link #register}, {@link #registerAeron} and
     *                 {@code DurableMetrics.register}).
     */
    MetricsEndpoint(final HttpEndpointServer.Context http, final PrometheusRegistry registry)
    {
        server = HttpEndpointServer.builder(http)
            .get("/metrics", HttpEndpointServer.Route.of(request ->
                scrape(registry, request.headers().get(HttpHeaderNames.ACCEPT))))
            .start();
    }

    private static HttpAnswer scrape(final PrometheusRegistry registry, final String accept)
    {
        final ExpositionFormatWriter writer = FORMATS.findWriter(accept);
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try
        {
            writer.write(out, registry.scrape());
        }
        catch (final IOException ex)
        {
            return HttpAnswer.text(500, "scrape failed: " + ex.getMessage());
        }
        return new HttpAnswer(200, writer.getContentType(), out.toByteArray());
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

    /**
     * Token auth's metrics (#13): refusals by ERROR code, HELLOs turned away while too many tokens waited for
     * verification, sessions closed when their token was revoked or expired, auth log lines left out by the rate
     * limit, and open sessions by token source ({@code static}, {@code cpsk}, {@code capability}, {@code open}).
     *
     * @return the registry.
     */
    static PrometheusRegistry registerAuth(final PrometheusRegistry registry, final AuthMetrics auth)
    {
        CounterWithCallback.builder().name("clasp_auth_failures")
            .help("Refused by token auth: 300 missing/unknown/invalid token, 301 forbidden by scope, 302 expired.")
            .labelNames("code")
            .callback(cb ->
            {
                for (final int code : AuthMetrics.CODES)
                {
                    cb.call(auth.failures(code), Integer.toString(code));
                }
            })
            .register(registry);
        simpleCounter(registry, "clasp_auth_busy_refusals", "HELLOs refused (ERROR 503) because too many tokens " +
            "were waiting for verification.", auth::busyRefusals);
        simpleCounter(registry, "clasp_auth_invalidated_sessions", "Open sessions closed because their token was " +
            "revoked, removed from the tokens file or expired.", auth::invalidatedSessions);
        simpleCounter(registry, "clasp_auth_log_lines_suppressed", "Auth failure log lines left out by the rate " +
            "limit (at most 10 per second are written).", auth::suppressedLogLines);
        GaugeWithCallback.builder().name("clasp_sessions_by_token_source")
            .help("Open sessions by the source of their token (open = auth off).")
            .labelNames("source")
            .callback(cb ->
            {
                final java.util.List<String> names = auth.sourceNames();
                for (int i = 0; i < names.size(); i++)
                {
                    cb.call(auth.sessions(i), names.get(i));
                }
            })
            .register(registry);
        return registry;
    }

    private static void aeronCounter(
        final PrometheusRegistry registry, final AeronEdge edge, final String name, final String help, final int id)
    {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(edge.driverCounter(id)))
            .register(registry);
    }

    int port()
    {
        return server.port();
    }

    /** {@code https} with {@code --tls-cert/--tls-key}, {@code http} otherwise. */
    String scheme()
    {
        return server.scheme();
    }

    /**
     * Register every metric of the router and of its WebSocket edge (overload, admission, liveness) with
     * {@code registry}.
     *
     * @return the registry.
     */
    static PrometheusRegistry register(final PrometheusRegistry registry, final Router router, final WebSocketEdge edge)
    {
        register(registry, router.metrics());
        registerAuth(registry, router.authMetrics());
        final BackPressureMetrics bp = router.backPressure();
        simpleCounter(registry, "clasp_inbound_back_pressured", "Frames the core's ring refused for a while " +
            "(the edge kept them and stopped reading).", bp::backPressured);
        simpleCounter(registry, "clasp_inbound_inline_cycles", "Core duty cycles the hosting thread ran inside an " +
            "offer because the ring was full.", bp::inlineCycles);
        simpleCounter(registry, "clasp_inbound_control_lane", "Connections' first control frames (HELLO, " +
            "SUBSCRIBE, UNSUBSCRIBE, PING) handed to the core ahead of the ring's data.", bp::controlLane);
        simpleCounter(registry, "clasp_inbound_producer_waits", "Frames an edge thread waited for ring room for " +
            "(InboundPort.onFrame); the WebSocket, MQTT and OSC edges never wait.", bp::producerWaits);
        simpleCounter(registry, "clasp_inbound_producer_timeouts", "Frames refused after a producer waited the " +
            "whole producer wait timeout for ring room.", bp::producerTimeouts);
        final CoreWatchdog watchdog = router.watchdog();
        simpleCounter(registry, "clasp_core_stalls", "Stalls of the core's duty cycle seen by the watchdog.",
            watchdog::stalls);
        GaugeWithCallback.builder().name("clasp_core_stalled")
            .help("1 while the watchdog reports the core stalled (then /healthz answers 503), else 0.")
            .callback(cb -> cb.call(null == watchdog.stallReason() ? 0 : 1)).register(registry);
        if (null != edge)
        {
            GaugeWithCallback.builder().name("clasp_ws_connections")
                .help("TCP connections open on the WebSocket port (upgraded or not).")
                .callback(cb -> cb.call(edge.openConnections())).register(registry);
            simpleCounter(registry, "clasp_ws_upgrade_timeouts", "Connections closed for not completing the " +
                "WebSocket upgrade in time.", edge::upgradeTimeouts);
            CounterWithCallback.builder().name("clasp_ws_refused_connections")
                .help("Connections closed on accept, by the limit that refused them.")
                .labelNames("limit")
                .callback(cb ->
                {
                    cb.call(edge.perAddressRefusals(), "per_ip");
                    cb.call(edge.connectionLimitRefusals(), "total");
                })
                .register(registry);
            simpleCounter(registry, "clasp_ws_accept_failures", "accept() failures (e.g. out of file " +
                "descriptors); each pauses accepting briefly.", edge::acceptFailures);
        }
        return registry;
    }

    private static void simpleCounter(final PrometheusRegistry registry, final String name, final String help,
        final java.util.function.LongSupplier read)
    {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.getAsLong()))
            .register(registry);
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
        registry.register(() -> batchMeanServiceTime(m));
        counter(registry, "clasp_query_results_truncated", "RESULT replies cut at one frame (65 535 bytes).", m,
            RouterMetrics::queryResultsTruncated);
        counter(registry, "clasp_refused_writes", "SET, PUBLISH and BUNDLE requests refused (any QoS; at QoS 0 at " +
            "most one ERROR per second per session reports them).", m, RouterMetrics::refusedWrites);
        gauge(registry, "clasp_outbound_queued_bytes", "Bytes queued for all sessions together (sampled every " +
            "10 ms while anything is queued).", m, RouterMetrics::outboundQueuedBytes);
        counter(registry, "clasp_outbound_memory_disconnects", "Slow consumers cut because outbound memory passed " +
            "--max-outbound-memory (largest first).", m, RouterMetrics::outboundMemoryDisconnects);
        counter(registry, "clasp_snapshots_paced", "Times a session's snapshot output waited for its byte budget " +
            "(--snapshot-rate).", m, RouterMetrics::snapshotsPaced);
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

    private static MetricSnapshot batchMeanServiceTime(final RouterMetrics m)
    {
        return histogram("clasp_core_batch_mean_service_seconds",
            "Core processing time per inbound event as the mean of its batch (the batch's time divided by its events).",
            RouterMetrics.latencyBucketCount(), RouterMetrics::latencyBucketUpperBoundNs,
            m::batchMeanServiceTimeBucket, 1e-9, m.batchMeanServiceTimeTotalNs());
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

    /**
     * A counter with one label: one sample per value, labelled {@code label(value)}, read at scrape time.
     *
     * @param values the label's values, in exposition order.
     */
    static <T> void labelledCounter(
        final PrometheusRegistry registry,
        final String name,
        final String help,
        final String labelName,
        final java.util.List<T> values,
        final java.util.function.Function<T, String> label,
        final ToLongFunction<T> read)
    {
        CounterWithCallback.builder().name(name).help(help).labelNames(labelName).callback(cb ->
        {
            for (final T value : values)
            {
                cb.call(read.applyAsLong(value), label.apply(value));
            }
        }).register(registry);
    }

    public void close()
    {
        server.close();
    }
}
