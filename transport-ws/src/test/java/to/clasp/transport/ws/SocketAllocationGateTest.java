package to.clasp.transport.ws;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.util.ResourceLeakDetector;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.core.CoreThreading;
import to.clasp.protocol.Frame;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PingEncoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.testing.ThreadAllocation;
import to.clasp.transport.ws.testing.RouterFixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation gate over real sockets, the whole path: one writer sends {@value #MEASURED} SETs over a WebSocket
 * (batches of masked frames in one TCP write), the router (its core on a thread of its own) fans each out to
 * {@value #SUBSCRIBERS} subscribers over their sockets; the core thread's allocation counter grows by (nearly)
 * nothing over all of them — which includes waking the edge's event loop for every batch — and the edge's event
 * loop's (socket reads, frame decoding straight into the ring, the outbound drains and socket writes of every
 * connection) by less than half a byte per message. One window over every measured message; the run ends on the writer's PING/PONG round trip and every
 * subscriber counts every SET. Nothing is timed (a socket read that sees nothing for 60 s fails the test instead of
 * hanging it).
 */
class SocketAllocationGateTest
{
    private static final int SUBSCRIBERS = 2;
    private static final int ADDRESSES = 64;
    private static final int WINDOW = 64;
    private static final int IN_FLIGHT = 1024;
    private static final int WARMUP = 200_000;
    private static final int MEASURED = 1_000_000;
    /** As CoreAllocationGateTest: one object per thousand messages would be 16 KB. */
    private static final long MAX_BYTES = 8 * 1024;
    /**
     * The edge's loop: under half a byte per message over every socket read, decode, ring offer, drain and socket
     * write (0.07-0.17 B/message measured; Netty's frame objects cost about 23). One object per message would be
     * 16 MB, one per thirty-two messages 512 KB.
     */
    private static final long MAX_EDGE_BYTES = 512 * 1024;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final long[] setsReceived = new long[SUBSCRIBERS];
    private long sentTotal;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aMillionSetsOverSocketsAllocateNothingOnTheCoreThreadOrTheEdgeLoop() throws Exception
    {
        final String coreName = "socket-gate-core-" + System.nanoTime();

        try (RouterFixture fixture = RouterFixture.start(CoreThreading.DEDICATED,
            r -> r.coreThreadName(coreName).idleTimeoutNs(0), e -> e.ioThreads(1).flyweightDecoder(true)))
        {
            final RawClient[] subscribers = new RawClient[SUBSCRIBERS];
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                subscribers[i] = RawClient.open(fixture.port());
                subscribers[i].send(frame(HelloEncoder.encode(scratch, 0, 1, 0xE0, "sub-" + i, null)));
                subscribers[i].send(frame(
                    SubscribeEncoder.encode(scratch, 0, 0, 1, "/gate/**", 0xFF, null, null, null, null)));
                // The round trip: once PONG is back, the subscription is in place.
                subscribers[i].send(frame(PingEncoder.encode(scratch, 0)));
                subscribers[i].awaitType(MessageType.PONG);
            }
            final RawClient writer = RawClient.open(fixture.port());
            writer.send(frame(HelloEncoder.encode(scratch, 0, 1, 0xE0, "writer", null)));

            // One TCP write per window: WINDOW masked WebSocket frames, each one SET.
            final byte[][] windows = new byte[ADDRESSES][];
            for (int w = 0; w < windows.length; w++)
            {
                final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < WINDOW; i++)
                {
                    out.writeBytes(RawClient.masked(frame(SetEncoder.encode(scratch, 0, 0,
                        "/gate/mixer/ch" + i + "/gain", (double)(w * WINDOW + i), 0, 0, 0))));
                }
                windows[w] = out.toByteArray();
            }

            // As the server runs (NettyLeakDetection): the sampling leak detector makes an object per sampled buffer.
            final ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            try
            {
                gate(fixture, coreName, writer, subscribers, windows);
            }
            finally
            {
                ResourceLeakDetector.setLevel(leakLevel);
            }
            writer.close();
            for (final RawClient s : subscribers)
            {
                s.close();
            }
        }
    }

    private void gate(final RouterFixture fixture, final String coreName, final RawClient writer,
        final RawClient[] subscribers, final byte[][] windows) throws Exception
    {
        // The one event loop serves every connection of the test, inbound and outbound.
        final String edgeLoopName = fixture.edge().eventLoopGroup().next()
            .submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        run(writer, subscribers, windows, WARMUP);
        final ThreadAllocation core = ThreadAllocation.of(coreName);
        final ThreadAllocation edgeLoop = ThreadAllocation.of(edgeLoopName);
        final long before = core.allocatedBytes();
        final long edgeBefore = edgeLoop.allocatedBytes();
        run(writer, subscribers, windows, MEASURED);
        final long allocated = core.allocatedBytes() - before;
        final long edgeAllocated = edgeLoop.allocatedBytes() - edgeBefore;
        System.out.println("allocation gate (over sockets): " + allocated + " B on the core thread, " +
            edgeAllocated + " B on the edge's event loop over " + MEASURED + " SETs");

        for (int i = 0; i < SUBSCRIBERS; i++)
        {
            assertEquals(WARMUP + MEASURED, setsReceived[i], "subscriber " + i + " got every SET");
        }
        assertTrue(before > 0 && allocated >= 0, "the core thread's counter is read: " + before);
        assertTrue(allocated <= MAX_BYTES, allocated + " bytes allocated on the core thread over " + MEASURED +
            " SETs over sockets fanned out to " + SUBSCRIBERS + " subscribers (" + (double)allocated / MEASURED +
            " B/message)");
        assertTrue(edgeBefore > 0 && edgeAllocated >= 0, "the edge loop's counter is read: " + edgeBefore);
        assertTrue(edgeAllocated <= MAX_EDGE_BYTES, edgeAllocated + " bytes allocated on the edge's event loop over " +
            MEASURED + " SETs in and " + SUBSCRIBERS * MEASURED + " out (" + (double)edgeAllocated / MEASURED +
            " B/message)");
    }

    private void run(final RawClient writer, final RawClient[] subscribers, final byte[][] windows, final int count)
        throws IOException
    {
        for (int sent = 0; sent < count; sent += WINDOW)
        {
            writer.write(windows[(sent / WINDOW) % windows.length]);
            sentTotal += WINDOW;
            for (int i = 0; i < subscribers.length; i++)
            {
                // Each read blocks only for SETs already sent: they are on their way.
                while (setsReceived[i] < sentTotal - IN_FLIGHT)
                {
                    countSet(i, subscribers[i].next());
                }
            }
        }
        writer.send(frame(PingEncoder.encode(scratch, 0)));
        writer.awaitType(MessageType.PONG);
        // The core handled every SET before the PING: every fan-out is queued, so these reads end.
        for (int i = 0; i < subscribers.length; i++)
        {
            while (setsReceived[i] < sentTotal)
            {
                countSet(i, subscribers[i].next());
            }
        }
    }

    private void countSet(final int subscriber, final byte[] claspFrame)
    {
        if (MessageType.SET == RawClient.typeOf(claspFrame))
        {
            setsReceived[subscriber]++;
        }
    }

    private byte[] frame(final int length)
    {
        assertTrue(length > 0);
        final byte[] out = new byte[length];
        scratch.getBytes(0, out);
        return out;
    }

    /** A WebSocket client on a plain socket: masked frames out (zero mask key), server frames parsed in. */
    private static final class RawClient implements AutoCloseable
    {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        private RawClient(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        static RawClient open(final int port) throws IOException
        {
            final Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            final RawClient c = new RawClient(socket);
            c.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: clasp\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            final StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n"))
            {
                final int b = c.in.read();
                if (b < 0)
                {
                    throw new EOFException("handshake: " + head);
                }
                head.append((char)b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
            return c;
        }

        /** One masked binary frame (mask key 0, so the payload is sent as it is). */
        static byte[] masked(final byte[] payload)
        {
            assertTrue(payload.length < 126);
            final byte[] f = new byte[2 + 4 + payload.length];
            f[0] = (byte)0x82;
            f[1] = (byte)(0x80 | payload.length);
            System.arraycopy(payload, 0, f, 6, payload.length);
            return f;
        }

        static int typeOf(final byte[] claspFrame)
        {
            final boolean timestamp = (claspFrame[Frame.FLAGS_OFFSET] & Frame.FLAG_TIMESTAMP) != 0;
            return claspFrame[Frame.HEADER_LENGTH + (timestamp ? Frame.TIMESTAMP_LENGTH : 0)] & 0xFF;
        }

        void send(final byte[] claspFrame) throws IOException
        {
            write(masked(claspFrame));
        }

        void write(final byte[] bytes) throws IOException
        {
            out.write(bytes);
            out.flush();
        }

        void awaitType(final int type) throws IOException
        {
            while (typeOf(next()) != type)
            {
                // WELCOME, SNAPSHOT and the like on the way.
            }
        }

        /** @return the next binary message's payload (a CLASP frame). */
        byte[] next() throws IOException
        {
            while (true)
            {
                final int b0 = readByte();
                long length = readByte() & 0x7F;
                if (length == 126)
                {
                    length = (readByte() << 8) | readByte();
                }
                else if (length == 127)
                {
                    length = 0;
                    for (int i = 0; i < 8; i++)
                    {
                        length = (length << 8) | readByte();
                    }
                }
                final byte[] payload = in.readNBytes((int)length);
                if (payload.length != length)
                {
                    throw new EOFException("frame cut short");
                }
                if ((b0 & 0x0F) == 0x2)
                {
                    assertTrue((b0 & 0x80) != 0, "the router sends unfragmented messages");
                    return payload;
                }
                if ((b0 & 0x0F) == 0x8)
                {
                    throw new EOFException("closed by the router");
                }
            }
        }

        private int readByte() throws IOException
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new EOFException();
            }
            return b;
        }

        public void close() throws IOException
        {
            socket.close();
        }
    }
}
