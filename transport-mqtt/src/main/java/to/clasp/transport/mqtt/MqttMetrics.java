package to.clasp.transport.mqtt;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The MQTT edge's counters. One writer (the edge's event loop) increments with ordered writes; any thread reads
 * (the metrics scrape). Exported as {@code clasp_mqtt_*} (docs/operations.md).
 */
public final class MqttMetrics
{
    /** Why a CONNECT was refused (the CONNACK reason). */
    public enum Refusal
    {
        NOT_AUTHORIZED("not_authorized"),
        SERVER_BUSY("server_busy"),
        CLIENT_ID_REJECTED("client_id_rejected"),
        UNSUPPORTED_PROTOCOL_VERSION("unsupported_protocol_version"),
        BAD_AUTHENTICATION_METHOD("bad_authentication_method"),
        INVALID_WILL("invalid_will"),
        SERVER_UNAVAILABLE("server_unavailable");

        private final String label;

        Refusal(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    /** Why a connection ended. */
    public enum Disconnect
    {
        CLIENT("client"),
        CLIENT_GONE("connection_lost"),
        KEEP_ALIVE_TIMEOUT("keep_alive_timeout"),
        CONNECT_TIMEOUT("connect_timeout"),
        MALFORMED_PACKET("malformed_packet"),
        PACKET_TOO_LARGE("packet_too_large"),
        PROTOCOL_ERROR("protocol_error"),
        RECEIVE_MAXIMUM_EXCEEDED("receive_maximum_exceeded"),
        SLOW_CONSUMER("slow_consumer"),
        SESSION_TAKEN_OVER("session_taken_over"),
        SHUTDOWN("shutdown"),
        ROUTER_CLOSED("router_closed"),
        REFUSED("connect_refused");

        private final String label;

        Disconnect(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    /** Why an inbound PUBLISH was not applied. */
    public enum Rejection
    {
        NOT_AUTHORIZED("not_authorized"),
        INVALID_TOPIC("invalid_topic"),
        TOO_LARGE("too_large"),
        RATE_LIMITED("rate_limited"),
        REFUSED_BY_ROUTER("refused");

        private final String label;

        Rejection(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    private static final int CONNECTIONS = 0;
    private static final int SESSIONS = 1;
    private static final int CONNECTS_ACCEPTED = 2;
    private static final int WILLS = 3;
    private static final int SUBSCRIPTIONS_REFUSED = 4;
    private static final int IN_QOS = 5;                              // 3 slots
    private static final int OUT_QOS = IN_QOS + 3;                    // 3 slots
    private static final int REFUSALS = OUT_QOS + 3;
    private static final int DISCONNECTS = REFUSALS + Refusal.values().length;
    private static final int REJECTIONS = DISCONNECTS + Disconnect.values().length;
    private static final int BRIDGE_IN = REJECTIONS + Rejection.values().length;
    private static final int BRIDGE_OUT = BRIDGE_IN + 1;
    private static final int BRIDGE_CONNECTS = BRIDGE_OUT + 1;
    private static final int SIZE = BRIDGE_CONNECTS + 1;

    private final AtomicLongArray values = new AtomicLongArray(SIZE);

    private void add(final int i, final long delta)
    {
        values.lazySet(i, values.get(i) + delta);
    }

    void connectionOpened()
    {
        add(CONNECTIONS, 1);
    }

    void connectionClosed()
    {
        add(CONNECTIONS, -1);
    }

    void sessions(final int count)
    {
        values.lazySet(SESSIONS, count);
    }

    void connectAccepted()
    {
        add(CONNECTS_ACCEPTED, 1);
    }

    void refused(final Refusal reason)
    {
        add(REFUSALS + reason.ordinal(), 1);
    }

    void disconnected(final Disconnect reason)
    {
        add(DISCONNECTS + reason.ordinal(), 1);
    }

    void rejected(final Rejection reason)
    {
        add(REJECTIONS + reason.ordinal(), 1);
    }

    void willPublished()
    {
        add(WILLS, 1);
    }

    void subscriptionRefused()
    {
        add(SUBSCRIPTIONS_REFUSED, 1);
    }

    void publishIn(final int qos)
    {
        add(IN_QOS + qos, 1);
    }

    void publishOut(final int qos)
    {
        add(OUT_QOS + qos, 1);
    }

    void bridgeIn()
    {
        add(BRIDGE_IN, 1);
    }

    void bridgeOut()
    {
        add(BRIDGE_OUT, 1);
    }

    void bridgeConnected()
    {
        add(BRIDGE_CONNECTS, 1);
    }

    /** @return open MQTT network connections. */
    public long connections()
    {
        return values.get(CONNECTIONS);
    }

    /** @return MQTT sessions held, connected or not (persistent sessions outlive their connection). */
    public long sessions()
    {
        return values.get(SESSIONS);
    }

    public long connectsAccepted()
    {
        return values.get(CONNECTS_ACCEPTED);
    }

    public long refusals(final Refusal reason)
    {
        return values.get(REFUSALS + reason.ordinal());
    }

    public long disconnects(final Disconnect reason)
    {
        return values.get(DISCONNECTS + reason.ordinal());
    }

    public long rejections(final Rejection reason)
    {
        return values.get(REJECTIONS + reason.ordinal());
    }

    public long willsPublished()
    {
        return values.get(WILLS);
    }

    public long subscriptionsRefused()
    {
        return values.get(SUBSCRIPTIONS_REFUSED);
    }

    /** @return PUBLISH packets received from MQTT clients at this QoS (0..2). */
    public long publishesIn(final int qos)
    {
        return values.get(IN_QOS + qos);
    }

    /** @return PUBLISH packets sent to MQTT clients at this QoS (0..2). */
    public long publishesOut(final int qos)
    {
        return values.get(OUT_QOS + qos);
    }

    /** @return messages the bridges took from their brokers into the router. */
    public long bridgeMessagesIn()
    {
        return values.get(BRIDGE_IN);
    }

    /** @return messages the bridges sent to their brokers. */
    public long bridgeMessagesOut()
    {
        return values.get(BRIDGE_OUT);
    }

    /** @return successful bridge connections (first and every reconnect). */
    public long bridgeConnects()
    {
        return values.get(BRIDGE_CONNECTS);
    }
}
