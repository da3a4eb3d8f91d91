package to.clasp.transport.ws;

import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The one event loop a protocol adapter (MQTT broker, MQTT bridge, OSC) runs all its channels on: the first loop of
 * a group it is given — the WebSocket edge's ({@link WebSocketEdge#eventLoopGroup()}), whose first loop hosts a shared
 * core — or a single loop of its own, and the channel classes that fit it (epoll or NIO). Received bytes reach the
 * core through a {@link ByteBufView} and, for a TCP connection, an {@link InboundGate}.
 */
public final class EdgeLoop implements AutoCloseable
{
    private final EventLoopGroup ownGroup;
    private final EventLoop loop;
    private final boolean epoll;

    private EdgeLoop(final EventLoopGroup ownGroup, final EventLoop loop, final boolean epoll)
    {
        this.ownGroup = ownGroup;
        this.loop = loop;
        this.epoll = epoll;
    }

    /**
     * @param shared      a group to run on (its first loop), or null for a loop of the adapter's own.
     * @param sharedEpoll whether {@code shared}'s loops are epoll loops.
     * @param threadName  the own loop's thread name.
     */
    public static EdgeLoop of(final EventLoopGroup shared, final boolean sharedEpoll, final String threadName)
    {
        if (shared != null)
        {
            return new EdgeLoop(null, (EventLoop)shared.iterator().next(), sharedEpoll);
        }
        final boolean epoll = Epoll.isAvailable();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        return new EdgeLoop(group, (EventLoop)group.next(), epoll);
    }

    public EventLoop loop()
    {
        return loop;
    }

    public Class<? extends ServerChannel> serverSocketChannel()
    {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel()
    {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends DatagramChannel> datagramChannel()
    {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Stop the adapter's own loop (a shared group belongs to its owner). */
    public void close()
    {
        if (ownGroup != null)
        {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** As {@link #close()}, at once (after a failed start). */
    public void closeNow()
    {
        if (ownGroup != null)
        {
            ownGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
