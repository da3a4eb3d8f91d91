package to.clasp.transport.mqtt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.edge.EdgeConnection;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;
import to.clasp.transport.ws.ByteBufView;
import to.clasp.transport.ws.EdgeLoop;
import to.clasp.transport.ws.InboundGate;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.ValueView;

/**
 * Bridge mode ({@code --mqtt-bridge mqtt://host:port[,filter...]}): the router connects to an existing broker
 * (Mosquitto, EMQX) as an MQTT 5 client and mirrors its topics into the namespace and back. Broker → router: a
 * retained message is a SET, any other a PUBLISH (event), through one CLASP session of its own. Router → broker:
 * that session subscribes to the filters' patterns; every update it receives is published to the broker at QoS 1
 * (retained for params, including the current state the subscription brings), 256 in flight at most.
 * <p>
 * No loops: the broker subscription uses No Local, so the broker does not send back what the bridge published, and
 * the bridge drops the core's echo of its own SETs (it counts its writes per address). The link reconnects with
 * backoff (250 ms doubling to 10 s); after a reconnect it re-subscribes on both sides, so each side gets the other's
 * current retained state again.
 * <p>
 * Back-pressure: the bridge's CLASP session writes through an {@link InboundGate}, so when the core's ring is full the
 * broker link stops reading (the broker's in-flight window and TCP hold the broker back) and resumes once it drained;
 * nothing is dropped and the loop never waits for the core.
 */
public final class MqttBridge implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);
    private static final int MAX_INFLIGHT = 256;
    private static final long BACKOFF_MIN_MS = 250;
    private static final long BACKOFF_MAX_MS = 10_000;

    private final Context ctx;
    private final InboundPort inboundPort;
    private final MqttMetrics metrics;
    private final TopicMapping mapping;
    private final EdgeLoop edgeLoop;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ClaspSide clasp = new ClaspSide();
    private final JsonPayloads payloads = new JsonPayloads();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer address = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final ByteBufView inboundView = new ByteBufView();
    /** Address hash → own SETs whose echo from the core is still to come. */
    private final Long2LongHashMap ownWrites = new Long2LongHashMap(0);
    private final Map<Integer, ByteBuf> inflight = new LinkedHashMap<>();
    private final String clientId;
    private Channel link;
    private boolean linkUp;
    private int nextPacketId = 1;
    private long backoffMs = BACKOFF_MIN_MS;
    private volatile boolean closed;

    private MqttBridge(final Context ctx, final InboundPort inboundPort)
    {
        this.ctx = ctx;
        this.inboundPort = inboundPort;
        this.metrics = ctx.metrics();
        this.mapping = new TopicMapping(ctx.namespace());
        this.clientId = ctx.clientId() != null ? ctx.clientId() : "clasp-bridge-" + UUID.randomUUID();
        this.edgeLoop = EdgeLoop.of(ctx.eventLoopGroup(), ctx.epoll(), "clasp-mqtt-bridge");
        this.loop = edgeLoop.loop();
        bootstrap = new Bootstrap()
            .group(loop)
            .channel(edgeLoop.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .option(ChannelOption.MAX_MESSAGES_PER_READ, MqttEdge.READS_PER_ITERATION)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast("keep-alive", new IdleStateHandler(0, ctx.keepAliveSeconds(), 0, TimeUnit.SECONDS))
                        .addLast("mqtt-decoder", new MqttDecoder(16 * 1024 * 1024))
                        .addLast("mqtt-encoder", MqttEncoder.INSTANCE)
                        .addLast("bridge", new BrokerLink());
                }
            });
    }

    /**
     * Open the bridge's CLASP session and start connecting to the broker (retrying with backoff until it answers).
     */
    public static MqttBridge launch(final Context ctx, final InboundPort inboundPort)
    {
        Objects.requireNonNull(inboundPort, "inboundPort");
        ctx.conclude();
        final MqttBridge bridge = new MqttBridge(ctx, inboundPort);
        bridge.loop.execute(() ->
        {
            bridge.clasp.open();
            bridge.connect();
        });
        LOG.info("MQTT bridge to {}:{} (filters {}, namespace {})", ctx.host(), ctx.port(), ctx.filters(),
            ctx.namespace().isEmpty() ? "/" : ctx.namespace());
        return bridge;
    }

    public Context context()
    {
        return ctx;
    }

    /** @return whether the broker link is up (CONNACK received). */
    public boolean isConnected()
    {
        return linkUp;
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            loop.submit(() ->
            {
                clasp.end();
                if (link != null)
                {
                    link.close();
                }
                inflight.values().forEach(ByteBuf::release);
                inflight.clear();
            }).await(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        edgeLoop.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Broker link (edge loop)
    // ------------------------------------------------------------------------------------------------------------

    private void connect()
    {
        if (closed)
        {
            return;
        }
        bootstrap.connect(ctx.host(), ctx.port()).addListener((ChannelFutureListener)f ->
        {
            if (!f.isSuccess())
            {
                LOG.debug("MQTT bridge: cannot reach {}:{}: {}", ctx.host(), ctx.port(), f.cause().toString());
                retry();
                return;
            }
            link = f.channel();
            if (clasp.isReadingPaused())
            {
                link.config().setAutoRead(false);
            }
            final MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .protocolVersion(MqttVersion.MQTT_5).clientId(clientId).cleanSession(true)
                .keepAlive(ctx.keepAliveSeconds());
            if (ctx.username() != null)
            {
                connect.hasUser(true).username(ctx.username());
            }
            if (ctx.password() != null)
            {
                connect.hasPassword(true).password(ctx.password().getBytes(StandardCharsets.UTF_8));
            }
            link.writeAndFlush(connect.build());
        });
    }

    private void retry()
    {
        if (closed)
        {
            return;
        }
        final long delay = backoffMs;
        backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void onConnAck(final MqttConnAckMessage ack)
    {
        final MqttConnectReturnCode code = ack.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED)
        {
            LOG.warn("MQTT bridge: {}:{} refused the connection: {}", ctx.host(), ctx.port(), code);
            link.close();
            return;
        }
        linkUp = true;
        backoffMs = BACKOFF_MIN_MS;
        metrics.bridgeConnected();
        LOG.info("MQTT bridge connected to {}:{}", ctx.host(), ctx.port());
        final MqttMessageBuilders.SubscribeBuilder subscribe = MqttMessageBuilders.subscribe().messageId(nextId());
        for (final String filter : ctx.filters())
        {
            subscribe.addSubscription(filter, new MqttSubscriptionOption(MqttQoS.AT_LEAST_ONCE, true, true,
                MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE));
        }
        link.write(subscribe.build());
        // Messages in flight when the link dropped go again, then the router's current state.
        for (final ByteBuf packet : inflight.values())
        {
            final ByteBuf copy = packet.retainedDuplicate();
            copy.setByte(0, copy.getByte(0) | PublishPacket.DUP);
            link.write(copy);
        }
        link.flush();
        clasp.resubscribe();
        clasp.scheduleDrain();
    }

    private void onBrokerPublish(final MqttPublishMessage m)
    {
        final int qos = m.fixedHeader().qosLevel().value();
        final boolean retain = m.fixedHeader().isRetain();
        final String topic = m.variableHeader().topicName();
        final ByteBuf payload = m.payload();
        if (clasp.writeFromBroker(topic, retain, payload))
        {
            metrics.bridgeIn();
        }
        if (qos == 1)
        {
            link.writeAndFlush(MqttSession.pubReply(MqttMessageType.PUBACK, m.variableHeader().packetId(), 0));
        }
        else if (qos == 2)
        {
            link.writeAndFlush(MqttSession.pubReply(MqttMessageType.PUBREC, m.variableHeader().packetId(), 0));
        }
    }

    private int nextId()
    {
        int id = nextPacketId;
        while (inflight.containsKey(id))
        {
            id = id == 0xFFFF ? 1 : id + 1;
        }
        nextPacketId = id == 0xFFFF ? 1 : id + 1;
        return id;
    }

    /** The MQTT side of the link: CONNACK, the broker's PUBLISHes, acknowledgements, keep-alive. */
    private final class BrokerLink extends ChannelInboundHandlerAdapter
    {
        public void channelRead(final ChannelHandlerContext c, final Object msg)
        {
            try
            {
                if (!(msg instanceof MqttMessage) || ((MqttMessage)msg).decoderResult().isFailure())
                {
                    c.close();
                    return;
                }
                final MqttMessage m = (MqttMessage)msg;
                switch (m.fixedHeader().messageType())
                {
                    case CONNACK:
                        onConnAck((MqttConnAckMessage)m);
                        break;
                    case PUBLISH:
                        onBrokerPublish((MqttPublishMessage)m);
                        break;
                    case PUBACK:
                    {
                        final ByteBuf packet = inflight.remove(((MqttMessageIdVariableHeader)m.variableHeader())
                            .messageId());
                        if (packet != null)
                        {
                            packet.release();
                            clasp.scheduleDrain();
                        }
                        break;
                    }
                    case PUBREL:
                        c.writeAndFlush(MqttSession.pubReply(MqttMessageType.PUBCOMP,
                            ((MqttMessageIdVariableHeader)m.variableHeader()).messageId(), 0));
                        break;
                    case DISCONNECT:
                        c.close();
                        break;
                    default:
                        break; // SUBACK, PINGRESP
                }
            }
            finally
            {
                ReferenceCountUtil.release(msg);
            }
        }

        public void userEventTriggered(final ChannelHandlerContext c, final Object evt)
        {
            if (evt instanceof IdleStateEvent)
            {
                c.writeAndFlush(MqttMessage.PINGREQ);
            }
        }

        public void channelWritabilityChanged(final ChannelHandlerContext c)
        {
            if (c.channel().isWritable())
            {
                clasp.scheduleDrain();
            }
        }

        public void channelInactive(final ChannelHandlerContext c)
        {
            if (c.channel() == link)
            {
                link = null;
                linkUp = false;
                if (!closed)
                {
                    LOG.warn("MQTT bridge: lost the link to {}:{}; reconnecting", ctx.host(), ctx.port());
                }
                retry();
            }
        }

        public void exceptionCaught(final ChannelHandlerContext c, final Throwable cause)
        {
            LOG.debug("MQTT bridge link error: {}", cause.toString());
            c.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // CLASP side (edge loop; the core calls outboundReady/close)
    // ------------------------------------------------------------------------------------------------------------

    /** The bridge's CLASP session: writes what the broker sends, receives what the broker should get. */
    private final class ClaspSide implements EdgeConnection, InboundGate.Listener
    {
        private final FrameDecoder decoder = new FrameDecoder();
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private final OutboundQueue.FrameHandler onFrame = this::onCoreFrame;
        private OutboundQueue queue;
        private InboundGate gate;
        private long connectionId = -1;
        private boolean ended;

        void open()
        {
            queue = inboundPort.connect(this);
            connectionId = queue.connectionId();
            ended = false;
            if (gate != null)
            {
                // Frames kept for the previous session are dropped with it; the re-subscription brings the state.
                gate.close();
                readingPaused(false);
            }
            gate = new InboundGate(inboundPort, loop, this).connectionId(connectionId);
            final byte[] name = HelloEncoder.nameBytes("mqtt bridge " + ctx.host() + ":" + ctx.port());
            final byte[] token = ctx.token() == null ? null : ctx.token().getBytes(StandardCharsets.UTF_8);
            send(HelloEncoder.encode(frame, 0, Qos.FIRE, 1, HelloEncoder.DEFAULT_FEATURES, new UnsafeBuffer(name), 0,
                name.length, token == null ? null : new UnsafeBuffer(token), 0,
                token == null ? 0 : token.length));
        }

        /** (Re-)subscribe to every filter's pattern: the core answers with the current state, sent as retained. */
        void resubscribe()
        {
            if (ended)
            {
                open(); // the core ended the previous session (e.g. it fell too far behind while the link was down)
            }
            long id = 1;
            for (final String filter : ctx.filters())
            {
                final String pattern = mapping.filterToPattern(filter);
                send(SubscribeEncoder.encode(frame, 0, Qos.FIRE, id++, pattern, SignalType.ALL_TYPES_MASK, null, null,
                    null, null));
            }
        }

        /** @return false when the router will never take the frame (closing, or the session ended). */
        boolean send(final int length)
        {
            return !ended && connectionId > 0 && length > 0 && gate.offer(frame, 0, length) != InboundPort.REFUSED;
        }

        boolean isReadingPaused()
        {
            return gate != null && gate.isPaused();
        }

        /** {@link InboundGate}: stop or resume reading the broker link. */
        public void readingPaused(final boolean paused)
        {
            if (link != null)
            {
                link.config().setAutoRead(!paused);
            }
        }

        /** {@link InboundGate}: the router is closing or ended this session: drop the link (it reconnects). */
        public void keptFrameRefused()
        {
            ended = true;
            if (link != null)
            {
                link.close();
            }
        }

        void end()
        {
            if (!ended)
            {
                ended = true;
                inboundPort.disconnect(connectionId);
            }
            gate.close();
        }

        /** A broker message into the router. @return whether the router took it. */
        boolean writeFromBroker(final String topic, final boolean retain, final ByteBuf payload)
        {
            final int addressLength = mapping.topicToAddress(topic, address, 0);
            if (addressLength < 0)
            {
                metrics.rejected(MqttMetrics.Rejection.INVALID_TOPIC);
                return false;
            }
            final int valueLength = payloads.toClasp(inboundView.wrap(payload), 0, payload.readableBytes(), value, 0,
                value.capacity());
            if (valueLength < 0)
            {
                metrics.rejected(MqttMetrics.Rejection.TOO_LARGE);
                return false;
            }
            final int length = retain ?
                SetEncoder.encode(frame, 0, Qos.FIRE, address, 0, addressLength, value, 0, valueLength, 0, 0, 0) :
                PublishEncoder.encode(frame, 0, Qos.FIRE, SignalType.EVENT, 0, address, 0, addressLength,
                    PublishDecoder.INDICATOR_VALUE, value, 0, valueLength, null, false, 0, false, 0, false, 0);
            if (!send(length))
            {
                metrics.rejected(MqttMetrics.Rejection.REFUSED_BY_ROUTER);
                return false;
            }
            if (retain)
            {
                final long hash = MqttSession.addressHash(address, 0, addressLength);
                ownWrites.put(hash, ownWrites.get(hash) + 1);
            }
            return true;
        }


        void scheduleDrain()
        {
            if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
            {
                loop.execute(() ->
                {
                    drainScheduled.set(false);
                    drain();
                });
            }
        }

        /** Router → broker, while the link is up and the in-flight window has room. */
        void drain()
        {
            if (queue == null || link == null || !linkUp)
            {
                return;
            }
            while (inflight.size() < MAX_INFLIGHT && link.isWritable())
            {
                if (queue.drain(onFrame, MAX_INFLIGHT - inflight.size()) == 0)
                {
                    break;
                }
            }
            link.flush();
        }

        private void onCoreFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            if (DecodeError.OK != decoder.decode(buffer, offset, length))
            {
                return;
            }
            final DirectBuffer p = decoder.payload();
            switch (decoder.type())
            {
                case MessageType.SET:
                {
                    final SetDecoder s = decoder.set();
                    final long hash = MqttSession.addressHash(p, s.addressOffset(), s.addressLength());
                    final long own = ownWrites.get(hash);
                    if (own > 0)
                    {
                        // The core's echo of a write that came from the broker: the broker has it already.
                        if (own == 1)
                        {
                            ownWrites.remove(hash);
                        }
                        else
                        {
                            ownWrites.put(hash, own - 1);
                        }
                        break;
                    }
                    toBroker(p, s.addressOffset(), s.addressLength(), s.value(), true);
                    break;
                }
                case MessageType.PUBLISH:
                {
                    final PublishDecoder d = decoder.publish();
                    toBroker(p, d.addressOffset(), d.addressLength(),
                        d.indicator() == PublishDecoder.INDICATOR_VALUE ? d.value() : null, false);
                    break;
                }
                case MessageType.SNAPSHOT:
                {
                    final SnapshotDecoder s = decoder.snapshot();
                    for (int i = 0, n = s.count(); i < n; i++)
                    {
                        s.entry(i);
                        if (!s.value().isNull())
                        {
                            toBroker(p, s.addressOffset(), s.addressLength(), s.value(), true);
                        }
                    }
                    break;
                }
                case MessageType.PING:
                    send(PongEncoder.encode(frame, 0));
                    break;
                case MessageType.ERROR:
                    LOG.debug("MQTT bridge: router error {} {}", decoder.error().code(), decoder.error().message());
                    metrics.rejected(MqttMetrics.Rejection.REFUSED_BY_ROUTER);
                    break;
                default:
                    break;
            }
        }

        private void toBroker(final DirectBuffer b, final int addressOffset, final int addressLength,
            final ValueView v, final boolean retain)
        {
            final int topic = mapping.topicOffset(b, addressOffset, addressLength);
            if (topic < 0)
            {
                return;
            }
            final DirectBuffer body;
            final int bodyOffset;
            final int bodyLength;
            if (v == null || v.isNull())
            {
                body = null;
                bodyOffset = 0;
                bodyLength = 0;
            }
            else if (JsonPayloads.isRaw(v))
            {
                body = v.buffer();
                bodyOffset = v.contentOffset();
                bodyLength = v.contentLength();
            }
            else
            {
                payloads.toMqtt(v);
                body = payloads.payload();
                bodyOffset = 0;
                bodyLength = payloads.payloadLength();
            }
            final int topicLength = addressOffset + addressLength - topic;
            final ByteBuf packet = link.alloc().buffer(PublishPacket.length(topicLength, 1, true, bodyLength));
            final int id = nextId();
            PublishPacket.write(packet, 1, retain, id, true, b, topic, topicLength, body, bodyOffset, bodyLength);
            inflight.put(id, packet.retain());
            link.write(packet);
            metrics.bridgeOut();
        }

        public void outboundReady()
        {
            scheduleDrain();
        }

        public void close(final int closeCode, final String reason)
        {
            loop.execute(() ->
            {
                ended = true;
                if (!closed)
                {
                    LOG.warn("MQTT bridge: the router closed its session ({} {}); it reopens with the link", closeCode,
                        reason);
                }
            });
        }

        public String remoteAddress()
        {
            return ctx.host() + ":" + ctx.port();
        }

        public String transport()
        {
            return "mqtt-bridge";
        }

        public boolean wantsStateOnHello()
        {
            return false;
        }
    }

    /** Bridge configuration: the broker, the topic filters to mirror, the namespace. */
    public static final class Context
    {
        private String host;
        private int port = 1883;
        private String username;
        private String password;
        private final List<String> filters = new ArrayList<>();
        private String namespace = MqttEdge.Context.NAMESPACE_DEFAULT;
        private String clientId;
        private int keepAliveSeconds = 30;
        private String token;
        private MqttMetrics metrics = new MqttMetrics();
        private EventLoopGroup eventLoopGroup;
        private boolean epoll;

        /**
         * Parse {@code mqtt://[user:password@]host[:port][,filter...]} (default port 1883, default filter {@code #}).
         *
         * @throws IllegalArgumentException with a message for the user.
         */
        public static Context parse(final String spec)
        {
            final String[] parts = spec.split(",");
            final URI uri;
            try
            {
                uri = new URI(parts[0].trim());
            }
            catch (final java.net.URISyntaxException ex)
            {
                throw new IllegalArgumentException("'" + parts[0] + "' is not mqtt://host:port");
            }
            if (!"mqtt".equals(uri.getScheme()) || uri.getHost() == null)
            {
                throw new IllegalArgumentException("'" + parts[0] + "' is not mqtt://host:port");
            }
            final Context ctx = new Context();
            ctx.host = uri.getHost();
            ctx.port = uri.getPort() < 0 ? 1883 : uri.getPort();
            if (uri.getUserInfo() != null)
            {
                final String[] user = uri.getUserInfo().split(":", 2);
                ctx.username = user[0];
                ctx.password = user.length > 1 ? user[1] : null;
            }
            for (int i = 1; i < parts.length; i++)
            {
                if (!parts[i].isBlank())
                {
                    ctx.filters.add(parts[i].trim());
                }
            }
            return ctx;
        }

        public Context conclude()
        {
            Objects.requireNonNull(host, "host");
            if (filters.isEmpty())
            {
                filters.add("#");
            }
            final TopicMapping mapping = new TopicMapping(namespace);
            for (final String filter : filters)
            {
                if (mapping.filterToPattern(filter) == null)
                {
                    throw new IllegalArgumentException("'" + filter + "' is not a topic filter the bridge can mirror");
                }
            }
            return this;
        }

        public String host()
        {
            return host;
        }

        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        public int port()
        {
            return port;
        }

        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public String username()
        {
            return username;
        }

        public String password()
        {
            return password;
        }

        public List<String> filters()
        {
            return filters;
        }

        public Context filter(final String filter)
        {
            filters.add(filter);
            return this;
        }

        public String namespace()
        {
            return namespace;
        }

        public Context namespace(final String namespace)
        {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        public String clientId()
        {
            return clientId;
        }

        public Context clientId(final String clientId)
        {
            this.clientId = clientId;
            return this;
        }

        public int keepAliveSeconds()
        {
            return keepAliveSeconds;
        }

        public String token()
        {
            return token;
        }

        /** HELLO token of the bridge's CLASP session when the router has auth on (null = none). */
        public Context token(final String token)
        {
            this.token = token;
            return this;
        }

        public MqttMetrics metrics()
        {
            return metrics;
        }

        /** Count into these metrics (the broker edge's, when both run). */
        public Context metrics(final MqttMetrics metrics)
        {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public EventLoopGroup eventLoopGroup()
        {
            return eventLoopGroup;
        }

        public boolean epoll()
        {
            return epoll;
        }

        public Context eventLoopGroup(final EventLoopGroup group, final boolean epoll)
        {
            this.eventLoopGroup = group;
            this.epoll = epoll;
            return this;
        }

        public String toString()
        {
            return "mqtt://" + host + ":" + port + filters;
        }
    }
}
