package to.clasp.transport.mqtt;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.testing.ThreadAllocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation gate of the MQTT edge's event loop on the ingestion path: {@value #MEASURED} QoS 0 PUBLISHes from
 * one MQTT 3.1.1 client, each delivered to one MQTT subscriber of {@code gate/+}, and the loop thread's allocation
 * counter grows by (nearly) nothing over all of them: decoding the PUBLISH, topic → address, payload → CLASP value,
 * the write to the core's ring, and encoding the delivery. Nothing is timed; the run ends when the subscriber has read
 * every delivery's bytes (the loop has then done all the work being counted). The publisher keeps at most
 * {@value #WINDOW} messages ahead of the subscriber, so the slow-consumer policy never drops one.
 */
class MqttAllocationGateTest
{
    private static final int TOPICS = 10;
    private static final int BATCH = 100;
    private static final int WINDOW = 2_000;
    private static final int WARMUP = 100_000;
    private static final int MEASURED = 300_000;
    /**
     * What the measured run may allocate on the edge thread: less than a byte per message. One object per message
     * would be at least 16 B a message (4.8 MB); Netty's decoder made about 300. What remains (0.2 B a message
     * measured) is per read or write of a batch inside Netty, not per message.
     */
    private static final long MAX_BYTES = MEASURED;
    /** No delivery for this long: one was lost (a loaded machine delivers within it). */
    private static final long STALL_NS = TimeUnit.SECONDS.toNanos(20);
    /** A payload that is not JSON: carried as bytes both ways, so the delivery is the same size as the PUBLISH. */
    private static final byte[] PAYLOAD = {(byte)0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void qos0PublishesDeliveredToAnMqttSubscriberAllocateNothingOnTheEdgeThread() throws Exception
    {
        final String threadName = "mqtt-alloc-gate-" + System.nanoTime();
        final boolean epoll = Epoll.isAvailable();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r ->
        {
            final Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try (Router router = Router.launch(new Router.Context().coreThreading(CoreThreading.DEDICATED));
             MqttEdge edge = MqttEdge.launch(new MqttEdge.Context().host("127.0.0.1").port(0)
                 .eventLoopGroup(group, epoll), router.inboundPort());
             Socket publisher = connect(edge, "gate-pub");
             Socket subscriber = connect(edge, "gate-sub"))
        {
            subscribe(subscriber);
            final byte[][] packets = new byte[TOPICS][];
            for (int t = 0; t < TOPICS; t++)
            {
                packets[t] = publish("gate/" + t, PAYLOAD);
            }
            final int packetSize = packets[0].length;
            final AtomicLong received = new AtomicLong();
            final Thread reader = new Thread(() -> readAll(subscriber, received), "gate-reader");
            reader.setDaemon(true);
            reader.start();

            final OutputStream out = publisher.getOutputStream();
            final byte[] batch = new byte[packetSize * BATCH];
            for (int i = 0; i < BATCH; i++)
            {
                System.arraycopy(packets[i % TOPICS], 0, batch, i * packetSize, packetSize);
            }
            send(out, batch, WARMUP, received, packetSize);
            awaitBytes(received, (long)WARMUP * packetSize);

            final ThreadAllocation edgeThread = ThreadAllocation.of(threadName);
            final long before = edgeThread.allocatedBytes();
            send(out, batch, MEASURED, received, (long)packetSize);
            awaitBytes(received, (long)(WARMUP + MEASURED) * packetSize);
            final long allocated = edgeThread.allocatedBytes() - before;

            assertEquals((long)(WARMUP + MEASURED) * packetSize, received.get(), "every delivery, nothing else");
            assertTrue(allocated <= MAX_BYTES, "the MQTT edge thread allocated " + allocated + " bytes for " +
                MEASURED + " PUBLISHes and deliveries (" + (double)allocated / MEASURED + " B per message)");
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static Socket connect(final MqttEdge edge, final String clientId) throws Exception
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", edge.localAddress().getPort()), 5_000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        final byte[] id = clientId.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, (byte)id.length});
        body.writeBytes(id);
        s.getOutputStream().write(packet(0x10, body.toByteArray()));
        final byte[] connack = readFully(s.getInputStream(), 4);
        assertEquals(0x20, connack[0] & 0xFF, "CONNACK");
        assertEquals(0, connack[3], "connection accepted");
        return s;
    }

    private static void subscribe(final Socket s) throws Exception
    {
        s.getOutputStream().write(packet(0x82, new byte[] {0, 1, 0, 6, 'g', 'a', 't', 'e', '/', '+', 0}));
        final byte[] suback = readFully(s.getInputStream(), 5);
        assertEquals(0x90, suback[0] & 0xFF, "SUBACK");
        assertEquals(0, suback[4], "granted QoS 0");
    }

    private static byte[] publish(final String topic, final byte[] payload)
    {
        final byte[] name = topic.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] body = new byte[2 + name.length + payload.length];
        body[1] = (byte)name.length;
        System.arraycopy(name, 0, body, 2, name.length);
        System.arraycopy(payload, 0, body, 2 + name.length, payload.length);
        return packet(0x30, body);
    }

    private static byte[] packet(final int header, final byte[] body)
    {
        final byte[] p = new byte[2 + body.length]; // bodies here are under 128 bytes
        p[0] = (byte)header;
        p[1] = (byte)body.length;
        System.arraycopy(body, 0, p, 2, body.length);
        return p;
    }

    /** Send {@code count} PUBLISHes in batches, staying at most {@link #WINDOW} ahead of what the subscriber read. */
    private static void send(final OutputStream out, final byte[] batch, final int count, final AtomicLong received,
        final long packetSize) throws Exception
    {
        final long base = received.get() / packetSize;
        for (int sent = 0; sent < count; sent += BATCH)
        {
            if (base + sent - received.get() / packetSize > WINDOW)
            {
                awaitBytes(received, (base + sent - WINDOW) * packetSize);
            }
            out.write(batch);
        }
        out.flush();
    }

    private static void awaitBytes(final AtomicLong received, final long expected)
    {
        long last = -1;
        long progressNs = System.nanoTime();
        long now;
        while (received.get() < expected)
        {
            now = System.nanoTime();
            if (received.get() != last)
            {
                last = received.get();
                progressNs = now;
            }
            else if (now - progressNs > STALL_NS)
            {
                throw new AssertionError("deliveries stopped at " + last + " of " + expected + " bytes");
            }
            Thread.onSpinWait();
        }
    }

    private static void readAll(final Socket s, final AtomicLong received)
    {
        final byte[] buffer = new byte[64 * 1024];
        try
        {
            final InputStream in = s.getInputStream();
            s.setSoTimeout(0);
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                received.addAndGet(n);
            }
        }
        catch (final java.io.IOException closed)
        {
            // the test closes the socket
        }
    }

    private static byte[] readFully(final InputStream in, final int n) throws Exception
    {
        final byte[] b = new byte[n];
        int at = 0;
        while (at < n)
        {
            final int r = in.read(b, at, n - at);
            if (r < 0)
            {
                throw new AssertionError("closed after " + at + " of " + n + " bytes");
            }
            at += r;
        }
        return b;
    }
}
