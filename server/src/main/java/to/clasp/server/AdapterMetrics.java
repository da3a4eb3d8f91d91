package to.clasp.server;

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
    private static final java.util.List<Integer> QOS_LEVELS = java.util.List.of(0, 1, 2);

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
        MetricsEndpoint.labelledCounter(registry, "clasp_mqtt_connects_refused",
            "CONNECTs refused, by reason (the CONNACK reason).", "reason",
            java.util.List.of(MqttMetrics.Refusal.values()), MqttMetrics.Refusal::label, mqtt::refusals);
        MetricsEndpoint.labelledCounter(registry, "clasp_mqtt_disconnects", "MQTT connections ended, by reason.",
            "reason", java.util.List.of(MqttMetrics.Disconnect.values()), MqttMetrics.Disconnect::label,
            mqtt::disconnects);
        MetricsEndpoint.labelledCounter(registry, "clasp_mqtt_publishes_rejected",
            "PUBLISHes from MQTT clients not applied, by reason.", "reason",
            java.util.List.of(MqttMetrics.Rejection.values()), MqttMetrics.Rejection::label, mqtt::rejections);
        MetricsEndpoint.labelledCounter(registry, "clasp_mqtt_publishes_in", "PUBLISHes from MQTT clients, by QoS.",
            "qos", QOS_LEVELS, String::valueOf, mqtt::publishesIn);
        MetricsEndpoint.labelledCounter(registry, "clasp_mqtt_publishes_out", "PUBLISHes sent to MQTT clients, by QoS.",
            "qos", QOS_LEVELS, String::valueOf, mqtt::publishesOut);
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
