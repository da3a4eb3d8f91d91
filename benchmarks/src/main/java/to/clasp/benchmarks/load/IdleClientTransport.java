package to.clasp.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import to.clasp.transport.ws.NettyClientTransport;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that only connect, subscribe and then sit idle, for the connections and storm scenarios. jnats and Paho
 * start two or three threads per connection; 10 000 of them exhaust this machine's thread limit (pthread_create fails
 * with EAGAIN) before the router is tested. These clients speak just the handshake of each protocol — NATS: CONNECT,
 * SUB, PING → PONG; MQTT 3.1.1: CONNECT → CONNACK, SUBSCRIBE → SUBACK; CLASP: WebSocket upgrade, HELLO → WELCOME,
 * SUBSCRIBE + PING → PONG — as pre-built bytes on one shared event loop, so that a storm measures the router's
 * handshake, not the generator's client stack. They never publish.
 */
public final class IdleClientTransport implements Transport
{
    /** The two protocols. */
    public enum Protocol
    {
        NATS, MQTT, CLASP
    }

    private static final byte[] CLASP_PING = ClaspFrames.ping(true);

    private static final long TIMEOUT_MS = 10_000;

    private final String name;
    private final Protocol protocol;
    private final String host;
    private final int port;
    private final EventLoopGroup group = NettyClientTransport.newEventLoopGroup(1);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final byte[] claspHello;
    private final byte[] claspUpgrade;
    /** Resolved once: a storm must not time the resolver. */
    private final InetSocketAddress remote;
    /** One bootstrap for every connection; its initializer gives each channel its own {@link Replies}. */
    private final Bootstrap bootstrap;

    public IdleClientTransport(final String name, final Protocol protocol, final String host, final int port)
    {
        this(name, protocol, host, port, null);
    }

    /** @param token the token CLASP clients send in HELLO, or null. */
    public IdleClientTransport(final String name, final Protocol protocol, final String host, final int port,
        final String token)
    {
        this.name = name;
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.claspHello = ClaspFrames.hello("clasp-bench-idle", true, token);
        this.claspUpgrade = ("GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: clasp\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.remote = new InetSocketAddress(host, port);
        final AtomicLong errorCount = errors;
        this.bootstrap = new Bootstrap()
            .group(group)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)TIMEOUT_MS)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(new Replies(protocol, errorCount));
                }
            });
    }

    public String name()
    {
        return name;
    }

    public long errors()
    {
        return errors.get();
    }

    public Endpoint connect(final Receiver receiver) throws Exception
    {
        final Channel channel = bootstrap.connect(remote).sync().channel();
        final IdleEndpoint endpoint = new IdleEndpoint(channel, channel.pipeline().get(Replies.class));
        try
        {
            if (protocol == Protocol.CLASP)
            {
                endpoint.request(claspUpgrade);
                endpoint.request(claspHello);
            }
            else
            {
                endpoint.request(firstRequest());
            }
        }
        catch (final Exception ex)
        {
            channel.close();
            throw ex;
        }
        return endpoint;
    }

    /**
     * One storm client without a thread of its own: connect, handshake and subscribe to {@code topic}, each step
     * sent from the event loop as soon as the previous answer is read (the CLASP client, like the JS client, sends
     * HELLO only after the 101). Timed from just before the TCP connect.
     *
     * @return completes on the event loop with the connected endpoint and its phase times, or exceptionally.
     */
    public CompletableFuture<Handshake> handshake(final int topic)
    {
        final long t0 = System.nanoTime();
        final CompletableFuture<Handshake> done = new CompletableFuture<>();
        bootstrap.connect(remote).addListener((ChannelFutureListener)connected ->
        {
            if (!connected.isSuccess())
            {
                errors.incrementAndGet();
                done.completeExceptionally(connected.cause());
                return;
            }
            final Channel channel = connected.channel();
            final IdleEndpoint endpoint = new IdleEndpoint(channel, channel.pipeline().get(Replies.class));
            final Handshake h = new Handshake(endpoint, System.nanoTime() - t0);
            final CompletableFuture<Void> answered;
            if (protocol == Protocol.CLASP)
            {
                answered = endpoint.requestAsync(claspUpgrade).thenCompose(v ->
                {
                    h.upgradedNs = System.nanoTime() - t0;
                    return endpoint.requestAsync(claspHello);
                });
            }
            else
            {
                answered = endpoint.requestAsync(firstRequest());
            }
            answered.thenCompose(v ->
            {
                h.answeredNs = System.nanoTime() - t0;
                return endpoint.requestAsync(endpoint.subscribeBytes(topic));
            }).whenComplete((v, failure) ->
            {
                if (failure != null)
                {
                    channel.close();
                    done.completeExceptionally(failure);
                }
                else
                {
                    done.complete(h);
                }
            });
            final io.netty.util.concurrent.ScheduledFuture<?> timeout = channel.eventLoop().schedule(() ->
            {
                if (done.completeExceptionally(new java.util.concurrent.TimeoutException("handshake")))
                {
                    errors.incrementAndGet();
                    channel.close();
                }
            }, TIMEOUT_MS, TimeUnit.MILLISECONDS);
            done.whenComplete((ok, failure) -> timeout.cancel(false));
        });
        return done;
    }

    /** What a NATS or MQTT client sends first and waits on: CONNECT + PING (PONG), CONNECT (CONNACK). */
    private byte[] firstRequest()
    {
        if (protocol == Protocol.NATS)
        {
            return "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"bench\"}\r\nPING\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        }
        return mqttConnect("bench-idle-" + ProcessHandle.current().pid() + "-" + ids.incrementAndGet());
    }

    /** A storm client's phase times, ns from the start of its TCP connect. */
    public static final class Handshake
    {
        public final Endpoint endpoint;
        /** TCP connect completed. */
        public final long connectedNs;
        /** The 101 answer to the WebSocket upgrade read (CLASP only; -1 otherwise). */
        public long upgradedNs = -1;
        /** The handshake's answer read: WELCOME (CLASP), PONG (NATS), CONNACK (MQTT). */
        public long answeredNs;

        Handshake(final IdleEndpoint endpoint, final long connectedNs)
        {
            this.endpoint = endpoint;
            this.connectedNs = connectedNs;
        }

        /** Start closing the connection (an expected close, not counted as an error). */
        public io.netty.channel.ChannelFuture closeAsync()
        {
            return ((IdleEndpoint)endpoint).closeAsync();
        }
    }

    public void close()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** MQTT 3.1.1 CONNECT: clean session, keep-alive 600 s (longer than any hold), no credentials. */
    static byte[] mqttConnect(final String clientId)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4);          // protocol level 3.1.1
        body.write(0x02);       // clean session
        body.write(600 >>> 8);
        body.write(600 & 0xFF);
        writeString(body, clientId);
        return packet(0x10, body.toByteArray());
    }

    /** MQTT SUBSCRIBE of one filter at QoS 0. */
    static byte[] mqttSubscribe(final int packetId, final String filter)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >>> 8);
        body.write(packetId & 0xFF);
        writeString(body, filter);
        body.write(0);
        return packet(0x82, body.toByteArray());
    }

    private static byte[] packet(final int type, final byte[] body)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        int remaining = body.length;
        do
        {
            int b = remaining % 128;
            remaining /= 128;
            out.write(remaining > 0 ? b | 0x80 : b);
        }
        while (remaining > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeString(final ByteArrayOutputStream out, final String s)
    {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >>> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    private final class IdleEndpoint implements Endpoint
    {
        private final Channel channel;
        private final Replies replies;

        IdleEndpoint(final Channel channel, final Replies replies)
        {
            this.channel = channel;
            this.replies = replies;
        }

        /** Send {@code bytes} and wait for the one reply that acknowledges them. */
        void request(final byte[] bytes) throws Exception
        {
            requestAsync(bytes).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        /** Send {@code bytes}; the future completes (on the event loop) with the reply that acknowledges them. */
        CompletableFuture<Void> requestAsync(final byte[] bytes)
        {
            final CompletableFuture<Void> reply = replies.expect();
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
            return reply;
        }

        public void subscribeAll() throws Exception
        {
            subscribeTo(protocol == Protocol.NATS ? "bench.*" : protocol == Protocol.MQTT ? "bench/+" :
                ClaspFrames.WILDCARD);
        }

        public void subscribe(final int topic) throws Exception
        {
            request(subscribeBytes(topic));
        }

        private void subscribeTo(final String subject) throws Exception
        {
            request(subscribeBytes(subject));
        }

        byte[] subscribeBytes(final int topic)
        {
            return subscribeBytes(protocol == Protocol.NATS ? "bench." + topic : protocol == Protocol.MQTT ?
                "bench/" + topic : ClaspFrames.PREFIX + topic);
        }

        /** The subscription and the request that acknowledges it (NATS and CLASP: a PING after it). */
        private byte[] subscribeBytes(final String subject)
        {
            switch (protocol)
            {
                case NATS:
                    return ("SUB " + subject + " 1\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII);
                case MQTT:
                    return mqttSubscribe(1, subject);
                default:
                    final byte[] subscribe = ClaspFrames.subscribe(1, subject, true);
                    final byte[] both = java.util.Arrays.copyOf(subscribe, subscribe.length + CLASP_PING.length);
                    System.arraycopy(CLASP_PING, 0, both, subscribe.length, CLASP_PING.length);
                    return both;
            }
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            throw new UnsupportedOperationException("idle clients do not publish");
        }

        public CompletableFuture<?> roundTrip()
        {
            throw new UnsupportedOperationException("idle clients are not part of a delivery run");
        }

        public void flush()
        {
        }

        public void close()
        {
            closeAsync().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }

        io.netty.channel.ChannelFuture closeAsync()
        {
            replies.closing = true;
            return channel.close();
        }
    }

    /**
     * Completes the pending request on its acknowledgement: a PONG line (NATS) or a CONNACK/SUBACK packet (MQTT);
     * answers the server's keep-alive PINGs (NATS); counts refusals and unexpected closes as errors.
     */
    private static final class Replies extends ChannelInboundHandlerAdapter
    {
        private final Protocol protocol;
        private final AtomicLong errors;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private volatile CompletableFuture<Void> reply;
        volatile boolean closing;

        Replies(final Protocol protocol, final AtomicLong errors)
        {
            this.protocol = protocol;
            this.errors = errors;
        }

        CompletableFuture<Void> expect()
        {
            final CompletableFuture<Void> f = new CompletableFuture<>();
            reply = f;
            return f;
        }

        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            try
            {
                final ByteBuf in = (ByteBuf)msg;
                final byte[] bytes = new byte[in.readableBytes()];
                in.readBytes(bytes);
                pending.writeBytes(bytes);
                if (protocol == Protocol.NATS)
                {
                    natsLines(ctx);
                }
                else if (protocol == Protocol.MQTT)
                {
                    mqttPackets();
                }
                else
                {
                    claspFrames();
                }
            }
            finally
            {
                ReferenceCountUtil.release(msg);
            }
        }

        private void natsLines(final ChannelHandlerContext ctx)
        {
            final String text = pending.toString(StandardCharsets.US_ASCII);
            int start = 0;
            int end;
            while ((end = text.indexOf("\r\n", start)) >= 0)
            {
                final String line = text.substring(start, end);
                start = end + 2;
                if (line.equals("PONG"))
                {
                    complete();
                }
                else if (line.equals("PING"))
                {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer("PONG\r\n".getBytes(StandardCharsets.US_ASCII)));
                }
                else if (line.startsWith("-ERR"))
                {
                    fail(line);
                }
            }
            final byte[] rest = text.substring(start).getBytes(StandardCharsets.US_ASCII);
            pending.reset();
            pending.writeBytes(rest);
        }

        private void mqttPackets()
        {
            final byte[] data = pending.toByteArray();
            int p = 0;
            packets:
            while (data.length - p >= 2)
            {
                int length = 0;
                int shift = 0;
                int q = p + 1;
                int b;
                do
                {
                    if (q >= data.length)
                    {
                        break packets; // length not complete yet
                    }
                    b = data[q++] & 0xFF;
                    length |= (b & 0x7F) << shift;
                    shift += 7;
                }
                while ((b & 0x80) != 0);
                if (data.length - q < length)
                {
                    break;
                }
                final int type = (data[p] & 0xFF) >>> 4;
                if (type == 2) // CONNACK: return code 0 = accepted
                {
                    if (length >= 2 && data[q + 1] == 0) complete(); else fail("CONNACK refused");
                }
                else if (type == 9) // SUBACK: 0x80 = failure
                {
                    if (length >= 3 && (data[q + length - 1] & 0xFF) != 0x80) complete(); else fail("SUBACK failure");
                }
                p = q + length;
            }
            pending.reset();
            pending.write(data, p, data.length - p);
        }

        private boolean upgraded;

        /** The 101 answer to the upgrade, then WebSocket frames: WELCOME and PONG acknowledge, ERROR or close fail. */
        private void claspFrames()
        {
            final byte[] data = pending.toByteArray();
            int p = 0;
            if (!upgraded)
            {
                final String text = new String(data, StandardCharsets.ISO_8859_1);
                final int end = text.indexOf("\r\n\r\n");
                if (end < 0)
                {
                    return;
                }
                upgraded = true;
                p = end + 4;
                if (text.startsWith("HTTP/1.1 101"))
                {
                    complete();
                }
                else
                {
                    fail("upgrade refused: " + text.substring(0, text.indexOf('\r')));
                }
            }
            while (data.length - p >= 2)
            {
                final int opcode = data[p] & 0x0F;
                int length = data[p + 1] & 0x7F;
                int q = p + 2;
                if (length == 126)
                {
                    if (data.length - q < 2)
                    {
                        break;
                    }
                    length = ((data[q] & 0xFF) << 8) | (data[q + 1] & 0xFF);
                    q += 2;
                }
                else if (length == 127)
                {
                    if (data.length - q < 8)
                    {
                        break;
                    }
                    length = (int)java.nio.ByteBuffer.wrap(data, q, 8).getLong();
                    q += 8;
                }
                if (data.length - q < length)
                {
                    break;
                }
                if (opcode == 0x8)
                {
                    fail("closed by the router");
                }
                else if (opcode == 0x2 && length >= 5)
                {
                    final int type = data[q + 4] & 0xFF;
                    if (type == to.clasp.protocol.MessageType.WELCOME || type == to.clasp.protocol.MessageType.PONG)
                    {
                        complete();
                    }
                    else if (type == to.clasp.protocol.MessageType.ERROR)
                    {
                        fail("ERROR from the router");
                    }
                }
                p = q + length;
            }
            pending.reset();
            pending.write(data, p, data.length - p);
        }

        private void complete()
        {
            final CompletableFuture<Void> f = reply;
            if (f != null)
            {
                f.complete(null);
            }
        }

        private void fail(final String why)
        {
            errors.incrementAndGet();
            final CompletableFuture<Void> f = reply;
            if (f != null)
            {
                f.completeExceptionally(new java.io.IOException(why));
            }
        }

        public void channelInactive(final ChannelHandlerContext ctx)
        {
            if (!closing)
            {
                fail("connection closed by the router");
            }
            ctx.fireChannelInactive();
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            fail(cause.toString());
            ctx.close();
        }
    }
}
