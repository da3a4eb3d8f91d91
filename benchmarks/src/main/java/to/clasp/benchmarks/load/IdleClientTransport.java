package to.clasp.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
        final Replies replies = new Replies(protocol, errors);
        final Channel channel = new Bootstrap()
            .group(group)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)TIMEOUT_MS)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(replies);
                }
            })
            .connect(host, port).sync().channel();
        final IdleEndpoint endpoint = new IdleEndpoint(channel, replies);
        try
        {
            if (protocol == Protocol.NATS)
            {
                endpoint.request("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"bench\"}\r\nPING\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            }
            else if (protocol == Protocol.CLASP)
            {
                endpoint.request(("GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                    "Sec-WebSocket-Protocol: clasp\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                endpoint.request(claspHello);
            }
            else
            {
                endpoint.request(mqttConnect("bench-idle-" + ProcessHandle.current().pid() + "-" +
                    ids.incrementAndGet()));
            }
        }
        catch (final Exception ex)
        {
            channel.close();
            throw ex;
        }
        return endpoint;
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
            final CompletableFuture<Void> reply = replies.expect();
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
            reply.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        public void subscribeAll() throws Exception
        {
            subscribeTo(protocol == Protocol.NATS ? "bench.*" : protocol == Protocol.MQTT ? "bench/+" :
                ClaspFrames.WILDCARD);
        }

        public void subscribe(final int topic) throws Exception
        {
            subscribeTo(protocol == Protocol.NATS ? "bench." + topic : protocol == Protocol.MQTT ? "bench/" + topic :
                ClaspFrames.PREFIX + topic);
        }

        private void subscribeTo(final String subject) throws Exception
        {
            switch (protocol)
            {
                case NATS:
                    request(("SUB " + subject + " 1\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
                    break;
                case MQTT:
                    request(mqttSubscribe(1, subject));
                    break;
                default:
                    final byte[] subscribe = ClaspFrames.subscribe(1, subject, true);
                    final byte[] both = java.util.Arrays.copyOf(subscribe, subscribe.length + CLASP_PING.length);
                    System.arraycopy(CLASP_PING, 0, both, subscribe.length, CLASP_PING.length);
                    request(both);
                    break;
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
            replies.closing = true;
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
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
