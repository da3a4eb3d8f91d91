package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.address.Pattern;
import to.clasp.edge.EdgeConnection;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PingEncoder;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.UnsubscribeEncoder;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;
import to.clasp.transport.ws.ByteBufView;
import to.clasp.transport.ws.InboundGate;

/**
 * One MQTT session: a CLASP session of the core (this is its {@link EdgeConnection}) plus the MQTT state that
 * outlives a network connection when the client asked for a persistent session (subscriptions, QoS 1/2 messages in
 * flight both ways, messages queued while the client is away — in the core's outbound queue, under the core's limits).
 * <p>
 * Confined to the edge's event loop, except {@link #outboundReady()} and {@link #close(int, String)}, which the core
 * calls from its thread and which hop onto the loop. Every frame to the core goes through {@link #send}, under the
 * ring's back-pressure contract ({@link InboundGate}): a frame the ring cannot take now is kept, in order with the
 * ones after it, and the client's connection stops reading until the core drained the ring.
 */
final class MqttSession implements EdgeConnection
{
    private static final Logger LOG = LoggerFactory.getLogger(MqttSession.class);

    /** Frames taken from the CLASP queue per drain call (QoS 0 path). */
    private static final int DRAIN_CHUNK = 256;
    /** Frames per drain task before yielding the loop to other connections. */
    private static final int DRAIN_BUDGET = 4096;
    /** Most bytes of deliveries parked at the edge waiting for the in-flight window (the core's default soft limit). */
    private static final int PARK_LIMIT = 256 * 1024;
    /** A batch buffer is written to the channel once it holds this much. */
    private static final int BATCH_BYTES = 64 * 1024;
    private static final MqttProperties NONE = MqttProperties.NO_PROPERTIES;

    private final MqttEdge edge;
    private final MqttMetrics metrics;
    private final TopicMapping mapping;
    private final String clientId;
    private final long expirySeconds;
    private final Subscriptions subscriptions = new Subscriptions();
    private final PendingReplies pending;
    private final IntHashSet awaitingRelease = new IntHashSet();
    /** Packet id → in-flight QoS 1/2 delivery to the client. */
    private final Int2ObjectHashMap<Inflight> inflight = new Int2ObjectHashMap<>();
    private final ArrayDeque<Inflight> inflightOrder = new ArrayDeque<>();
    /** Address hash → own retained writes not yet echoed back (for v5 No Local). */
    private final Long2LongHashMap ownWrites = new Long2LongHashMap(0);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainFromTask;
    private final FrameDecoder decoder = new FrameDecoder();
    private final JsonPayloads payloads = new JsonPayloads();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer address = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final ByteBufView inboundView = new ByteBufView();
    private final UnsafeBuffer parkedView = new UnsafeBuffer(0, 0);
    private final OutboundQueue.FrameHandler onCoreFrame = this::onCoreFrame;

    private final InboundGate.Listener gateListener = new InboundGate.Listener()
    {
        public void readingPaused(final boolean paused)
        {
            final MqttConnection c = connection;
            if (c != null)
            {
                c.ringPaused(paused);
            }
        }

        public void keptFrameRefused()
        {
            // The router is closing (or already ended this session): the core's close follows, or has come.
            final MqttConnection c = connection;
            if (c != null)
            {
                c.disconnect(disconnectReason(1001), MqttMetrics.Disconnect.ROUTER_CLOSED);
            }
        }
    };

    private OutboundQueue queue;
    private InboundGate gate;
    private long connectionId = -1;
    /** WELCOME received: the CLASP session is open. */
    private boolean open;
    /** The CLASP side is gone (the core closed it, or this edge disconnected it). */
    private boolean ended;
    private MqttConnection connection;
    private int nextPacketId = 1;
    /** A SNAPSHOT whose entries did not all fit the in-flight window: a copy, and the next entry to send. */
    /**
     * Deliveries waiting for room in the client's in-flight window (copies, oldest first; a SNAPSHOT with the entry to
     * resume at). They are taken off the core's queue so that the replies behind them (PUBACK verdicts, PINGRESP)
     * still flow while a client holds back its acknowledgements — a client that publishes and waits for PUBACK
     * inside its message callback would otherwise deadlock. Bounded by {@link #PARK_LIMIT}: past it the edge stops
     * taking from the core's queue, and the core's slow-consumer policy applies as usual.
     */
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private int parkedBytes;
    private ByteBuf batch;
    private int lastAddressLength;
    private ScheduledFuture<?> expiryTimer;
    private ScheduledFuture<?> keepAliveTimer;
    private Will delayedWill;
    private ScheduledFuture<?> willTimer;
    /** The CONNECT password this session was opened with (its HELLO token); only the same one resumes it. */
    private byte[] token;
    /** Wall-clock ms when the client went away (kept across a restart); 0 while it is connected. */
    private long awaySinceMs;
    /** Restored from the store: subscriptions to send after WELCOME, and ms left until it expires. */
    private MqttSessionStore.Record restoring;
    private long restoringRemainingMs;

    MqttSession(final MqttEdge edge, final String clientId, final long expirySeconds)
    {
        this.edge = edge;
        this.metrics = edge.metrics();
        this.mapping = edge.mapping();
        this.clientId = clientId;
        this.expirySeconds = expirySeconds;
        this.pending = new PendingReplies(mapping);
    }

    String clientId()
    {
        return clientId;
    }

    boolean isPersistent()
    {
        return expirySeconds > 0;
    }

    boolean isOpen()
    {
        return open && !ended;
    }

    boolean hasEnded()
    {
        return ended;
    }

    MqttConnection connection()
    {
        return connection;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle (edge loop)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Register with the core and send HELLO (name = client id, token = the MQTT password). CONNACK follows the
     * core's WELCOME, or a refusal its ERROR.
     */
    void start(final MqttConnection c, final byte[] token)
    {
        connection = c;
        this.token = token;
        hello(c);
    }

    /**
     * Open a stored persistent session again after a restart: HELLO with its token; after WELCOME its subscriptions
     * are sent again (the params they match come as retained messages when the client is back) and it waits for its
     * client for what is left of its expiry.
     */
    void restore(final MqttSessionStore.Record r, final long remainingMs)
    {
        restoring = r;
        restoringRemainingMs = remainingMs;
        token = r.token;
        awaySinceMs = r.awaySinceMs == 0 ? System.currentTimeMillis() : r.awaySinceMs;
        hello(null);
    }

    /** @return whether this is a restored session the core has not accepted yet. */
    boolean isRestoring()
    {
        return restoring != null && !ended;
    }

    /** A client comes back while its restored session waits for the core: CONNACK (Session Present) follows WELCOME. */
    void attach(final MqttConnection c)
    {
        connection = c;
    }

    /** @return whether a CONNECT with this password may resume the session (the token is who the session is). */
    boolean tokenMatches(final byte[] password)
    {
        if (token == null || password == null)
        {
            return token == null && password == null;
        }
        return java.security.MessageDigest.isEqual(token, password);
    }

    private void hello(final MqttConnection c)
    {
        queue = edge.inboundPort().connect(this);
        connectionId = queue.connectionId();
        gate = new InboundGate(edge.inboundPort(), edge.loop(), gateListener).connectionId(connectionId);
        final byte[] name = HelloEncoder.nameBytes(clientId);
        final int nameLength = name.length;
        final int length = HelloEncoder.encode(frame, 0, Qos.FIRE, 1, HelloEncoder.DEFAULT_FEATURES,
            new UnsafeBuffer(name), 0, nameLength, token == null ? null : new UnsafeBuffer(token), 0,
            token == null ? 0 : token.length);
        if (!send(length))
        {
            if (c != null)
            {
                c.refuse(MqttMetrics.Refusal.SERVER_UNAVAILABLE);
            }
            else
            {
                discard();
            }
        }
    }

    /** Write what a restart needs to restore this session (a persistent one, once the core accepted it). */
    private void persist()
    {
        final MqttSessionStore store = edge.store();
        if (store == null || !isPersistent() || !open || ended)
        {
            return;
        }
        final java.util.List<MqttSessionStore.Subscription> subs = new java.util.ArrayList<>();
        for (final Subscriptions.Subscription s : subscriptions.all())
        {
            subs.add(new MqttSessionStore.Subscription(s.filter, s.qos, s.noLocal, s.retainAsPublished, s.noRetained));
        }
        store.save(new MqttSessionStore.Record(clientId, expirySeconds, awaySinceMs, token, subs));
    }

    /** A new connection resumes this (persistent) session: re-send what is in flight, then deliver the backlog. */
    void resume(final MqttConnection c)
    {
        connection = c;
        awaySinceMs = 0;
        persist();
        cancel(expiryTimer);
        cancel(keepAliveTimer);
        expiryTimer = null;
        keepAliveTimer = null;
        cancelDelayedWill();
        if (gate.isPaused())
        {
            c.ringPaused(true); // the new connection reads once the ring has room for what this session keeps
        }
        for (final Inflight f : inflightOrder)
        {
            if (f.released)
            {
                c.write(pubRel(f.packetId));
            }
            else if (f.packet != null)
            {
                final ByteBuf copy = f.packet.retainedDuplicate();
                copy.setByte(0, copy.getByte(0) | PublishPacket.DUP);
                writeBatch(copy);
            }
        }
        flushBatch();
        scheduleDrain();
    }

    /**
     * The network connection went away. A persistent session waits for its client (expiry timer); any other ends.
     *
     * @param will the will to publish now or after its delay, or null.
     */
    void connectionLost(final MqttConnection c, final Will will)
    {
        if (connection != c)
        {
            return; // taken over already
        }
        connection = null;
        releaseBatch();
        if (ended)
        {
            edge.removeSession(this);
            return;
        }
        if (restoring != null)
        {
            return; // still being restored: it waits for its client as before, from WELCOME on
        }
        if (isPersistent() && open)
        {
            if (will != null && will.delaySeconds > 0)
            {
                delayedWill = will;
                willTimer = edge.loop().schedule(this::publishDelayedWill,
                    Math.min(will.delaySeconds, expirySeconds), TimeUnit.SECONDS);
            }
            else if (will != null)
            {
                publishWill(will);
            }
            awaySinceMs = System.currentTimeMillis();
            persist();
            waitForClient(TimeUnit.SECONDS.toMillis(expirySeconds));
            return;
        }
        if (will != null)
        {
            publishWill(will);
        }
        discard();
    }

    /** The client is away: the session expires after {@code expiryMs} unless it comes back. */
    private void waitForClient(final long expiryMs)
    {
        expiryTimer = edge.loop().schedule(this::expire, expiryMs, TimeUnit.MILLISECONDS);
        final long keepAliveMs = edge.context().offlineKeepAliveMs();
        if (keepAliveMs > 0)
        {
            keepAliveTimer = edge.loop().scheduleAtFixedRate(this::sendKeepAlive, keepAliveMs, keepAliveMs,
                TimeUnit.MILLISECONDS);
        }
    }

    /** The session expired while its client was away. */
    private void expire()
    {
        if (connection == null && !ended)
        {
            publishDelayedWill();
            discard();
        }
    }

    /** End the session: leave the core, forget everything. */
    void discard()
    {
        final MqttSessionStore store = edge.store();
        if (store != null && isPersistent() && edge.session(clientId) == this)
        {
            store.delete(clientId); // a no-op once the router is shutting down (the store is frozen then)
        }
        if (restoring != null)
        {
            restoring = null;
            edge.sessionRestored(false); // refused by the core (its token is no longer valid) or the router closes
        }
        cancel(expiryTimer);
        cancel(keepAliveTimer);
        cancelDelayedWill();
        if (!ended)
        {
            ended = true;
            if (connectionId > 0)
            {
                edge.inboundPort().disconnect(connectionId);
            }
        }
        if (gate != null)
        {
            gate.close();
        }
        pending.clear();
        parked.clear();
        parkedBytes = 0;
        for (final Inflight f : inflightOrder)
        {
            f.release();
        }
        inflight.clear();
        inflightOrder.clear();
        releaseBatch();
        edge.removeSession(this);
    }

    private void sendKeepAlive()
    {
        if (!ended && connection == null)
        {
            send(PongEncoder.encode(frame, 0));
        }
    }

    private static void cancel(final ScheduledFuture<?> timer)
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Will messages
    // ------------------------------------------------------------------------------------------------------------

    /** A will message, as the CONNECT carried it. */
    static final class Will
    {
        final String topic;
        final byte[] payload;
        final boolean retain;
        final long delaySeconds;
        final long expirySeconds;

        Will(final String topic, final byte[] payload, final boolean retain, final long delaySeconds,
            final long expirySeconds)
        {
            this.topic = topic;
            this.payload = payload;
            this.retain = retain;
            this.delaySeconds = delaySeconds;
            this.expirySeconds = expirySeconds;
        }
    }

    /** Publish a will through this session (its scopes apply). Retained → SET, else PUBLISH. */
    void publishWill(final Will will)
    {
        if (ended || !open)
        {
            return;
        }
        final UnsafeBuffer body = new UnsafeBuffer(will.payload);
        final int length = encodePublish(mapping.topicToAddress(will.topic, address, 0), will.retain, Qos.FIRE, body,
            0, will.payload.length, will.expirySeconds);
        if (length > 0 && send(length))
        {
            metrics.willPublished();
        }
    }

    private void publishDelayedWill()
    {
        final Will will = delayedWill;
        cancelDelayedWill();
        if (will != null)
        {
            publishWill(will);
        }
    }

    private void cancelDelayedWill()
    {
        cancel(willTimer);
        willTimer = null;
        delayedWill = null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound: MQTT → CLASP (edge loop)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * @return the CLASP frame length written into {@link #frame}; {@link TopicMapping#INVALID} for a topic that
     * cannot be an address; {@link JsonPayloads#DOES_NOT_FIT} when the message is too large for one CLASP frame.
     */
    /** @param addressLength what the topic mapping wrote into {@link #address}, or its error (negative). */
    private int encodePublish(final int addressLength, final boolean retain, final int qos, final DirectBuffer payload,
        final int payloadOffset, final int payloadLength, final long expirySeconds)
    {
        if (addressLength < 0)
        {
            return TopicMapping.INVALID;
        }
        lastAddressLength = addressLength;
        final int valueLength = payloads.toClasp(payload, payloadOffset, payloadLength, value, 0, value.capacity());
        if (valueLength < 0)
        {
            return JsonPayloads.DOES_NOT_FIT;
        }
        final int length;
        if (retain)
        {
            // MQTT message expiry on a retained message = an absolute CLASP TTL (high bit set).
            final boolean ttl = expirySeconds > 0;
            length = SetEncoder.encode(frame, 0, qos, address, 0, addressLength, value, 0, valueLength,
                ttl ? SetEncoder.TTL : 0, 0, ttl ? 0x8000_0000L | Math.min(expirySeconds, 0x7FFF_FFFFL) : 0);
        }
        else
        {
            length = PublishEncoder.encode(frame, 0, qos, SignalType.EVENT, 0, address, 0, addressLength,
                PublishDecoder.INDICATOR_VALUE, value, 0, valueLength, null, false, 0, false, 0, false, 0);
        }
        return length < 0 ? JsonPayloads.DOES_NOT_FIT : length;
    }

    /**
     * An MQTT PUBLISH from the client.
     *
     * @return false when the client broke the protocol (the caller disconnects it).
     */
    boolean onPublish(final MqttConnection c, final MqttPublishMessage m)
    {
        final ByteBuf payload = m.payload();
        final String topic = m.variableHeader().topicName();
        return onPublish(c, m.fixedHeader().qosLevel().value(), m.fixedHeader().isRetain(), topic,
            mapping.topicToAddress(topic, address, 0), m.variableHeader().packetId(),
            messageExpiry(m.variableHeader().properties()), inboundView.wrap(payload), 0, payload.readableBytes());
    }

    /**
     * A QoS 0 PUBLISH without properties, read where it lies ({@link PublishInPlace}): the same path as
     * {@link #onPublish(MqttConnection, MqttPublishMessage)} with no decoded message.
     */
    void onPublishQos0(final MqttConnection c, final boolean retain, final DirectBuffer topic, final int topicOffset,
        final int topicLength, final DirectBuffer payload, final int offset, final int length)
    {
        onPublish(c, 0, retain, null, mapping.asciiTopicToAddress(topic, topicOffset, topicLength, address, 0), 0, 0,
            payload, offset, length);
    }

    /**
     * @param topic         the topic as decoded, for the replies of QoS 1 and 2; null on the in-place QoS 0 path.
     * @param addressLength the topic's address written into {@link #address}, or the mapping's error (negative).
     */
    private boolean onPublish(final MqttConnection c, final int qos, final boolean retain, final String topic,
        final int addressLength, final int packetId, final long expiry, final DirectBuffer payload,
        final int payloadOffset, final int payloadLength)
    {
        metrics.publishIn(qos);
        if (qos == 2 && awaitingRelease.contains(packetId))
        {
            // A re-sent QoS 2 PUBLISH: applied once already. Answer again once the first answer has gone.
            if (!pending.hasPublish(packetId))
            {
                c.write(pubReply(MqttMessageType.PUBREC, packetId, 0));
            }
            return true;
        }
        if (qos > 0 && pending.publishesWaiting() + awaitingRelease.size() >= edge.context().receiveMaximum() &&
            c.isV5())
        {
            return false; // Receive Maximum exceeded (0x93)
        }
        final int length = encodePublish(addressLength, retain, qos > 0 ? Qos.CONFIRM : Qos.FIRE, payload,
            payloadOffset, payloadLength, expiry);
        int refusal = 0;
        if (length == TopicMapping.INVALID)
        {
            refusal = 200;
            metrics.rejected(MqttMetrics.Rejection.INVALID_TOPIC);
        }
        else if (length < 0)
        {
            refusal = 413;
            metrics.rejected(MqttMetrics.Rejection.TOO_LARGE);
        }
        else if (!send(length))
        {
            refusal = 503;
            metrics.rejected(MqttMetrics.Rejection.REFUSED_BY_ROUTER);
        }
        else if (retain && subscriptions.anyNoLocal())
        {
            final long hash = addressHash(address, 0, lastAddressLength);
            ownWrites.put(hash, ownWrites.get(hash) + 1);
        }
        if (qos == 0)
        {
            return true;
        }
        final PendingReplies.Entry e = new PendingReplies.Entry();
        e.kind = retain ? PendingReplies.PUBLISH_SET : PendingReplies.PUBLISH_EVENT;
        e.packetId = packetId;
        e.qos = qos;
        e.topic = topic;
        e.owner = c;
        e.error = refusal != 0 ? refusal : PendingReplies.UNRESOLVED;
        pending.add(e);
        if (qos == 2)
        {
            awaitingRelease.add(packetId);
        }
        if (!retain && refusal == 0)
        {
            c.needBarrier();
        }
        flushReplies();
        return true;
    }

    private static long messageExpiry(final MqttProperties properties)
    {
        final MqttProperties.MqttProperty<?> p = properties.getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
        return p == null ? 0 : ((Integer)p.value()) & 0xFFFF_FFFFL;
    }

    void onPubRel(final MqttConnection c, final int packetId)
    {
        final boolean known = awaitingRelease.remove(packetId);
        c.write(pubReply(MqttMessageType.PUBCOMP, packetId, known || !c.isV5() ? 0 : 0x92));
    }

    void onSubscribe(final MqttConnection c, final MqttSubscribeMessage m)
    {
        final java.util.List<MqttTopicSubscription> topics = m.payload().topicSubscriptions();
        final PendingReplies.Entry e = new PendingReplies.Entry();
        e.kind = PendingReplies.SUBSCRIBE;
        e.packetId = m.idAndPropertiesVariableHeader().messageId();
        e.owner = c;
        e.patterns = new String[topics.size()];
        e.codes = new int[topics.size()];
        boolean sent = false;
        for (int i = 0; i < topics.size(); i++)
        {
            final String filter = topics.get(i).topicName();
            final MqttSubscriptionOption option = topics.get(i).option();
            if (filter.startsWith("$share/"))
            {
                e.codes[i] = -0x9E; // shared subscriptions not supported (an MQTT reason, negated)
                metrics.subscriptionRefused();
                continue;
            }
            final String pattern = mapping.filterToPattern(filter);
            if (pattern == null)
            {
                e.codes[i] = -0x8F; // topic filter invalid
                metrics.subscriptionRefused();
                continue;
            }
            final Subscriptions.Subscription existing = subscriptions.get(filter);
            final int handling = option.retainHandling().value();
            final long id = subscriptions.idFor(filter);
            subscriptions.put(new Subscriptions.Subscription(filter, id, Pattern.compile(pattern),
                Math.min(option.qos().value(), 2), c.isV5() && option.isNoLocal(),
                c.isV5() && option.isRetainAsPublished(),
                c.isV5() && (handling == 2 || handling == 1 && existing != null)));
            final int length = SubscribeEncoder.encode(frame, 0, Qos.FIRE, id, pattern, SignalType.ALL_TYPES_MASK,
                null, null, null, null);
            if (!send(length))
            {
                e.codes[i] = -503;
                continue;
            }
            e.patterns[i] = pattern;
            e.codes[i] = Math.min(option.qos().value(), 2);
            sent = true;
        }
        e.error = sent ? PendingReplies.UNRESOLVED : PendingReplies.OK;
        pending.add(e);
        if (sent)
        {
            c.needBarrier();
        }
        flushReplies();
    }

    void onUnsubscribe(final MqttConnection c, final MqttUnsubscribeMessage m)
    {
        final java.util.List<String> filters = m.payload().topics();
        final PendingReplies.Entry e = new PendingReplies.Entry();
        e.kind = PendingReplies.UNSUBSCRIBE;
        e.packetId = m.idAndPropertiesVariableHeader().messageId();
        e.owner = c;
        e.codes = new int[filters.size()];
        for (int i = 0; i < filters.size(); i++)
        {
            final Subscriptions.Subscription s = subscriptions.remove(filters.get(i));
            if (s == null)
            {
                e.codes[i] = 0x11; // no subscription existed
                continue;
            }
            send(UnsubscribeEncoder.encode(frame, 0, Qos.FIRE, s.id));
        }
        e.error = PendingReplies.OK;
        pending.add(e);
        persist();
        flushReplies();
    }

    void onPingReq(final MqttConnection c)
    {
        final PendingReplies.Entry e = new PendingReplies.Entry();
        e.kind = PendingReplies.PING;
        e.owner = c;
        pending.add(e);
        c.needBarrier();
    }

    /** The connection finished a read batch that holds requests only a barrier can answer. */
    void sendBarrier()
    {
        if (send(PingEncoder.encode(frame, 0)))
        {
            pending.barrier();
        }
    }

    /** The client acknowledged a QoS 1 delivery (PUBACK) or completed a QoS 2 one (PUBCOMP). */
    void onDeliveryDone(final int packetId)
    {
        final Inflight f = inflight.remove(packetId);
        if (f != null)
        {
            inflightOrder.remove(f);
            f.release();
            scheduleDrain();
        }
    }

    /** PUBREC for a QoS 2 delivery: answer PUBREL (kept for re-sending until PUBCOMP). */
    void onPubRec(final MqttConnection c, final int packetId, final int reason)
    {
        final Inflight f = inflight.get(packetId);
        if (f == null)
        {
            if (c.isV5())
            {
                c.write(pubReply(MqttMessageType.PUBREL, packetId, 0x92));
            }
            return;
        }
        if (reason >= 0x80)
        {
            onDeliveryDone(packetId); // the client refused it: the flow ends here
            return;
        }
        f.released = true;
        f.release();
        c.write(pubRel(packetId));
    }

    /** Answer what is resolved, in arrival order (only to the connection that asked). */
    private void flushReplies()
    {
        final MqttConnection c = connection;
        if (c == null || !c.isConnected())
        {
            return;
        }
        PendingReplies.Entry e;
        boolean wrote = false;
        while ((e = pending.pollResolved()) != null)
        {
            if (e.owner != c)
            {
                continue;
            }
            wrote = true;
            switch (e.kind)
            {
                case PendingReplies.PUBLISH_SET:
                case PendingReplies.PUBLISH_EVENT:
                {
                    final int reason = publishReason(e.error, c.isV5());
                    if (e.error != PendingReplies.OK)
                    {
                        countRefusal(e.error);
                    }
                    if (e.qos == 2 && reason >= 0x80)
                    {
                        awaitingRelease.remove(e.packetId);
                    }
                    c.write(pubReply(e.qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, e.packetId,
                        reason));
                    break;
                }
                case PendingReplies.SUBSCRIBE:
                    c.write(subAck(e, c.isV5()));
                    break;
                case PendingReplies.UNSUBSCRIBE:
                    c.write(unsubAck(e, c.isV5()));
                    break;
                case PendingReplies.PING:
                    c.write(MqttMessage.PINGRESP);
                    break;
                default:
                    break;
            }
        }
        if (wrote)
        {
            c.flush();
        }
        c.backlog(pending.size());
    }

    /** @return requests of the client not answered yet (the connection stops reading past its limit). */
    int backlog()
    {
        return pending.size();
    }

    private void countRefusal(final int error)
    {
        switch (error)
        {
            case 301:
            case 300:
            case 302:
                metrics.rejected(MqttMetrics.Rejection.NOT_AUTHORIZED);
                break;
            case PendingReplies.RATE_LIMITED:
                metrics.rejected(MqttMetrics.Rejection.RATE_LIMITED);
                break;
            case 200:
            case 413:
            case 503:
                break; // counted when the edge refused it
            default:
                metrics.rejected(MqttMetrics.Rejection.REFUSED_BY_ROUTER);
                break;
        }
    }

    /**
     * The PUBACK/PUBREC reason for a CLASP verdict. MQTT 3.1.1 has no negative acknowledgement: a refused PUBLISH
     * is acknowledged (and counted), as Mosquitto does for a publish its ACL denies.
     */
    static int publishReason(final int claspError, final boolean v5)
    {
        if (!v5 || claspError == PendingReplies.OK)
        {
            return 0;
        }
        switch (claspError)
        {
            case 300:
            case 301:
            case 302:
                return 0x87; // not authorized
            case 200:
                return 0x90; // topic name invalid
            case 429:
                return 0x96; // message rate too high
            case 413:
                return 0x95; // packet too large (for one CLASP frame)
            case 503:
                return 0x97; // quota exceeded (router full / shutting down)
            default:
                return 0x83; // implementation specific error (lock held, state full, ...)
        }
    }

    /** SUBACK reason for a CLASP error on SUBSCRIBE (v5), or the 3.1.1 failure code 0x80. */
    static int subscribeReason(final int claspError, final boolean v5)
    {
        if (!v5)
        {
            return 0x80;
        }
        switch (claspError)
        {
            case 301:
                return 0x87; // not authorized
            case 202:
                return 0x8F; // topic filter invalid
            case 429:
                return 0x97; // quota exceeded (subscription limit)
            case 0x9E:
            case 0x8F:
                return claspError; // refused by the edge with an MQTT reason already
            default:
                return 0x80;
        }
    }

    private MqttSubAckMessage subAck(final PendingReplies.Entry e, final boolean v5)
    {
        final int[] codes = new int[e.codes.length];
        for (int i = 0; i < codes.length; i++)
        {
            if (e.codes[i] >= 0)
            {
                codes[i] = e.codes[i];
            }
            else
            {
                codes[i] = subscribeReason(-e.codes[i], v5);
                if (e.patterns[i] != null)
                {
                    // The core refused it: forget it here too, and make sure the core holds nothing for it.
                    final Subscriptions.Subscription s = subscriptions.byPattern(e.patterns[i]);
                    if (s != null)
                    {
                        subscriptions.removeIfId(e.patterns[i], s.id);
                        send(UnsubscribeEncoder.encode(frame, 0, Qos.FIRE, s.id));
                    }
                    metrics.subscriptionRefused();
                }
            }
        }
        persist(); // what the core granted (refused filters were removed above)
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttMessageIdAndPropertiesVariableHeader(e.packetId, NONE), new MqttSubAckPayload(codes));
    }

    private static MqttUnsubAckMessage unsubAck(final PendingReplies.Entry e, final boolean v5)
    {
        final short[] codes = new short[e.codes.length];
        for (int i = 0; i < codes.length; i++)
        {
            codes[i] = (short)e.codes[i];
        }
        return new MqttUnsubAckMessage(
            new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttMessageIdAndPropertiesVariableHeader(e.packetId, NONE),
            v5 ? new MqttUnsubAckPayload(codes) : null);
    }

    static MqttMessage pubReply(final MqttMessageType type, final int packetId, final int reason)
    {
        return new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttPubReplyMessageVariableHeader(packetId, (byte)reason, NONE));
    }

    static MqttMessage pubRel(final int packetId)
    {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
            new MqttPubReplyMessageVariableHeader(packetId, (byte)0, NONE));
    }

    /**
     * Hand one encoded frame in {@link #frame} to the core, never waiting for it: when the ring is full the frame is
     * kept and offered again once it drained (and the connection stops reading meanwhile).
     *
     * @return false when the router will never take it (closing, or this session has ended).
     */
    private boolean send(final int length)
    {
        if (ended || length <= 0 || connectionId < 0)
        {
            return false;
        }
        return gate.offer(frame, 0, length) != InboundPort.REFUSED;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Outbound: CLASP → MQTT
    // ------------------------------------------------------------------------------------------------------------

    /** Core thread: coalesce wake-ups into one drain task on the edge's loop. */
    public void outboundReady()
    {
        scheduleDrain();
    }

    private void scheduleDrain()
    {
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
        {
            edge.loop().execute(drainTask);
        }
    }

    private void drainFromTask()
    {
        drainScheduled.set(false);
        drain();
    }

    /**
     * Core thread: the core ended this session (router full, slow consumer, idle, shutdown, a refused HELLO).
     */
    public void close(final int closeCode, final String reason)
    {
        edge.loop().execute(() -> onCoreClose(closeCode, reason));
    }

    private void onCoreClose(final int closeCode, final String reason)
    {
        if (ended)
        {
            return;
        }
        drain(); // what the core queued before closing (an ERROR explaining a refusal, the last deliveries)
        ended = true;
        final MqttConnection c = connection;
        if (c != null)
        {
            if (!open)
            {
                c.refuse(closeCode == 1013 ? MqttMetrics.Refusal.SERVER_BUSY : MqttMetrics.Refusal.SERVER_UNAVAILABLE);
            }
            else
            {
                LOG.debug("mqtt session {} closed by the router: {} {}", clientId, closeCode, reason);
                c.disconnect(disconnectReason(closeCode), closeCode == 1008 ? MqttMetrics.Disconnect.SLOW_CONSUMER :
                    closeCode == 1001 ? MqttMetrics.Disconnect.SHUTDOWN : MqttMetrics.Disconnect.ROUTER_CLOSED);
            }
        }
        discard();
    }

    /** The MQTT 5 DISCONNECT reason for a core close code. */
    static int disconnectReason(final int closeCode)
    {
        switch (closeCode)
        {
            case 1008:
                return 0x97; // quota exceeded: the outbound backlog passed the hard limit
            case 1001:
                return 0x8B; // server shutting down (or idle)
            case 1009:
                return 0x95; // packet too large
            case 1002:
                return 0x82; // protocol error
            case 1013:
                return 0x89; // server busy
            default:
                return 0x83; // implementation specific error
        }
    }

    private int inflightLimit()
    {
        final MqttConnection c = connection;
        return c == null ? edge.context().maxInflight() : Math.min(c.clientReceiveMaximum(), edge.context().maxInflight());
    }

    /** Deliver what the core queued, as far as the socket and the client's in-flight window allow. */
    void drain()
    {
        final MqttConnection c = connection;
        if (queue == null)
        {
            return;
        }
        if (c == null)
        {
            // A persistent session whose client is away keeps its backlog queued (core limits apply); a restored one
            // only reads the core's answer to its HELLO, one frame at a time (what follows WELCOME stays queued).
            while (restoring != null && !ended && queue.drain(onCoreFrame, 1) > 0)
            {
                // onWelcome / onCoreError
            }
            return;
        }
        int budget = DRAIN_BUDGET;
        while (budget > 0 && !ended && c.isWritable())
        {
            deliverParked();
            if (parkedBytes >= PARK_LIMIT)
            {
                break; // the core's queue holds the rest (its slow-consumer policy applies)
            }
            final int drained = queue.drain(onCoreFrame, Math.min(DRAIN_CHUNK, budget));
            if (drained == 0)
            {
                break;
            }
            budget -= drained;
        }
        flushBatch();
        flushReplies();
        if (budget <= 0 && !queue.isEmpty())
        {
            scheduleDrain();
        }
    }

    private void onCoreFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (DecodeError.OK != decoder.decode(buffer, offset, length))
        {
            return;
        }
        switch (decoder.type())
        {
            case MessageType.SET:
            case MessageType.PUBLISH:
            case MessageType.SNAPSHOT:
                if (!parked.isEmpty() || windowFull())
                {
                    park(buffer, offset, length, 0);
                }
                else
                {
                    deliverFrame(buffer, offset, length, 0);
                }
                break;
            case MessageType.ACK:
            {
                final to.clasp.protocol.AckDecoder ack = decoder.ack();
                if (ack.hasAddress())
                {
                    pending.onAck(decoder.payload(), ack.addressOffset(), ack.addressLength());
                }
                break;
            }
            case MessageType.ERROR:
                onCoreError(decoder.error());
                break;
            case MessageType.PONG:
                pending.onPong(System.nanoTime());
                break;
            case MessageType.PING:
                send(PongEncoder.encode(frame, 0));
                break;
            case MessageType.WELCOME:
                onWelcome();
                break;
            default:
                break; // SYNC, RESULT, ...: never asked for
        }
    }

    private void onWelcome()
    {
        open = true;
        final MqttSessionStore.Record r = restoring;
        restoring = null;
        final MqttConnection c = connection;
        if (r == null)
        {
            if (c != null)
            {
                c.accepted(false);
            }
            persist();
            return;
        }
        for (final MqttSessionStore.Subscription s : r.subscriptions)
        {
            final String pattern = mapping.filterToPattern(s.filter);
            if (pattern == null)
            {
                continue; // a filter this router's mapping no longer takes (changed --mqtt-namespace rules)
            }
            final long id = subscriptions.idFor(s.filter);
            subscriptions.put(new Subscriptions.Subscription(s.filter, id, Pattern.compile(pattern), s.qos, s.noLocal,
                s.retainAsPublished, s.noRetained));
            send(SubscribeEncoder.encode(frame, 0, Qos.FIRE, id, pattern, SignalType.ALL_TYPES_MASK, null, null, null,
                null));
        }
        if (c != null)
        {
            c.accepted(true); // the client came back while the core restored its session
            resume(c);
        }
        else
        {
            persist();
            waitForClient(restoringRemainingMs);
        }
        edge.sessionRestored(true);
    }

    private void onCoreError(final ErrorDecoder error)
    {
        final int code = error.code();
        if (!open)
        {
            final MqttConnection c = connection;
            if (c != null)
            {
                c.refuse(code == 300 || code == 302 ? MqttMetrics.Refusal.NOT_AUTHORIZED :
                    code == 503 ? MqttMetrics.Refusal.SERVER_BUSY : MqttMetrics.Refusal.SERVER_UNAVAILABLE);
            }
            return;
        }
        final boolean matched = error.hasAddress() ?
            pending.onError(code, decoder.payload(), error.addressOffset(), error.addressLength(), System.nanoTime()) :
            pending.onError(code, null, 0, 0, System.nanoTime());
        if (!matched && error.hasAddress())
        {
            // An error about a QoS 0 PUBLISH (or a will): nobody to tell, but counted.
            countRefusal(code);
        }
    }

    private void deliverPublish(final PublishDecoder p)
    {
        final ValueView v;
        switch (p.indicator())
        {
            case PublishDecoder.INDICATOR_VALUE:
                v = p.value();
                break;
            case PublishDecoder.INDICATOR_SAMPLES:
                deliverSamples(p);
                return;
            default:
                v = null;
                break;
        }
        deliverLive(p.payloadBuffer(), p.addressOffset(), p.addressLength(), v, false);
    }

    private void deliverSamples(final PublishDecoder p)
    {
        // A stream's samples: a JSON array of floats.
        final int n = p.sampleCount();
        final StringBuilder json = new StringBuilder(n * 8 + 2).append('[');
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            final double d = p.sample(i);
            json.append(Double.isFinite(d) ? Double.toString(d) : "null");
        }
        final byte[] bytes = json.append(']').toString().getBytes(StandardCharsets.US_ASCII);
        deliver(p.payloadBuffer(), p.addressOffset(), p.addressLength(), new UnsafeBuffer(bytes), 0, bytes.length,
            false, false, false);
    }

    private void deliverLive(final DirectBuffer b, final int addressOffset, final int addressLength,
        final ValueView v, final boolean isSet)
    {
        boolean ownEcho = false;
        if (isSet && subscriptions.anyNoLocal() && !ownWrites.isEmpty())
        {
            final long hash = addressHash(b, addressOffset, addressLength);
            final long count = ownWrites.get(hash);
            if (count > 0)
            {
                ownEcho = true;
                if (count == 1)
                {
                    ownWrites.remove(hash);
                }
                else
                {
                    ownWrites.put(hash, count - 1);
                }
            }
        }
        deliverValue(b, addressOffset, addressLength, v, false, isSet, ownEcho);
    }

    private void deliverValue(final DirectBuffer b, final int addressOffset, final int addressLength,
        final ValueView v, final boolean retained, final boolean isSet, final boolean ownEcho)
    {
        if (v == null || v.isNull())
        {
            deliver(b, addressOffset, addressLength, null, 0, 0, retained, isSet, ownEcho);
        }
        else if (JsonPayloads.isRaw(v))
        {
            deliver(b, addressOffset, addressLength, v.buffer(), v.contentOffset(), v.contentLength(), retained, isSet,
                ownEcho);
        }
        else
        {
            payloads.toMqtt(v);
            deliver(b, addressOffset, addressLength, payloads.payload(), 0, payloads.payloadLength(), retained, isSet,
                ownEcho);
        }
    }

    private boolean windowFull()
    {
        return subscriptions.anyQos() && inflight.size() >= inflightLimit();
    }

    /** A delivery frame the decoder holds: SET, PUBLISH, or a SNAPSHOT from entry {@code first}. */
    private void deliverFrame(final DirectBuffer buffer, final int offset, final int length, final int first)
    {
        switch (decoder.type())
        {
            case MessageType.SET:
            {
                final SetDecoder set = decoder.set();
                deliverLive(set.payloadBuffer(), set.addressOffset(), set.addressLength(), set.value(), true);
                break;
            }
            case MessageType.PUBLISH:
                deliverPublish(decoder.publish());
                break;
            default:
                deliverSnapshot(buffer, offset, length, first);
                break;
        }
    }

    /**
     * One SNAPSHOT (a SUBSCRIBE's retained messages), from entry {@code first}. When the in-flight window fills, the
     * rest is parked and resumed as acknowledgements arrive.
     */
    private void deliverSnapshot(final DirectBuffer buffer, final int offset, final int length, final int first)
    {
        final SnapshotDecoder s = decoder.snapshot();
        final int count = s.count();
        for (int i = first; i < count; i++)
        {
            if (windowFull())
            {
                park(buffer, offset, length, i);
                return;
            }
            s.entry(i);
            final ValueView v = s.value();
            if (v.isNull())
            {
                continue; // a deleted retained message (MQTT's empty retained payload) is not delivered
            }
            deliverValue(decoder.payload(), s.addressOffset(), s.addressLength(), v, true, true, false);
        }
    }

    /** Keep a copy of a delivery for later (at the head when it is the remainder of the head being delivered). */
    private void park(final DirectBuffer buffer, final int offset, final int length, final int nextEntry)
    {
        final Parked head = parked.peekFirst();
        if (head != null && head.resuming)
        {
            head.nextEntry = nextEntry;
            head.resuming = false;
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        parked.addLast(new Parked(copy, nextEntry));
        parkedBytes += length;
    }

    /** Deliver parked frames, oldest first, while the window has room. */
    private void deliverParked()
    {
        while (!parked.isEmpty() && !windowFull())
        {
            final Parked p = parked.peekFirst();
            parkedView.wrap(p.frame);
            final UnsafeBuffer b = parkedView;
            if (DecodeError.OK != decoder.decode(b, 0, p.frame.length))
            {
                dropParkedHead();
                continue;
            }
            p.resuming = true;
            deliverFrame(b, 0, p.frame.length, p.nextEntry);
            if (p.resuming)
            {
                dropParkedHead(); // fully delivered (a partial SNAPSHOT updated its entry and stays)
            }
        }
    }

    private void dropParkedHead()
    {
        final Parked p = parked.pollFirst();
        parkedBytes -= p.frame.length;
    }

    /** A parked delivery frame. */
    private static final class Parked
    {
        final byte[] frame;
        int nextEntry;
        boolean resuming;

        Parked(final byte[] frame, final int nextEntry)
        {
            this.frame = frame;
            this.nextEntry = nextEntry;
        }
    }

    /**
     * Write one PUBLISH to the client, if a subscription wants it: at the highest matching QoS, with the retain flag
     * for retained messages (and for live param updates to v5 Retain As Published subscriptions).
     */
    private void deliver(final DirectBuffer b, final int addressOffset, final int addressLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength, final boolean retained,
        final boolean isSet, final boolean ownEcho)
    {
        final MqttConnection c = connection;
        final int topicOffset = mapping.topicOffset(b, addressOffset, addressLength);
        if (c == null || topicOffset < 0)
        {
            return;
        }
        final int qos = subscriptions.deliveryQos(b, addressOffset, addressLength, retained, ownEcho);
        if (qos == Subscriptions.NONE)
        {
            return;
        }
        final boolean retain = retained || isSet && subscriptions.retainAsPublished();
        final int topicLength = addressOffset + addressLength - topicOffset;
        final boolean v5 = c.isV5();
        if (PublishPacket.length(topicLength, qos, v5, payloadLength) > c.clientMaximumPacketSize())
        {
            // MQTT 5: a packet larger than the client's Maximum Packet Size is discarded as if delivered.
            metrics.rejected(MqttMetrics.Rejection.TOO_LARGE);
            return;
        }
        final ByteBuf out = batch();
        final int start = out.writerIndex();
        final int packetId = qos > 0 ? nextPacketId() : 0;
        PublishPacket.write(out, qos, retain, packetId, v5, b, topicOffset, topicLength, payload, payloadOffset,
            payloadLength);
        metrics.publishOut(qos);
        if (qos > 0)
        {
            final Inflight f = new Inflight(packetId,
                isPersistent() ? out.copy(start, out.writerIndex() - start) : null);
            inflight.put(packetId, f);
            inflightOrder.addLast(f);
        }
        if (out.readableBytes() >= BATCH_BYTES)
        {
            flushBatch();
        }
    }

    private int nextPacketId()
    {
        int id = nextPacketId;
        while (inflight.containsKey(id))
        {
            id = id == 0xFFFF ? 1 : id + 1;
        }
        nextPacketId = id == 0xFFFF ? 1 : id + 1;
        return id;
    }

    private ByteBuf batch()
    {
        if (batch == null)
        {
            // Sized for a few packets; grows (pooled) up to the batch limit when a drain has many.
            batch = connection.alloc().buffer(4096);
        }
        return batch;
    }

    private void writeBatch(final ByteBuf packet)
    {
        flushBatch();
        connection.write(packet);
    }

    /** Hand the batch to the channel and flush. */
    private void flushBatch()
    {
        final ByteBuf b = batch;
        batch = null;
        final MqttConnection c = connection;
        if (b == null)
        {
            if (c != null)
            {
                c.flush();
            }
            return;
        }
        if (c == null || !b.isReadable())
        {
            b.release();
            return;
        }
        c.write(b);
        c.flush();
    }

    private void releaseBatch()
    {
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
    }

    static long addressHash(final DirectBuffer b, final int offset, final int length)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++)
        {
            h ^= b.getByte(offset + i) & 0xFF;
            h *= 0x100000001b3L;
        }
        return h == 0 ? 1 : h; // 0 is the map's missing value
    }

    // ------------------------------------------------------------------------------------------------------------

    public String remoteAddress()
    {
        final MqttConnection c = connection;
        return c == null ? "offline:" + clientId : c.remoteAddress();
    }

    public String transport()
    {
        return "mqtt";
    }

    public boolean wantsStateOnHello()
    {
        return false; // MQTT clients see what they subscribe to, nothing else
    }

    public String toString()
    {
        return "mqtt#" + connectionId + "(" + clientId + ")";
    }

    /** A QoS 1/2 delivery awaiting the client's acknowledgement. */
    static final class Inflight
    {
        final int packetId;
        /** The packet as sent, kept for re-sending after a reconnect (persistent sessions only). */
        ByteBuf packet;
        /** PUBREC received, PUBREL sent: waiting for PUBCOMP. */
        boolean released;

        Inflight(final int packetId, final ByteBuf packet)
        {
            this.packetId = packetId;
            this.packet = packet;
        }

        void release()
        {
            if (packet != null)
            {
                packet.release();
                packet = null;
            }
        }
    }
}
