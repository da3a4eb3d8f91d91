package to.clasp.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import to.clasp.transport.mqtt.MqttMetrics;
import to.clasp.transport.osc.OscMetrics;

/**
 * The MQTT and OSC edges' metrics ({@code clasp_mqtt_*}, {@code clasp_osc_*}, listed in docs/operations.md), read at
 * scrape time from the edges' counters like every other metric.
 */
final class AdapterMetrics
{
    private AdapterMetrics()
    {
    }

    /** @param mqtt the MQTT edge's counters (broker and bridges), or null when neither runs. */
    static PrometheusRegistry registerMqtt(final PrometheusRegistry registry, final MqttMetrics mqtt)
    {
        if (mqtt == null)
        {
            return registry;
        }
        MetricsEndpoint.gauge(registry, "clasp_mqtt_connections", "Open MQTT network connections.",
            mqtt, MqttMetrics::connections);
        MetricsEndpoint.gauge(registry, "clasp_mqtt_sessions",
            "MQTT sessions held, connected or waiting for their client.", mqtt, MqttMetrics::sessions);
        MetricsEndpoint.counter(registry, "clasp_mqtt_connects_accepted", "CONNECTs accepted.",
            mqtt, MqttMetrics::connectsAccepted);
        CounterWithCallback.builder().name("clasp_mqtt_connects_refused")
            .help("CONNECTs refused, by reason (the CONNACK reason).").labelNames("reason")
            .callback(cb ->
            {
                for (final MqttMetrics.Refusal r : MqttMetrics.Refusal.values())
                {
                    cb.call(mqtt.refusals(r), r.label());
                }
            }).register(registry);
        CounterWithCallback.builder().name("clasp_mqtt_disconnects")
            .help("MQTT connections ended, by reason.").labelNames("reason")
            .callback(cb ->
            {
                for (final MqttMetrics.Disconnect d : MqttMetrics.Disconnect.values())
                {
                    cb.call(mqtt.disconnects(d), d.label());
                }
            }).register(registry);
        CounterWithCallback.builder().name("clasp_mqtt_publishes_rejected")
            .help("PUBLISHes from MQTT clients not applied, by reason.").labelNames("reason")
            .callback(cb ->
            {
                for (final MqttMetrics.Rejection r : MqttMetrics.Rejection.values())
                {
                    cb.call(mqtt.rejections(r), r.label());
                }
            }).register(registry);
        CounterWithCallback.builder().name("clasp_mqtt_publishes_in").help("PUBLISHes from MQTT clients, by QoS.")
            .labelNames("qos").callback(cb ->
            {
                for (int q = 0; q <= 2; q++)
                {
                    cb.call(mqtt.publishesIn(q), Integer.toString(q));
                }
            }).register(registry);
        CounterWithCallback.builder().name("clasp_mqtt_publishes_out").help("PUBLISHes sent to MQTT clients, by QoS.")
            .labelNames("qos").callback(cb ->
            {
                for (int q = 0; q <= 2; q++)
                {
                    cb.call(mqtt.publishesOut(q), Integer.toString(q));
                }
            }).register(registry);
        MetricsEndpoint.counter(registry, "clasp_mqtt_wills_published", "Will messages published.",
            mqtt, MqttMetrics::willsPublished);
        MetricsEndpoint.counter(registry, "clasp_mqtt_subscriptions_refused", "Topic filters refused in SUBACK.",
            mqtt, MqttMetrics::subscriptionsRefused);
        MetricsEndpoint.counter(registry, "clasp_mqtt_bridge_messages_in",
            "Messages the bridges took from their brokers.", mqtt, MqttMetrics::bridgeMessagesIn);
        MetricsEndpoint.counter(registry, "clasp_mqtt_bridge_messages_out",
            "Messages the bridges sent to their brokers.", mqtt, MqttMetrics::bridgeMessagesOut);
        MetricsEndpoint.counter(registry, "clasp_mqtt_bridge_connects",
            "Bridge connections established (first and reconnects).", mqtt, MqttMetrics::bridgeConnects);
        return registry;
    }

    /** @param osc the OSC edge's counters, or null when it is off. */
    static PrometheusRegistry registerOsc(final PrometheusRegistry registry, final OscMetrics osc)
    {
        if (osc == null)
        {
            return registry;
        }
        MetricsEndpoint.counter(registry, "clasp_osc_datagrams_in", "OSC datagrams read.",
            osc, OscMetrics::datagramsIn);
        MetricsEndpoint.counter(registry, "clasp_osc_messages_in", "OSC messages turned into writes.",
            osc, OscMetrics::messagesIn);
        MetricsEndpoint.counter(registry, "clasp_osc_bundles_in", "OSC bundles received (nested ones included).",
            osc, OscMetrics::bundlesIn);
        MetricsEndpoint.counter(registry, "clasp_osc_malformed", "Datagrams dropped as not valid OSC.",
            osc, OscMetrics::malformed);
        MetricsEndpoint.counter(registry, "clasp_osc_too_large", "Datagrams dropped as too large for one CLASP frame.",
            osc, OscMetrics::tooLarge);
        MetricsEndpoint.counter(registry, "clasp_osc_refused", "Translated writes the router refused.",
            osc, OscMetrics::refused);
        MetricsEndpoint.counter(registry, "clasp_osc_router_errors", "ERRORs the router answered OSC writes with.",
            osc, OscMetrics::routerErrors);
        MetricsEndpoint.counter(registry, "clasp_osc_messages_out", "OSC messages sent to --osc-send targets.",
            osc, OscMetrics::messagesOut);
        MetricsEndpoint.counter(registry, "clasp_osc_datagrams_out", "Datagrams sent to --osc-send targets.",
            osc, OscMetrics::datagramsOut);
        MetricsEndpoint.counter(registry, "clasp_osc_send_dropped", "Outbound OSC messages not sent.",
            osc, OscMetrics::sendDropped);
        GaugeWithCallback.builder().name("clasp_osc_kernel_drops")
            .help("Datagrams the kernel dropped on the OSC socket (receive buffer full); -1 if unknown.")
            .callback(cb -> cb.call(osc.kernelDrops())).register(registry);
        return registry;
    }
}
