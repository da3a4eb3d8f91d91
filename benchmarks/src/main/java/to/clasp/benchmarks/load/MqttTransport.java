package to.clasp.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import to.clasp.transport.ws.NettyClientTransport;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MQTT 3.1.1, QoS 0 both ways (the counterpart of CLASP's Fire), topic {@code bench/t}, wildcard {@code bench/+}:
 * the generator's own lean client on Netty (epoll), built like {@link ClaspWsTransport} so that the generator, not
 * the broker, is no longer what limits an MQTT run. The same client drives Mosquitto and this router's MQTT edge.
 * <ul>
 * <li>PUBLISH is written straight into a pooled batch buffer: a pre-encoded fixed header and topic per topic, then the
 * {@link Payload} times and zero padding; no object per message, one write per batch.</li>
 * <li>Inbound packets are parsed in place in Netty's cumulation buffer (a flyweight read of the PUBLISH topic length
 * and payload), so a subscriber allocates nothing per delivery.</li>
 * <li>CONNECT → CONNACK, SUBSCRIBE → SUBACK and PINGREQ → PINGRESP are round trips the broker answers in order;
 * PINGREQ is also the end-of-run barrier and keeps idle connections alive.</li>
 * </ul>
 * The third-party clients (Paho Java, mosquitto_pub/sub, python3-paho-mqtt) stay in the interoperability tests;
 * this client exists to measure brokers, not to prove compatibility.
 */
public final class MqttTransport implements Transport
{
    private static final int BATCH_BYTES = 64 * 1024;
    private static final long TIMEOUT_MS = 10_000;
    /** Keep-alive announced in CONNECT (600 s); a PINGREQ goes out at half of it on every connection. */
    private static final long PING_EVERY_S = 300;
    private static final int PUBLISH = 3;
    private static final int CONNACK = 2;
    private static final int SUBACK = 9;
    private static final int PINGRESP = 13;
    private static final byte[] PINGREQ = {(byte)0xC0, 0};
    private static final byte[] DISCONNECT = {(byte)0xE0, 0};

    private final String host;
    private final int port;
    private final int payloadSize;
    /** Per topic: the PUBLISH fixed header (QoS 0, no retain), remaining length, topic length and topic. */
    private final byte[][] publishPrefix;
    private final EventLoopGroup group;
    private final EventLoopGroup publisherGroup;
    private final EventLoop publisherLoop;
    private volatile boolean subscribersOnSendingLoop;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger ids = new AtomicInteger();

    /** @param url {@code tcp://host:port} */
    public MqttTransport(final String url, final int payloadSize, final int topicCount)
    {
        final URI uri = URI.create(url);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.payloadSize = payloadSize;
        publishPrefix = new byte[topicCount][];
        for (int t = 0; t < topicCount; t++)
        {
            publishPrefix[t] = publishPrefix("bench/" + t, payloadSize);
        }
        group = NettyClientTransport.newEventLoopGroup(1);
        publisherGroup = NettyClientTransport.newEventLoopGroup(1);
        publisherLoop = publisherGroup.next();
    }

    /** Everything of a QoS 0 PUBLISH to {@code topic} that comes before its payload. */
    static byte[] publishPrefix(final String topic, final int payloadSize)
    {
        final byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        final int remaining = 2 + name.length + payloadSize;
        final byte[] length = remainingLength(remaining);
        final byte[] prefix = new byte[1 + length.length + 2 + name.length];
        prefix[0] = (byte)(PUBLISH << 4);
        System.arraycopy(length, 0, prefix, 1, length.length);
        prefix[1 + length.length] = (byte)(name.length >>> 8);
        prefix[2 + length.length] = (byte)name.length;
        System.arraycopy(name, 0, prefix, 3 + length.length, name.length);
        return prefix;
    }

    private static byte[] remainingLength(final int value)
    {
        final byte[] out = new byte[value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4];
        int remaining = value;
        for (int i = 0; i < out.length; i++)
        {
            final int b = remaining & 0x7F;
            remaining >>>= 7;
            out[i] = (byte)(remaining > 0 ? b | 0x80 : b);
        }
        return out;
    }

    public String name()
    {
        return "mosquitto";
    }

    /** Connections lost, refused CONNECTs or SUBSCRIBEs, malformed or unexpected packets, unanswered pings. */
    public long errors()
    {
        return errors.get();
    }

    /**
     * Publishers' connections live on an event loop of their own and the sending loop runs on its thread, as for
     * {@link ClaspWsTransport}: every flush is a write on the sending thread itself. With QoS 0 the broker sends
     * publishers nothing but the answers to the round trips.
     */
    public SendingLoop sendingLoop()
    {
        return SendingLoop.of(publisherLoop, true);
    }

    public void subscribersOnSendingLoop(final boolean shared)
    {
        this.subscribersOnSendingLoop = shared;
    }

    public Endpoint connect(final Receiver receiver) throws Exception
    {
        final Inbound inbound = new Inbound(receiver, errors);
        final Bootstrap bootstrap = new Bootstrap()
            .group(receiver == Receiver.NONE || subscribersOnSendingLoop ? publisherLoop : group)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)TIMEOUT_MS)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .handler(inbound);
        final Channel channel = bootstrap.connect(host, port).sync().channel();
        final MqttEndpoint endpoint = new MqttEndpoint(channel, inbound);
        try
        {
            final CompletableFuture<Void> connack = inbound.expect(CONNACK, 0);
            channel.writeAndFlush(Unpooled.wrappedBuffer(IdleClientTransport.mqttConnect(
                "bench-" + ProcessHandle.current().pid() + "-" + ids.incrementAndGet())));
            connack.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            endpoint.close();
            throw ex;
        }
        endpoint.startPings();
        return endpoint;
    }

    public void close()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        publisherGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** One connection's sending side; {@link #send} and {@link #flush} only from the generator's sending thread. */
    private final class MqttEndpoint implements Endpoint
    {
        private final Channel channel;
        private final Inbound inbound;
        private final AtomicInteger packetIds = new AtomicInteger();
        private ScheduledFuture<?> pings;
        private ByteBuf batch;

        MqttEndpoint(final Channel channel, final Inbound inbound)
        {
            this.channel = channel;
            this.inbound = inbound;
        }

        void startPings()
        {
            pings = channel.eventLoop().scheduleAtFixedRate(new Runnable()
            {
                private CompletableFuture<?> last;

                public void run()
                {
                    if (last != null && !last.isDone())
                    {
                        errors.incrementAndGet(); // the last PINGREQ got no PINGRESP in half a keep-alive
                    }
                    last = roundTrip();
                }
            }, PING_EVERY_S, PING_EVERY_S, TimeUnit.SECONDS);
        }

        private int nextPacketId()
        {
            return 1 + (packetIds.getAndIncrement() & 0xFFFE); // 1..65535, never 0
        }

        public void subscribeAll() throws Exception
        {
            subscribeTo("bench/+");
        }

        public void subscribe(final int topic) throws Exception
        {
            subscribeTo("bench/" + topic);
        }

        /** SUBSCRIBE at QoS 0; returns once the SUBACK granted it. */
        private void subscribeTo(final String filter) throws Exception
        {
            final int id = nextPacketId();
            final CompletableFuture<Void> suback = inbound.expect(SUBACK, id);
            channel.writeAndFlush(Unpooled.wrappedBuffer(IdleClientTransport.mqttSubscribe(id, filter)));
            suback.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        /**
         * PINGREQ → PINGRESP. A broker handles a connection's packets in order, so the PINGRESP comes after every
         * PUBLISH sent before it was handled (this router answers a PINGREQ only once its core has handled what came
         * before; an UNSUBSCRIBE of a filter nobody has is answered at once by its edge, so it is no barrier there),
         * and on a subscriber after what the broker queued for it before.
         */
        public CompletableFuture<?> roundTrip()
        {
            final CompletableFuture<Void> pingresp = inbound.expect(PINGRESP, 0);
            // Queued on the channel's loop behind everything the sending thread wrote.
            channel.writeAndFlush(Unpooled.wrappedBuffer(PINGREQ));
            return pingresp;
        }

        /** False while the socket is full: the unwindowed flood then waits on TCP back-pressure alone. */
        public boolean writable()
        {
            return channel.isWritable();
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            final byte[] prefix = publishPrefix[topic];
            final int size = prefix.length + payloadSize;
            if (batch == null)
            {
                batch = channel.alloc().directBuffer(Math.max(BATCH_BYTES, size));
            }
            else if (batch.writableBytes() < size)
            {
                flush();
                batch = channel.alloc().directBuffer(Math.max(BATCH_BYTES, size));
            }
            batch.writeBytes(prefix);
            batch.writeLongLE(intendedNs);
            batch.writeLongLE(sentNs);
            batch.writeZero(payloadSize - Payload.MIN_SIZE);
        }

        public void flush()
        {
            final ByteBuf out = batch;
            batch = null;
            if (out != null)
            {
                channel.writeAndFlush(out, channel.voidPromise());
            }
        }

        public void close()
        {
            if (pings != null)
            {
                pings.cancel(false);
            }
            if (batch != null)
            {
                batch.release();
                batch = null;
            }
            inbound.closing = true;
            if (channel.isActive())
            {
                channel.writeAndFlush(Unpooled.wrappedBuffer(DISCONNECT));
            }
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /**
     * Receiving side, on the connection's event loop: packets are parsed where they lie in the cumulation buffer; a
     * PUBLISH goes to the receiver as its two payload times, nothing else is kept.
     */
    private static final class Inbound extends ByteToMessageDecoder
    {
        private final Receiver receiver;
        private final AtomicLong errors;
        /** Acknowledgements awaited, in the order the requests went out (a broker answers them in that order). */
        private final ConcurrentLinkedQueue<Awaited> awaited = new ConcurrentLinkedQueue<>();
        volatile boolean closing;

        Inbound(final Receiver receiver, final AtomicLong errors)
        {
            this.receiver = receiver;
            this.errors = errors;
        }

        CompletableFuture<Void> expect(final int type, final int packetId)
        {
            final Awaited a = new Awaited(type, packetId);
            awaited.add(a);
            return a.done;
        }

        protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
        {
            while (true)
            {
                final int start = in.readerIndex();
                final int available = in.writerIndex() - start;
                if (available < 2)
                {
                    return;
                }
                int length = 0;
                int shift = 0;
                int p = start + 1;
                int b;
                do
                {
                    if (p >= in.writerIndex())
                    {
                        return; // remaining length not complete yet
                    }
                    b = in.getByte(p++) & 0xFF;
                    length |= (b & 0x7F) << shift;
                    shift += 7;
                }
                while ((b & 0x80) != 0 && shift < 28);
                if (in.writerIndex() - p < length)
                {
                    return;
                }
                onPacket(in.getByte(start) & 0xFF, in, p, length);
                in.readerIndex(p + length);
            }
        }

        private void onPacket(final int header, final ByteBuf in, final int body, final int length)
        {
            final int type = header >>> 4;
            if (type == PUBLISH)
            {
                final int qos = (header >>> 1) & 3;
                final int payload = body + 2 + in.getUnsignedShort(body) + (qos > 0 ? 2 : 0);
                if (body + length - payload >= Payload.MIN_SIZE)
                {
                    receiver.onMessage(in.getLongLE(payload + Payload.INTENDED_OFFSET),
                        in.getLongLE(payload + Payload.SENT_OFFSET));
                }
                return;
            }
            final Awaited a = awaited.peek();
            if (a == null || a.type != type)
            {
                errors.incrementAndGet(); // a packet this client never asked for
                return;
            }
            awaited.poll();
            if (type == CONNACK)
            {
                // 3.1.1 CONNACK: acknowledge flags, return code (0 = accepted)
                complete(a, length >= 2 && in.getByte(body + 1) == 0, "CONNACK refused");
            }
            else if (type == SUBACK)
            {
                complete(a, length >= 3 && in.getUnsignedShort(body) == a.packetId &&
                    (in.getByte(body + length - 1) & 0xFF) != 0x80, "SUBACK: subscription refused");
            }
            else
            {
                a.done.complete(null); // PINGRESP
            }
        }

        private void complete(final Awaited a, final boolean ok, final String failure)
        {
            if (ok)
            {
                a.done.complete(null);
            }
            else
            {
                errors.incrementAndGet();
                a.done.completeExceptionally(new java.io.IOException(failure));
            }
        }

        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            if (!closing)
            {
                errors.incrementAndGet(); // the broker closed the connection
            }
            Awaited a;
            while ((a = awaited.poll()) != null)
            {
                a.done.completeExceptionally(new java.io.IOException("connection closed before the answer"));
            }
            super.channelInactive(ctx);
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (!closing)
            {
                errors.incrementAndGet();
            }
            ctx.close();
        }
    }

    private static final class Awaited
    {
        final int type;
        final int packetId;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Awaited(final int type, final int packetId)
        {
            this.type = type;
            this.packetId = packetId;
        }
    }
}
