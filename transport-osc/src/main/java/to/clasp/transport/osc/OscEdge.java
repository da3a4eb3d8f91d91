package to.clasp.transport.osc;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.address.AddressRules;
import to.clasp.edge.EdgeConnection;
import to.clasp.edge.InboundPort;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.transport.ws.ByteBufView;
import to.clasp.transport.ws.EdgeLoop;
import to.clasp.transport.ws.InboundGate;

/**
 * OSC over UDP as an edge of the core. Inbound, every datagram on the OSC port is translated in place
 * ({@link OscToClasp}) and written through one CLASP session, "osc" (messages → SET, bundles → BUNDLE, scheduled at
 * their time tag). Outbound, each {@code --osc-send HOST:PORT=PATTERN} target is a CLASP session subscribed to the
 * pattern: the updates it receives leave as OSC messages from the OSC port, several queued together packed into one
 * bundle (time tag "immediately") per datagram.
 * <p>
 * One event loop does all of it: the first loop of the group it is given (the WebSocket edge's, hosting a shared core)
 * or its own. Malformed datagrams are counted and dropped; the loop never waits for the core: UDP has no way to push
 * back on a sender, so a translated frame the core's ring refuses is dropped and counted (see {@link #submit}).
 */
public final class OscEdge implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(OscEdge.class);

    private final Context ctx;
    private final InboundPort inboundPort;
    private final OscMetrics metrics = new OscMetrics();
    private final OscToClasp translator;
    private final EdgeLoop edgeLoop;
    private final EventLoop loop;
    private final Channel channel;
    private final InetSocketAddress localAddress;
    private final Input input = new Input();
    private final List<Target> targets = new ArrayList<>();
    private final ByteBufView datagramView = new ByteBufView();
    private final OscToClasp.FrameSink sink = this::submit;
    private volatile boolean closed;

    private OscEdge(final Context ctx, final InboundPort inboundPort) throws InterruptedException
    {
        this.ctx = ctx;
        this.inboundPort = inboundPort;
        this.translator = new OscToClasp(ctx.namespace());
        this.edgeLoop = EdgeLoop.of(ctx.eventLoopGroup(), ctx.epoll(), "clasp-osc-io");
        this.loop = edgeLoop.loop();
        final Bootstrap bootstrap = new Bootstrap()
            .group(loop)
            .channel(edgeLoop.datagramChannel())
            .option(ChannelOption.SO_RCVBUF, ctx.receiveBufferBytes())
            .option(ChannelOption.SO_REUSEADDR, true)
            // A datagram is at most 65 535 bytes; one buffer of that size per read, recycled by the pool.
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536))
            .handler(new SimpleChannelInboundHandler<DatagramPacket>()
            {
                protected void channelRead0(final ChannelHandlerContext c, final DatagramPacket packet)
                {
                    onDatagram(packet.content());
                }

                public void channelWritabilityChanged(final ChannelHandlerContext c)
                {
                    if (c.channel().isWritable())
                    {
                        for (final Target t : targets)
                        {
                            t.scheduleDrain();
                        }
                    }
                }

                public void exceptionCaught(final ChannelHandlerContext c, final Throwable cause)
                {
                    LOG.debug("osc socket error: {}", cause.toString()); // e.g. ICMP port unreachable from a target
                }
            });
        try
        {
            channel = bootstrap.bind(ctx.host(), ctx.port()).sync().channel();
        }
        catch (final Throwable t)
        {
            edgeLoop.closeNow();
            throw t;
        }
        localAddress = (InetSocketAddress)channel.localAddress();
        metrics.localPort(localAddress.getPort());
        loop.submit(() ->
        {
            input.open();
            for (final Context.Target t : ctx.targets())
            {
                final Target target = new Target(t);
                targets.add(target);
                target.open();
            }
        }).sync();
        LOG.info("OSC edge listening on udp {}:{} (namespace {}){}", localAddress.getHostString(),
            localAddress.getPort(), ctx.namespace().isEmpty() ? "/" : ctx.namespace(),
            ctx.targets().isEmpty() ? "" : ", sending to " + ctx.targets());
    }

    /** Bind the UDP port, open the input session and one session per target. */
    public static OscEdge launch(final Context ctx, final InboundPort inboundPort)
    {
        Objects.requireNonNull(inboundPort, "inboundPort");
        ctx.conclude();
        try
        {
            return new OscEdge(ctx, inboundPort);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", ex);
        }
    }

    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    public OscMetrics metrics()
    {
        return metrics;
    }

    public Context context()
    {
        return ctx;
    }

    /** Stop reading datagrams (first step of a shutdown); the sessions end when the core closes them. */
    public void stopAccepting()
    {
        channel.config().setAutoRead(false);
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
                input.end();
                for (final Target t : targets)
                {
                    t.end();
                }
            }).await(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        channel.close().syncUninterruptibly();
        edgeLoop.close();
        LOG.info("OSC edge on port {} closed", localAddress.getPort());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Inbound (edge loop)
    // ------------------------------------------------------------------------------------------------------------

    private void onDatagram(final ByteBuf content)
    {
        final int length = content.readableBytes();
        final DirectBuffer view = datagramView.wrap(content);
        final int rc = translator.translate(view, 0, length, System.currentTimeMillis() * 1000, sink);
        switch (rc)
        {
            case OscToClasp.OK:
                metrics.translated(translator.messages(), translator.bundles());
                break;
            case OscToClasp.TOO_LARGE:
                metrics.countTooLarge();
                break;
            default:
                metrics.countMalformed();
                break;
        }
    }

    /**
     * One translated frame into the core, offered and never waited for: when the ring is full (only on a loop that
     * does not host the core: the host runs the core to make room) or the router is closing, it is dropped and
     * counted ({@code clasp_osc_refused}). UDP senders expect loss; the alternative would be the kernel's buffer.
     */
    private void submit(final DirectBuffer frame, final int offset, final int length)
    {
        if (input.ended || input.connectionId < 0 || input.gate.isKeeping() ||
            inboundPort.offer(input.connectionId, frame, offset, length) != InboundPort.OFFERED)
        {
            metrics.countRefused();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // CLASP sessions of the edge
    // ------------------------------------------------------------------------------------------------------------

    /**
     * What the input and the targets share: a CLASP session that says HELLO and answers the core's probes. Those frames
     * of its own go through an {@link InboundGate} (nothing to pause: a full ring keeps them until it drained), so a
     * probe's PONG is never lost to a momentary full ring.
     */
    private abstract class Session implements EdgeConnection, InboundGate.Listener
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        final FrameDecoder decoder = new FrameDecoder();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        final Runnable drainTask = () ->
        {
            drainScheduled.set(false);
            drain();
        };
        final OutboundQueue.FrameHandler onFrame = this::onCoreFrame;
        OutboundQueue queue;
        InboundGate gate;
        long connectionId = -1;
        boolean ended;

        void open()
        {
            queue = inboundPort.connect(this);
            connectionId = queue.connectionId();
            gate = new InboundGate(inboundPort, loop, this).connectionId(connectionId);
            final byte[] name = HelloEncoder.nameBytes(name());
            final byte[] token = ctx.token() == null ? null : ctx.token().getBytes(StandardCharsets.UTF_8);
            send(scratch, 0, HelloEncoder.encode(scratch, 0, Qos.FIRE, 1, HelloEncoder.DEFAULT_FEATURES,
                new UnsafeBuffer(name), 0, name.length, token == null ? null : new UnsafeBuffer(token),
                0, token == null ? 0 : token.length));
        }

        abstract String name();

        void send(final DirectBuffer frame, final int offset, final int length)
        {
            if (!ended && connectionId > 0 && length > 0)
            {
                gate.offer(frame, offset, length);
            }
        }

        /** {@link InboundGate}: a session of the edge reads nothing of its own (the input never pauses the socket). */
        public void readingPaused(final boolean paused)
        {
        }

        /** {@link InboundGate}: the router is closing; its close of this session follows. */
        public void keptFrameRefused()
        {
        }

        void end()
        {
            if (!ended)
            {
                ended = true;
                if (connectionId > 0)
                {
                    inboundPort.disconnect(connectionId);
                }
            }
            if (gate != null)
            {
                gate.close();
            }
        }

        void scheduleDrain()
        {
            if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true))
            {
                loop.execute(drainTask);
            }
        }

        void drain()
        {
            if (queue != null)
            {
                queue.drain(onFrame, Integer.MAX_VALUE);
            }
        }

        void onCoreFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            if (DecodeError.OK != decoder.decode(buffer, offset, length))
            {
                return;
            }
            switch (decoder.type())
            {
                case MessageType.PING:
                    send(scratch, 0, PongEncoder.encode(scratch, 0));
                    break;
                case MessageType.ERROR:
                    metrics.routerError();
                    LOG.debug("osc {}: router error {} {}", name(), decoder.error().code(), decoder.error().message());
                    break;
                default:
                    onUpdate(buffer, offset, length);
                    break;
            }
        }

        void onUpdate(final DirectBuffer buffer, final int offset, final int length)
        {
        }

        public void outboundReady()
        {
            scheduleDrain();
        }

        public void close(final int closeCode, final String reason)
        {
            loop.execute(() ->
            {
                drain();
                if (!ended)
                {
                    ended = true;
                    if (!closed)
                    {
                        LOG.warn("osc {}: the router closed the session ({} {})", name(), closeCode, reason);
                    }
                }
            });
        }

        public String transport()
        {
            return "osc";
        }

        public boolean wantsStateOnHello()
        {
            return false;
        }
    }

    /** The session every inbound OSC datagram writes through. */
    private final class Input extends Session
    {
        String name()
        {
            return "osc udp " + localAddress.getPort();
        }

        public String remoteAddress()
        {
            return "udp:" + localAddress.getPort();
        }
    }

    /** One {@code --osc-send} target: a session subscribed to its pattern, delivering as OSC. */
    private final class Target extends Session
    {
        private final Context.Target target;
        private final InetSocketAddress recipient;
        private final ClaspToOsc writer = new ClaspToOsc(ctx.namespace());
        private final UnsafeBuffer message = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH * 2]);
        private ByteBuf datagram;
        private int inDatagram;

        Target(final Context.Target target)
        {
            this.target = target;
            this.recipient = new InetSocketAddress(target.host(), target.port());
        }

        String name()
        {
            return "osc send " + target;
        }

        public String remoteAddress()
        {
            return recipient.toString();
        }

        void open()
        {
            super.open();
            final byte[] pattern = target.pattern().getBytes(StandardCharsets.UTF_8);
            send(scratch, 0, SubscribeEncoder.encode(scratch, 0, Qos.FIRE, 1, new UnsafeBuffer(pattern), 0,
                pattern.length, SignalType.ALL_TYPES_MASK, 0, 0, 0, 0, 0));
        }

        void drain()
        {
            if (!channel.isWritable())
            {
                return; // resumed on writability; meanwhile the core's queue limits apply
            }
            super.drain();
            emit();
        }

        void onUpdate(final DirectBuffer buffer, final int offset, final int length)
        {
            final FrameDecoder d = decoder;
            switch (d.type())
            {
                case MessageType.SET:
                {
                    final SetDecoder s = d.set();
                    add(writer.message(d.payload(), s.addressOffset(), s.addressLength(), s.value(), message, 0));
                    break;
                }
                case MessageType.PUBLISH:
                {
                    final PublishDecoder p = d.publish();
                    add(writer.message(d.payload(), p.addressOffset(), p.addressLength(),
                        p.indicator() == PublishDecoder.INDICATOR_VALUE ? p.value() : null, message, 0));
                    break;
                }
                case MessageType.SNAPSHOT:
                {
                    // The subscription's current state: a target that starts gets every value once.
                    final SnapshotDecoder s = d.snapshot();
                    for (int i = 0, n = s.count(); i < n; i++)
                    {
                        s.entry(i);
                        add(writer.message(d.payload(), s.addressOffset(), s.addressLength(), s.value(), message, 0));
                    }
                    break;
                }
                default:
                    break; // WELCOME, PONG
            }
        }

        /** Append one OSC message to the datagram being built; send first when it would not fit. */
        private void add(final int length)
        {
            if (length < 0 || length > MAX_UDP_PAYLOAD - ClaspToOsc.BUNDLE_HEADER_LENGTH - 4)
            {
                metrics.sendDropped(1);
                return;
            }
            final int limit = ctx.maxDatagramBytes();
            if (datagram != null && datagram.readableBytes() + 4 + length > limit)
            {
                emit();
            }
            if (datagram == null)
            {
                datagram = channel.alloc().directBuffer(Math.max(limit, ClaspToOsc.BUNDLE_HEADER_LENGTH + 4 + length));
                datagram.writerIndex(ClaspToOsc.BUNDLE_HEADER_LENGTH); // room for a bundle header, if needed
                inDatagram = 0;
            }
            datagram.writeInt(length);
            datagram.writeBytes(message.byteArray(), 0, length);
            inDatagram++;
        }

        /** Send what was added: one message alone, several as a bundle. */
        private void emit()
        {
            final ByteBuf d = datagram;
            if (d == null)
            {
                return;
            }
            datagram = null;
            if (inDatagram == 1)
            {
                d.readerIndex(ClaspToOsc.BUNDLE_HEADER_LENGTH + 4);
            }
            else
            {
                d.setBytes(0, BUNDLE_PREFIX);
                d.setLong(8, OscToClasp.IMMEDIATELY);
            }
            final int messages = inDatagram;
            // Counted when handed to the socket (the receiver may have it before a completion listener would run);
            // a send the socket then refuses is counted again as dropped.
            metrics.sent(messages);
            channel.writeAndFlush(new DatagramPacket(d, recipient)).addListener(f ->
            {
                if (!f.isSuccess())
                {
                    metrics.sendDropped(messages);
                }
            });
        }
    }

    private static final byte[] BUNDLE_PREFIX = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0};
    /** The largest UDP payload over IPv4. */
    static final int MAX_UDP_PAYLOAD = 65_507;

    /**
     * Configuration of the OSC edge; defaults as the reference's ({@code /osc}, port 8000).
     */
    public static final class Context
    {
        public static final int PORT_DEFAULT = 8000;
        public static final String NAMESPACE_DEFAULT = "/osc";
        /** Outbound datagrams hold at most this much (an Ethernet MTU's UDP payload), unless one message is larger. */
        public static final int MAX_DATAGRAM_DEFAULT = 1_472;
        public static final int RECEIVE_BUFFER_DEFAULT = 4 * 1024 * 1024;

        private String host = System.getProperty("clasp.osc.host", "0.0.0.0");
        private int port = Integer.getInteger("clasp.osc.port", PORT_DEFAULT);
        private String namespace = System.getProperty("clasp.osc.namespace", NAMESPACE_DEFAULT);
        private int maxDatagramBytes = Integer.getInteger("clasp.osc.max.datagram", MAX_DATAGRAM_DEFAULT);
        private int receiveBufferBytes = Integer.getInteger("clasp.osc.receive.buffer", RECEIVE_BUFFER_DEFAULT);
        private String token;
        private final List<Target> targets = new ArrayList<>();
        private EventLoopGroup eventLoopGroup;
        private boolean epoll;

        /** One outbound target: where, and which CLASP updates. */
        public static final class Target
        {
            private final String host;
            private final int port;
            private final String pattern;

            public Target(final String host, final int port, final String pattern)
            {
                this.host = host;
                this.port = port;
                this.pattern = pattern;
            }

            /**
             * Parse {@code HOST:PORT=PATTERN}.
             *
             * @throws IllegalArgumentException with a message for the user.
             */
            public static Target parse(final String spec)
            {
                final int eq = spec.indexOf('=');
                final int colon = eq < 0 ? -1 : spec.lastIndexOf(':', eq);
                if (eq < 0 || colon <= 0)
                {
                    throw new IllegalArgumentException("'" + spec + "' is not HOST:PORT=PATTERN");
                }
                final int port;
                try
                {
                    port = Integer.parseInt(spec.substring(colon + 1, eq));
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("'" + spec + "': the port is not a number");
                }
                if (port < 1 || port > 65_535)
                {
                    throw new IllegalArgumentException("'" + spec + "': the port must be 1..65535");
                }
                final String pattern = spec.substring(eq + 1);
                if (!AddressRules.isValidPattern(pattern))
                {
                    throw new IllegalArgumentException("'" + spec + "': '" + pattern + "' is not a CLASP pattern");
                }
                return new Target(spec.substring(0, colon), port, pattern);
            }

            public String host()
            {
                return host;
            }

            public int port()
            {
                return port;
            }

            public String pattern()
            {
                return pattern;
            }

            public String toString()
            {
                return host + ":" + port + "=" + pattern;
            }
        }

        public Context conclude()
        {
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            new OscToClasp(namespace); // validates
            if (maxDatagramBytes < 64 || maxDatagramBytes > MAX_UDP_PAYLOAD)
            {
                throw new IllegalArgumentException("maxDatagramBytes must be 64..65507: " + maxDatagramBytes);
            }
            return this;
        }

        public String host()
        {
            return host;
        }

        public Context host(final String host)
        {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public int port()
        {
            return port;
        }

        /** UDP port, default {@value #PORT_DEFAULT}; 0 picks a free one. */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public String namespace()
        {
            return namespace;
        }

        /** CLASP prefix of OSC addresses, default {@value #NAMESPACE_DEFAULT}; "" for none. */
        public Context namespace(final String namespace)
        {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        public List<Target> targets()
        {
            return targets;
        }

        public Context target(final Target target)
        {
            targets.add(target);
            return this;
        }

        public int maxDatagramBytes()
        {
            return maxDatagramBytes;
        }

        public Context maxDatagramBytes(final int bytes)
        {
            this.maxDatagramBytes = bytes;
            return this;
        }

        public int receiveBufferBytes()
        {
            return receiveBufferBytes;
        }

        /** SO_RCVBUF asked for (the kernel caps it at net.core.rmem_max). */
        public Context receiveBufferBytes(final int bytes)
        {
            this.receiveBufferBytes = bytes;
            return this;
        }

        public String token()
        {
            return token;
        }

        /** The HELLO token the edge's sessions present when the router has auth on (null = none). */
        public Context token(final String token)
        {
            this.token = token;
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

        /** Run on the first loop of this group instead of a loop of the edge's own. */
        public Context eventLoopGroup(final EventLoopGroup group, final boolean epoll)
        {
            this.eventLoopGroup = group;
            this.epoll = epoll;
            return this;
        }
    }
}
