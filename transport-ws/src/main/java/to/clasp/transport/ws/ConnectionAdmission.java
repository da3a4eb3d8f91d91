package to.clasp.transport.ws;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may hold a connection to the WebSocket port, and for how long without finishing the upgrade:
 * <ul>
 *     <li><b>Upgrade timeout.</b> A connection that has not completed its WebSocket upgrade within
 *     {@link WebSocketEdge.Context#upgradeTimeoutMs()} is closed (half-open sockets, a slow-loris request, a port
 *     scanner, a plain-HTTP keep-alive that never upgrades). One timer per event loop serves all its connections
 *     ({@link UpgradeDeadlines}).</li>
 *     <li><b>Per source address.</b> At most {@link WebSocketEdge.Context#maxConnectionsPerIp()} connections from one
 *     IP address; the next is closed on accept.</li>
 *     <li><b>Total.</b> At most {@link WebSocketEdge.Context#maxConnections()} connections (by default the process's
 *     open-file limit less a reserve), so the router never runs out of descriptors for its own files, the health
 *     and metrics ports or Aeron; the next is closed on accept.</li>
 *     <li><b>Accept back-off.</b> When {@code accept} fails anyway (out of descriptors: EMFILE/ENFILE), the listening
 *     socket stops accepting for a moment (50 ms, doubling to 1 s while it keeps failing) instead of failing in a busy
 *     loop; new clients wait in the kernel's backlog. Logged once per episode, not once per failure.</li>
 * </ul>
 * Thread-safe: the counters are shared by every event loop of the edge.
 */
final class ConnectionAdmission
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1_000;
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final WebSocketEdge.Context ctx;
    /** Read once at start: reading it later loads a native library, which takes a descriptor there may not be. */
    private final long openFileLimit = openFileLimit();
    private final int maxConnections;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong upgradeTimeouts = new AtomicLong();
    private final AtomicLong perIpRefusals = new AtomicLong();
    private final AtomicLong limitRefusals = new AtomicLong();
    private final AtomicLong acceptFailures = new AtomicLong();
    private final AtomicLong lastRefusalLogNs = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NS);
    private volatile boolean acceptBackingOff;
    /** One per event loop of the edge. */
    private final UpgradeDeadlines[] upgradeDeadlines;

    ConnectionAdmission(final WebSocketEdge.Context ctx, final EventLoopGroup group)
    {
        this.ctx = ctx;
        final List<UpgradeDeadlines> loops = new ArrayList<>();
        for (final EventExecutor loop : group)
        {
            loops.add(new UpgradeDeadlines((EventLoop)loop));
        }
        this.upgradeDeadlines = loops.toArray(new UpgradeDeadlines[0]);
        this.maxConnections = ctx.maxConnections() > 0 ? ctx.maxConnections() : defaultMaxConnections(openFileLimit);
    }

    /**
     * @return the process's open-file limit less a reserve of an eighth of it (64..512 descriptors) for everything
     *         that is not a client connection.
     */
    static int defaultMaxConnections(final long limit)
    {
        if (limit <= 0)
        {
            return Integer.MAX_VALUE;
        }
        final long reserve = Math.max(64, Math.min(512, limit / 8));
        return (int)Math.max(1, Math.min(Integer.MAX_VALUE, limit - reserve));
    }

    /** @return the process's open-file (soft) limit, or -1 when the platform does not say. */
    static long openFileLimit()
    {
        final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean)
        {
            return ((com.sun.management.UnixOperatingSystemMXBean)os).getMaxFileDescriptorCount();
        }
        return -1;
    }

    /**
     * Child channel, on its event loop, before anything else: admit it (counting it until it closes, and arming the
     * upgrade timeout) or close it.
     *
     * @return false when the connection was refused (already closing).
     */
    boolean admit(final SocketChannel ch)
    {
        acceptSucceeded();
        if (open.incrementAndGet() > maxConnections)
        {
            open.decrementAndGet();
            limitRefusals.incrementAndGet();
            refuse(ch, "the connection limit (" + maxConnections + ")");
            return false;
        }
        final InetAddress address = remoteAddress(ch);
        final AtomicInteger fromAddress = null == address ? null :
            perIp.computeIfAbsent(address, a -> new AtomicInteger());
        if (null != fromAddress && fromAddress.incrementAndGet() > ctx.maxConnectionsPerIp())
        {
            release(address, fromAddress);
            open.decrementAndGet();
            perIpRefusals.incrementAndGet();
            refuse(ch, "the per-address limit (" + ctx.maxConnectionsPerIp() + " from " + address.getHostAddress() + ")");
            return false;
        }
        final UpgradeDeadline upgradeDeadline = upgradeDeadlines(ch.eventLoop()).add(ch);
        ch.closeFuture().addListener(f ->
        {
            upgradeDeadline.channel = null;
            open.decrementAndGet();
            if (null != fromAddress)
            {
                release(address, fromAddress);
            }
        });
        return true;
    }

    /** The deadlines of the connections on {@code loop} (one of a handful: a linear scan). */
    private UpgradeDeadlines upgradeDeadlines(final EventLoop loop)
    {
        for (final UpgradeDeadlines d : upgradeDeadlines)
        {
            if (d.loop == loop)
            {
                return d;
            }
        }
        throw new IllegalStateException("not an event loop of this edge: " + loop);
    }

    private void release(final InetAddress address, final AtomicInteger count)
    {
        if (count.decrementAndGet() <= 0)
        {
            perIp.remove(address, count);
        }
    }

    private static InetAddress remoteAddress(final Channel ch)
    {
        final Object remote = ch.remoteAddress();
        return remote instanceof InetSocketAddress ? ((InetSocketAddress)remote).getAddress() : null;
    }

    private void refuse(final Channel ch, final String limit)
    {
        // SO_LINGER 0: a reset rather than a FIN, so the refused socket leaves no TIME_WAIT behind.
        ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        ch.close();
        final long now = System.nanoTime();
        final long last = lastRefusalLogNs.get();
        if (now - last >= LOG_INTERVAL_NS && lastRefusalLogNs.compareAndSet(last, now))
        {
            LOG.warn("refusing WebSocket connections over {} (refused so far: {} by address, {} by total; logged at " +
                "most every 10 s)", limit, perIpRefusals.get(), limitRefusals.get());
        }
    }

    /** A handler for the listening channel: accept failures back off instead of spinning. */
    ChannelHandler acceptBackoff()
    {
        return new AcceptBackoff();
    }

    private void acceptSucceeded()
    {
        if (acceptBackingOff)
        {
            acceptBackingOff = false;
            LOG.info("accepting connections again ({} accept failure(s) in all)", acceptFailures.get());
        }
    }

    /** @return connections open now (upgraded or not). */
    int openConnections()
    {
        return open.get();
    }

    /** @return the limit on open connections in force. */
    int maxConnections()
    {
        return maxConnections;
    }

    long upgradeTimeouts()
    {
        return upgradeTimeouts.get();
    }

    long perIpRefusals()
    {
        return perIpRefusals.get();
    }

    long limitRefusals()
    {
        return limitRefusals.get();
    }

    long acceptFailures()
    {
        return acceptFailures.get();
    }

    /**
     * @return why new clients are being turned away right now, or null when they are not.
     */
    String refusing()
    {
        if (acceptBackingOff)
        {
            return "accept failing (out of file descriptors?)";
        }
        return open.get() >= maxConnections ? "at the connection limit (" + maxConnections + ")" : null;
    }

    /** One admitted connection waiting for its upgrade; {@code channel} is cleared when it closes. */
    private static final class UpgradeDeadline
    {
        final long deadlineNs;
        Channel channel;

        UpgradeDeadline(final Channel channel, final long deadlineNs)
        {
            this.channel = channel;
            this.deadlineNs = deadlineNs;
        }
    }

    /**
     * The upgrade deadlines of one event loop's connections, in accept order, which is deadline order (one timeout
     * for all): one timer per loop, set for the oldest deadline, instead of a timer scheduled and cancelled per
     * connection (a storm admits thousands a second; each timer was an insert into and a removal from the loop's
     * priority queue). When it fires it closes the connections past their deadline and not upgraded, drops the
     * ones that upgraded or closed, and sets itself for the next oldest. Confined to its event loop.
     */
    private final class UpgradeDeadlines implements Runnable
    {
        final EventLoop loop;
        private final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.upgradeTimeoutMs());
        private final ArrayDeque<UpgradeDeadline> pending = new ArrayDeque<>();
        private boolean scheduled;

        UpgradeDeadlines(final EventLoop loop)
        {
            this.loop = loop;
        }

        UpgradeDeadline add(final Channel ch)
        {
            final UpgradeDeadline deadline = new UpgradeDeadline(ch, System.nanoTime() + timeoutNs);
            pending.addLast(deadline);
            if (!scheduled)
            {
                scheduled = true;
                loop.schedule(this, timeoutNs, TimeUnit.NANOSECONDS);
            }
            return deadline;
        }

        public void run()
        {
            scheduled = false;
            final long now = System.nanoTime();
            UpgradeDeadline head;
            while (null != (head = pending.peekFirst()))
            {
                final Channel ch = head.channel;
                if (null != ch && !WebSocketEdge.isUpgraded(ch))
                {
                    if (head.deadlineNs - now > 0)
                    {
                        break;
                    }
                    upgradeTimeouts.incrementAndGet();
                    ch.close();
                }
                pending.pollFirst();
            }
            if (null != head)
            {
                scheduled = true;
                loop.schedule(this, head.deadlineNs - now, TimeUnit.NANOSECONDS);
            }
        }
    }

    @ChannelHandler.Sharable
    private final class AcceptBackoff extends ChannelInboundHandlerAdapter
    {
        private long backoffMs = MIN_BACKOFF_MS;

        public void channelRead(final ChannelHandlerContext chc, final Object msg)
        {
            backoffMs = MIN_BACKOFF_MS;
            chc.fireChannelRead(msg);
        }

        public void exceptionCaught(final ChannelHandlerContext chc, final Throwable cause)
        {
            if (!(cause instanceof IOException))
            {
                chc.fireExceptionCaught(cause);
                return;
            }
            acceptFailures.incrementAndGet();
            if (!acceptBackingOff)
            {
                acceptBackingOff = true;
                LOG.warn("accept failed ({}) with {} connection(s) open and an open-file limit of {}; pausing accept " +
                    "({} ms, doubling to {} ms while it keeps failing)", cause.getMessage(), open.get(),
                    openFileLimit, backoffMs, MAX_BACKOFF_MS);
            }
            final Channel server = chc.channel();
            if (server.config().isAutoRead())
            {
                server.config().setAutoRead(false);
                server.eventLoop().schedule(() -> server.config().setAutoRead(true), backoffMs, TimeUnit.MILLISECONDS);
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
    }
}
