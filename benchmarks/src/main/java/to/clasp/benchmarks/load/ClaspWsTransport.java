package to.clasp.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import to.clasp.protocol.Frame;
import to.clasp.transport.ws.NettyClientTransport;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CLASP over WebSocket with raw frames. The handshake goes through Netty's WebSocket client codec (the same stack as
 * {@link NettyClientTransport}); then inbound messages are read in place ({@link WsServerFrameReader}) and outbound
 * messages are pre-framed ({@link ClaspFrames}) and written in batches straight to the socket end of the pipeline, so
 * the generator spends its time on the router rather than on per-message objects and syscalls.
 */
public final class ClaspWsTransport implements Transport
{
    private static final int BATCH_BYTES = 64 * 1024;
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final byte[] PING = ClaspFrames.ping(true);

    private final URI uri;
    private final io.netty.handler.ssl.SslContext tls;
    private final ClaspFrames frames;
    private final EventLoopGroup group;
    private final EventLoopGroup publisherGroup;
    private final io.netty.channel.EventLoop publisherLoop;
    private volatile boolean subscribersOnSendingLoop;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final byte[] hello;

    /**
     * @param ioThreads event loop threads shared by every connection (1 keeps the generator off the router's core).
     */
    public ClaspWsTransport(final String url, final ClaspFrames frames, final int ioThreads)
    {
        this(url, frames, ioThreads, null);
    }

    /** @param tls client TLS for a {@code wss://} URL (trusting the router's certificate), or null for ws://. */
    public ClaspWsTransport(final String url, final ClaspFrames frames, final int ioThreads,
        final io.netty.handler.ssl.SslContext tls)
    {
        this.uri = URI.create(url);
        this.tls = tls;
        this.frames = frames;
        this.hello = ClaspFrames.hello("clasp-bench", true, frames.token());
        this.group = NettyClientTransport.newEventLoopGroup(ioThreads);
        this.publisherGroup = NettyClientTransport.newEventLoopGroup(1);
        this.publisherLoop = publisherGroup.next();
    }

    /**
     * Publishers' connections live on an event loop of their own, and the sending loop runs on that loop's thread:
     * every flush is a {@code write} on the sending thread itself, as in a client that owns its socket, instead of a
     * task handed to an I/O thread that must first be woken (on this 2-vCPU VM a wake-up across vCPUs costs tens of
     * microseconds, more than the router's own share of a hop). Publishers read nothing while a blocking sending loop
     * runs: with QoS Fire the router sends them nothing after WELCOME.
     */
    public SendingLoop sendingLoop()
    {
        // A max-rate sender may block this loop: its subscribers are then on the other group.
        return SendingLoop.of(publisherLoop, true);
    }

    public void subscribersOnSendingLoop(final boolean shared)
    {
        this.subscribersOnSendingLoop = shared;
    }

    public String name()
    {
        return "clasp-ws";
    }

    /** ERROR frames, undecodable frames and connections closed by the router since start. */
    public long errors()
    {
        return errors.get();
    }

    /** {@link Receiver#NONE} marks a publisher: it goes on the sending loop, and so do subscribers when asked. */
    public Endpoint connect(final Receiver receiver) throws Exception
    {
        final ClaspInbound clasp = new ClaspInbound(receiver, errors);
        final Inbound inbound = new Inbound(clasp, hello);
        final WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .subprotocol("clasp")
            .maxFramePayloadLength(Frame.MAX_FRAME_LENGTH)
            .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
            .dropPongFrames(true)
            .build();
        final ChannelOutboundHandlerAdapter rawOut = new ChannelOutboundHandlerAdapter();
        final Bootstrap bootstrap = new Bootstrap()
            .group(receiver == Receiver.NONE || subscribersOnSendingLoop ? publisherLoop : group)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel ch)
                {
                    if (tls != null)
                    {
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                    }
                    ch.pipeline()
                        .addLast("raw-out", rawOut)
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(16 * 1024))
                        .addLast(new WebSocketClientProtocolHandler(config))
                        .addLast(inbound);
                }
            });
        final Channel channel = bootstrap.connect(uri.getHost(), uri.getPort()).sync().channel();
        final ChannelHandlerContext raw = channel.pipeline().context("raw-out");
        try
        {
            clasp.welcomed.get(HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            channel.close();
            throw ex;
        }
        return new ClaspEndpoint(channel, raw, frames, clasp, connectionIds.incrementAndGet());
    }

    public void close()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        publisherGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** One connection's sending side; only the generator's sending thread calls it. */
    private static final class ClaspEndpoint implements Endpoint
    {
        private final Channel channel;
        private final ChannelHandlerContext raw;
        private final ClaspFrames frames;
        private final ClaspInbound clasp;
        private final int subscriptionBase;
        private int nextSubscription;
        private ByteBuf batch;

        ClaspEndpoint(final Channel channel, final ChannelHandlerContext raw, final ClaspFrames frames,
            final ClaspInbound clasp, final int id)
        {
            this.channel = channel;
            this.raw = raw;
            this.frames = frames;
            this.clasp = clasp;
            this.subscriptionBase = id * 1000;
        }

        public void subscribeAll() throws Exception
        {
            subscribeTo(ClaspFrames.WILDCARD);
        }

        public void subscribe(final int topic) throws Exception
        {
            subscribeTo(ClaspFrames.PREFIX + topic);
        }

        /** SUBSCRIBE then PING in one write; the PONG says the subscription is in place. */
        private void subscribeTo(final String pattern) throws Exception
        {
            final CompletableFuture<Void> pong = clasp.expectPong();
            raw.writeAndFlush(Unpooled.wrappedBuffer(
                ClaspFrames.subscribe(subscriptionBase + nextSubscription++, pattern, true), PING));
            pong.get(HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        public CompletableFuture<?> roundTrip()
        {
            final CompletableFuture<Void> pong = clasp.expectPong();
            // Queued on the channel's loop behind everything the sending thread wrote. A PING that cannot be written
            // (the router closed the connection before this call) fails the round trip at once: a PONG expected
            // after the close was seen would otherwise be waited for until the barrier's timeout.
            raw.writeAndFlush(Unpooled.wrappedBuffer(PING)).addListener(written ->
            {
                if (!written.isSuccess())
                {
                    pong.completeExceptionally(written.cause());
                }
            });
            return pong;
        }

        public boolean writable()
        {
            return channel.isWritable();
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            if (frames.confirmed())
            {
                clasp.expectAck(intendedNs, sentNs);
            }
            final int start = append(frames.message(topic));
            final int payload = start + frames.payloadOffset(topic);
            batch.setLongLE(payload + Payload.INTENDED_OFFSET, intendedNs);
            batch.setLongLE(payload + Payload.SENT_OFFSET, sentNs);
        }

        public void sendFrame(final byte[] frame)
        {
            append(frame);
        }

        /** @return where {@code message} starts in {@link #batch}. */
        private int append(final byte[] message)
        {
            if (batch == null)
            {
                batch = channel.alloc().directBuffer(Math.max(BATCH_BYTES, message.length));
            }
            else if (batch.writableBytes() < message.length)
            {
                flush();
                batch = channel.alloc().directBuffer(Math.max(BATCH_BYTES, message.length));
            }
            final int start = batch.writerIndex();
            batch.writeBytes(message);
            return start;
        }

        public void flush()
        {
            final ByteBuf out = batch;
            batch = null;
            if (out != null)
            {
                // Written from the pipeline's first handler: straight to the socket, no per-message encoding.
                raw.writeAndFlush(out, raw.voidPromise());
            }
        }

        public void close()
        {
            if (batch != null)
            {
                batch.release();
                batch = null;
            }
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Receiving side, on the event loop: the WebSocket part; the CLASP part is {@link ClaspInbound}. */
    private static final class Inbound extends ChannelInboundHandlerAdapter
    {
        private final ClaspInbound clasp;
        private final byte[] hello;

        Inbound(final ClaspInbound clasp, final byte[] hello)
        {
            this.clasp = clasp;
            this.hello = hello;
        }

        public boolean isSharable()
        {
            return false;
        }

        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
            {
                // From here on frames are read in place (WsServerFrameReader), not as Netty frame objects.
                ctx.pipeline().replace(WebSocketFrameDecoder.class, "ws-reader",
                    new WsServerFrameReader(clasp, Frame.MAX_FRAME_LENGTH));
                ctx.pipeline().context("raw-out").writeAndFlush(Unpooled.wrappedBuffer(hello));
            }
            ctx.fireUserEventTriggered(evt);
        }

        public void channelInactive(final ChannelHandlerContext ctx)
        {
            clasp.onClosed();
            ctx.fireChannelInactive();
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            clasp.onError(cause);
            ctx.close();
        }
    }
}
