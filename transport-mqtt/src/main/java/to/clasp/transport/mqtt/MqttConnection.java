package to.clasp.transport.mqtt;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT network connection: the protocol state machine (CONNECT, keep-alive, DISCONNECT, will, takeover) and the
 * last handler of its pipeline ({@code MqttDecoder → MqttEncoder → this}). What a connection does for its client
 * lives in the {@link MqttSession} it is attached to, which may outlive it. Event loop only.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private static final int AWAIT_CONNECT = 0;
    /** CONNECT handled, waiting for the core's WELCOME (or refusal). */
    private static final int AWAIT_CORE = 1;
    private static final int CONNECTED = 2;
    private static final int CLOSED = 3;
    /** How long a connection being closed may take to flush its last packet. */
    private static final long CLOSE_TIMEOUT_MS = 2_000;

    private final MqttEdge edge;
    private final MqttMetrics metrics;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private String remoteAddress = "?";
    private int state = AWAIT_CONNECT;
    private boolean v5;
    private MqttSession session;
    /** A session of the same client id opened with another token: ended once the core accepts this one's. */
    private MqttSession replacing;
    private MqttSession.Will will;
    private boolean cleanStart;
    private String assignedClientId;
    private long grantedExpiry;
    private boolean expiryCapped;
    private int keepAliveSeconds;
    private boolean keepAliveCapped;
    private int clientReceiveMaximum = 65_535;
    private int clientMaximumPacketSize = Integer.MAX_VALUE;
    private boolean barrierNeeded;
    /** Too many requests wait for the core's verdict (see {@link #backlog}). */
    private boolean backlogPaused;
    /** The core's inbound ring is full, or the session keeps frames it could not take yet. */
    private boolean ringPaused;
    private boolean closing;
    private boolean countedPending;
    private MqttMetrics.Disconnect closeReason = MqttMetrics.Disconnect.CLIENT_GONE;
    private ScheduledFuture<?> connectTimeout;

    MqttConnection(final MqttEdge edge)
    {
        this.edge = edge;
        this.metrics = edge.metrics();
    }

    boolean isV5()
    {
        return v5;
    }

    boolean isConnected()
    {
        return state == CONNECTED;
    }

    /** A QoS 0 PUBLISH read in place ({@link PublishInPlace}, only while connected): as {@link #dispatch} would. */
    void onPublishInPlace(final boolean retain, final org.agrona.DirectBuffer topic, final int topicOffset,
        final int topicLength, final org.agrona.DirectBuffer payload, final int offset, final int length)
    {
        session.onPublishQos0(this, retain, topic, topicOffset, topicLength, payload, offset, length);
    }

    boolean isWritable()
    {
        return channel.isWritable();
    }

    int clientReceiveMaximum()
    {
        return clientReceiveMaximum;
    }

    int clientMaximumPacketSize()
    {
        return clientMaximumPacketSize;
    }

    String remoteAddress()
    {
        return remoteAddress;
    }

    ByteBufAllocator alloc()
    {
        return ctx.alloc();
    }

    void write(final Object message)
    {
        if (state != CLOSED)
        {
            ctx.write(message, ctx.voidPromise());
        }
        else
        {
            ReferenceCountUtil.release(message);
        }
    }

    void flush()
    {
        ctx.flush();
    }

    void needBarrier()
    {
        barrierNeeded = true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Channel lifecycle
    // ------------------------------------------------------------------------------------------------------------

    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    public void channelActive(final ChannelHandlerContext ctx)
    {
        remoteAddress = String.valueOf(channel.remoteAddress()).replaceFirst("^/", "");
        edge.connectionOpened(this);
        connectTimeout = ctx.executor().schedule(() ->
        {
            if (state == AWAIT_CONNECT)
            {
                closeNow(MqttMetrics.Disconnect.CONNECT_TIMEOUT);
            }
        }, edge.context().connectTimeoutMs(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (connectTimeout != null)
        {
            connectTimeout.cancel(false);
        }
        if (state == AWAIT_CORE)
        {
            finishPendingConnect();
        }
        final boolean wasOpen = state == CONNECTED || state == AWAIT_CORE;
        state = CLOSED;
        edge.connectionClosed(this);
        metrics.disconnected(closeReason);
        if (session != null)
        {
            // No will after a clean DISCONNECT (will cleared then) or when the router itself ended the session.
            session.connectionLost(this, wasOpen ? will : null);
        }
        LOG.debug("disconnect mqtt remote={} client={} reason={}", remoteAddress,
            session == null ? "-" : session.clientId(), closeReason.label());
        ctx.fireChannelInactive();
    }

    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (channel.isWritable() && session != null && session.connection() == this)
        {
            session.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof IdleStateEvent)
        {
            // MQTT keep-alive: nothing for 1.5 × the keep-alive. The will is published (the client vanished).
            disconnect(0x8D, MqttMetrics.Disconnect.KEEP_ALIVE_TIMEOUT);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("mqtt {} error: {}", remoteAddress, cause.toString());
        closeNow(MqttMetrics.Disconnect.CLIENT_GONE);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound packets
    // ------------------------------------------------------------------------------------------------------------

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        try
        {
            if (state == CLOSED || !(msg instanceof MqttMessage))
            {
                return;
            }
            final MqttMessage m = (MqttMessage)msg;
            final DecoderResult result = m.decoderResult();
            if (result.isFailure())
            {
                onBadPacket(result.cause());
                return;
            }
            if (state == AWAIT_CONNECT)
            {
                if (m instanceof MqttConnectMessage)
                {
                    onConnect((MqttConnectMessage)m);
                }
                else
                {
                    closeNow(MqttMetrics.Disconnect.PROTOCOL_ERROR); // the first packet must be CONNECT
                }
                return;
            }
            dispatch(m);
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        if (barrierNeeded && session != null && session.connection() == this)
        {
            barrierNeeded = false;
            session.sendBarrier();
        }
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    private void onBadPacket(final Throwable cause)
    {
        if (cause instanceof MqttUnacceptableProtocolVersionException && state == AWAIT_CONNECT)
        {
            metrics.refused(MqttMetrics.Refusal.UNSUPPORTED_PROTOCOL_VERSION);
            // The CONNACK of the version the client asked for is unknown: 3.1.1's code 1 is what clients expect.
            sendAndClose(MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION).build(),
                MqttMetrics.Disconnect.REFUSED);
            return;
        }
        if (cause instanceof MqttIdentifierRejectedException && state == AWAIT_CONNECT)
        {
            metrics.refused(MqttMetrics.Refusal.CLIENT_ID_REJECTED);
            sendAndClose(MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED).build(),
                MqttMetrics.Disconnect.REFUSED);
            return;
        }
        final boolean tooLarge = cause instanceof TooLongFrameException;
        LOG.debug("mqtt {} bad packet: {}", remoteAddress, cause.toString());
        disconnect(tooLarge ? 0x95 : 0x81,
            tooLarge ? MqttMetrics.Disconnect.PACKET_TOO_LARGE : MqttMetrics.Disconnect.MALFORMED_PACKET);
    }

    private void dispatch(final MqttMessage m)
    {
        final MqttSession s = session;
        switch (m.fixedHeader().messageType())
        {
            case PUBLISH:
                if (!s.onPublish(this, (MqttPublishMessage)m))
                {
                    disconnect(0x93, MqttMetrics.Disconnect.RECEIVE_MAXIMUM_EXCEEDED);
                }
                break;
            case PUBACK:
            case PUBCOMP:
                s.onDeliveryDone(packetId(m));
                break;
            case PUBREC:
                s.onPubRec(this, packetId(m), reasonCode(m));
                break;
            case PUBREL:
                s.onPubRel(this, packetId(m));
                break;
            case SUBSCRIBE:
                s.onSubscribe(this, (MqttSubscribeMessage)m);
                break;
            case UNSUBSCRIBE:
                s.onUnsubscribe(this, (MqttUnsubscribeMessage)m);
                break;
            case PINGREQ:
                s.onPingReq(this);
                break;
            case DISCONNECT:
                onDisconnect(m);
                break;
            default:
                // A second CONNECT, AUTH (no enhanced authentication), or a server-only packet.
                disconnect(0x82, MqttMetrics.Disconnect.PROTOCOL_ERROR);
                break;
        }
    }

    private static int packetId(final MqttMessage m)
    {
        return ((MqttMessageIdVariableHeader)m.variableHeader()).messageId();
    }

    private static int reasonCode(final MqttMessage m)
    {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader ?
            ((MqttPubReplyMessageVariableHeader)m.variableHeader()).reasonCode() & 0xFF : 0;
    }

    private void onDisconnect(final MqttMessage m)
    {
        int reason = 0;
        if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader)
        {
            reason = ((MqttReasonCodeAndPropertiesVariableHeader)m.variableHeader()).reasonCode() & 0xFF;
        }
        if (reason != 0x04)
        {
            will = null; // a normal DISCONNECT discards the will (0x04 = "disconnect with will message")
        }
        closeNow(MqttMetrics.Disconnect.CLIENT);
    }

    // ------------------------------------------------------------------------------------------------------------
    // CONNECT
    // ------------------------------------------------------------------------------------------------------------

    private void onConnect(final MqttConnectMessage m)
    {
        connectTimeout.cancel(false);
        v5 = m.variableHeader().version() == 5;
        final MqttProperties properties = m.variableHeader().properties();
        if (v5 && properties.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null)
        {
            refuse(MqttMetrics.Refusal.BAD_AUTHENTICATION_METHOD);
            return;
        }
        cleanStart = m.variableHeader().isCleanSession();
        String clientId = m.payload().clientIdentifier();
        if (clientId == null || clientId.isEmpty())
        {
            if (!cleanStart && !v5)
            {
                refuse(MqttMetrics.Refusal.CLIENT_ID_REJECTED); // 3.1.1: a persistent session needs an id
                return;
            }
            clientId = "auto-" + UUID.randomUUID();
            assignedClientId = clientId;
        }
        if (m.variableHeader().isWillFlag())
        {
            final String topic = m.payload().willTopic();
            if (edge.mapping().topicToAddress(topic) == null)
            {
                refuse(MqttMetrics.Refusal.INVALID_WILL);
                return;
            }
            final MqttProperties wp = m.payload().willProperties();
            will = new MqttSession.Will(topic, m.payload().willMessageInBytes() == null ? new byte[0] :
                m.payload().willMessageInBytes(), m.variableHeader().isWillRetain(),
                v5 ? intProperty(wp, MqttProperties.WILL_DELAY_INTERVAL, 0) : 0,
                v5 ? intProperty(wp, MqttProperties.PUBLICATION_EXPIRY_INTERVAL, 0) : 0);
        }
        if (v5)
        {
            clientReceiveMaximum = (int)intProperty(properties, MqttProperties.RECEIVE_MAXIMUM, 65_535);
            clientMaximumPacketSize = (int)Math.min(Integer.MAX_VALUE,
                intProperty(properties, MqttProperties.MAXIMUM_PACKET_SIZE, Integer.MAX_VALUE));
            if (clientReceiveMaximum == 0 || clientMaximumPacketSize == 0)
            {
                disconnect(0x82, MqttMetrics.Disconnect.PROTOCOL_ERROR);
                return;
            }
        }
        // Session expiry: 3.1.1 "clean session 0" keeps the session (up to the edge's cap); v5 says how long.
        final long maxExpiry = edge.context().maxSessionExpirySeconds();
        final long requested = v5 ? intProperty(properties, MqttProperties.SESSION_EXPIRY_INTERVAL, 0) :
            cleanStart ? 0 : maxExpiry;
        grantedExpiry = Math.min(requested, maxExpiry);
        expiryCapped = v5 && grantedExpiry != requested;
        keepAliveSeconds = m.variableHeader().keepAliveTimeSeconds();
        if (keepAliveSeconds > 0)
        {
            // Reader idle for 1.5 × the keep-alive ends the connection (MQTT 3.1.1 §3.1.2.10, 5.0 §3.1.2.10).
            ctx.pipeline().addBefore(MqttEdge.FRAMER, "keep-alive",
                new IdleStateHandler(keepAliveSeconds * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }

        final byte[] password = m.variableHeader().hasPassword() ? m.payload().passwordInBytes() : null;
        final MqttSession existing = edge.session(clientId);
        if (existing != null && !existing.hasEnded() && !existing.tokenMatches(password))
        {
            // Another token: the session is not this client's to resume or end unless the core accepts its token, so
            // the old session is taken over only after WELCOME (accepted()), and a refused CONNECT leaves it alone.
            replacing = existing;
        }
        else if (existing != null && !cleanStart && existing.isRestoring() && existing.connection() == null)
        {
            // Its session is being restored after a restart: CONNACK (Session Present) once the core accepted it.
            session = existing;
            state = AWAIT_CORE;
            existing.attach(this);
            return;
        }
        else if (existing != null)
        {
            takeOver(existing, !cleanStart);
            if (cleanStart || !existing.isOpen() || !existing.isPersistent() && existing.connection() != null)
            {
                existing.discard();
            }
            else
            {
                session = existing;
                edge.metrics().connectAccepted();
                accept(true);
                existing.resume(this);
                return;
            }
        }
        if (!edge.tryStartConnect())
        {
            refuse(MqttMetrics.Refusal.SERVER_BUSY);
            return;
        }
        countedPending = true;
        state = AWAIT_CORE;
        session = new MqttSession(edge, clientId, grantedExpiry);
        if (replacing == null)
        {
            edge.addSession(session);
        }
        session.start(this, password);
    }

    /** The core accepted another token for a client id whose session exists: the old session ends (takeover). */
    private void replaceSession()
    {
        final MqttSession old = replacing;
        replacing = null;
        takeOver(old, false);
        old.discard();
        edge.addSession(session);
    }

    /**
     * Session takeover: the session's current connection (if another) gets DISCONNECT 0x8E. Its will goes out unless
     * this connection resumes the session and the will is delayed (MQTT 5 §3.1.3.2.2).
     */
    private void takeOver(final MqttSession s, final boolean resumes)
    {
        final MqttConnection old = s.connection();
        if (old == null || old == this)
        {
            return;
        }
        final MqttSession.Will oldWill = old.will;
        old.will = null;
        old.disconnect(0x8E, MqttMetrics.Disconnect.SESSION_TAKEN_OVER);
        s.connectionLost(old, null);
        if (oldWill != null && (!resumes || oldWill.delaySeconds == 0))
        {
            s.publishWill(oldWill);
        }
    }

    private static long intProperty(final MqttProperties properties, final int id, final long absent)
    {
        if (properties == null)
        {
            return absent;
        }
        final MqttProperties.MqttProperty<?> p = properties.getProperty(id);
        return p == null ? absent : ((Integer)p.value()) & 0xFFFF_FFFFL;
    }

    private void finishPendingConnect()
    {
        if (countedPending)
        {
            countedPending = false;
            edge.connectFinished();
        }
    }

    /** The core accepted the session (WELCOME). */
    void accepted(final boolean sessionPresent)
    {
        if (state != AWAIT_CORE)
        {
            return;
        }
        finishPendingConnect();
        if (replacing != null)
        {
            replaceSession();
        }
        edge.metrics().connectAccepted();
        accept(sessionPresent);
    }

    private void accept(final boolean sessionPresent)
    {
        state = CONNECTED;
        final MqttProperties props = new MqttProperties();
        if (v5)
        {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM,
                edge.context().receiveMaximum()));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE,
                edge.context().maxPacketSize()));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, 0));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RETAIN_AVAILABLE, 1));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.WILDCARD_SUBSCRIPTION_AVAILABLE, 1));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE, 0));
            if (assignedClientId != null)
            {
                props.add(new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER,
                    assignedClientId));
            }
            if (expiryCapped)
            {
                props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                    (int)grantedExpiry));
            }
        }
        final MqttConnAckMessage ack = MqttMessageBuilders.connAck()
            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(sessionPresent)
            .properties(props)
            .build();
        ctx.writeAndFlush(ack, ctx.voidPromise());
        LOG.debug("connect mqtt remote={} client={} v{} clean={} expiry={}s keepAlive={}s", remoteAddress,
            session.clientId(), v5 ? 5 : 4, cleanStart, grantedExpiry, keepAliveSeconds);
    }

    /** Refuse the CONNECT with the reason (v5 reason code, or the 3.1.1 return code that fits) and close. */
    void refuse(final MqttMetrics.Refusal reason)
    {
        if (state == CLOSED || state == CONNECTED)
        {
            return;
        }
        finishPendingConnect();
        metrics.refused(reason);
        will = null;
        final MqttConnectReturnCode code;
        switch (reason)
        {
            case NOT_AUTHORIZED:
                code = v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5 :
                    MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
                break;
            case SERVER_BUSY:
                code = v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY :
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
                break;
            case CLIENT_ID_REJECTED:
                code = v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID :
                    MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
                break;
            case BAD_AUTHENTICATION_METHOD:
                code = MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD;
                break;
            case INVALID_WILL:
                if (!v5)
                {
                    closeNow(MqttMetrics.Disconnect.REFUSED); // 3.1.1 has no code for it: close (§3.1.4)
                    return;
                }
                code = MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID;
                break;
            default:
                code = v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5 :
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
                break;
        }
        final MqttSession s = session;
        session = null;
        if (s != null)
        {
            s.discard();
        }
        sendAndClose(MqttMessageBuilders.connAck().returnCode(code).build(), MqttMetrics.Disconnect.REFUSED);
    }

    /**
     * End the connection from the router's side: an MQTT 5 DISCONNECT with the reason first (3.1.1 has none), then
     * close. A will is published unless the client asked otherwise (MQTT publishes it on any close but a clean
     * DISCONNECT).
     */
    void disconnect(final int reason, final MqttMetrics.Disconnect why)
    {
        if (state == CLOSED)
        {
            return;
        }
        if (v5 && state == CONNECTED)
        {
            sendAndClose(MqttMessageBuilders.disconnect().reasonCode((byte)reason).build(), why);
        }
        else
        {
            closeNow(why);
        }
    }

    private void sendAndClose(final Object packet, final MqttMetrics.Disconnect why)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        closeReason = why;
        final Channel ch = channel;
        ch.config().setAutoRead(false);
        ch.writeAndFlush(packet).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read may never take the packet: close anyway.
        ch.eventLoop().schedule(() -> { ch.close(); }, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    void closeNow(final MqttMetrics.Disconnect why)
    {
        if (state == CLOSED)
        {
            return;
        }
        if (!closing)
        {
            // The first reason stays: writes that fail while closing must not relabel the disconnect.
            closing = true;
            closeReason = why;
        }
        channel.close();
    }

    /**
     * Stop reading while too many requests wait for the core's verdict, resume below half (hysteresis): the client is
     * slowed by TCP instead of growing the edge's memory.
     */
    void backlog(final int waiting)
    {
        final int limit = edge.context().receiveMaximum();
        if (!backlogPaused && waiting >= limit)
        {
            backlogPaused = true;
            updateReading();
        }
        else if (backlogPaused && waiting <= limit / 2 && state == CONNECTED)
        {
            backlogPaused = false;
            updateReading();
        }
    }

    /** Stop reading while the core's ring is full (the session's {@code InboundGate} says when), resume after. */
    void ringPaused(final boolean paused)
    {
        ringPaused = paused;
        updateReading();
    }

    private void updateReading()
    {
        if (closing || state == CLOSED)
        {
            return; // a closing connection stopped reading for good
        }
        final boolean read = !backlogPaused && !ringPaused;
        if (channel.config().isAutoRead() != read)
        {
            channel.config().setAutoRead(read);
        }
    }

    public String toString()
    {
        return "mqtt@" + remoteAddress + (session == null ? "" : "(" + session.clientId() + ")");
    }
}
