package to.clasp.core;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.edge.InboundPort;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PingEncoder;
import to.clasp.testing.SilentConnection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the port puts in a ring slot, on the offering (edge) thread: the frame's bytes, copied from a buffer or
 * written into place by the edge's {@link to.clasp.edge.FrameWriter}; a MessagePack frame already transcoded to
 * compact binary, so the core never runs the MessagePack reader; a frame that does not transcode as it came.
 */
class RouterInboundPortTest
{
    private static final int SLOT = 64;

    private final RingBuffer<InboundEvent> ring = RingBuffer.createMultiProducer(
        () -> new InboundEvent(SLOT), 16, new YieldingWaitStrategy());
    private final RingBuffer<InboundEvent> controlLane = RingBuffer.createMultiProducer(
        () -> new InboundEvent(SLOT), 16, new YieldingWaitStrategy());
    private final RouterInboundPort port = new RouterInboundPort(ring, controlLane,
        new CoreIdleStrategy(WaitStrategy.SLEEP), new Router.Context().conclude(), Frame.MAX_FRAME_LENGTH,
        new BackPressureMetrics());
    private final long connectionId = port.connect(new SilentConnection()).connectionId();

    private byte[] lastFrame()
    {
        final InboundEvent event = ring.get(ring.getCursor());
        assertEquals(InboundEvent.FRAME, event.kind);
        assertEquals(connectionId, event.connectionId);
        final byte[] out = new byte[event.length];
        event.buffer().getBytes(0, out);
        return out;
    }

    private static byte[] bytes(final String hex)
    {
        final String[] parts = hex.trim().split("\\s+");
        final byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            out[i] = (byte)Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    @Test
    void aWriterWritesTheFrameIntoTheSlotOrIntoABufferOfItsOwn()
    {
        for (final int length : new int[] {5, SLOT, SLOT + 1, 1000, Frame.MAX_FRAME_LENGTH})
        {
            final byte[] frame = new byte[length];
            for (int i = 0; i < length; i++)
            {
                frame[i] = (byte)(i * 7 + 1);
            }
            frame[0] = (byte)Frame.MAGIC;
            assertEquals(InboundPort.OFFERED, port.offer(connectionId, length,
                (dst, offset, n) -> dst.putBytes(offset, frame, 0, n)));
            assertArrayEquals(frame, lastFrame());
        }
    }

    @Test
    void aWriterIsNotCalledForAFrameThePortRefuses()
    {
        assertEquals(InboundPort.REFUSED, port.offer(connectionId, Frame.MAX_FRAME_LENGTH + 1,
            (dst, offset, n) -> { throw new AssertionError("written"); }));
        assertEquals(InboundPort.REFUSED, port.offer(connectionId + 1, 5,
            (dst, offset, n) -> { throw new AssertionError("written"); }));
    }

    @Test
    void messagePackFramesAreTranscodedBeforeTheRingBothWays()
    {
        // The Python client's QUERY {"type": "QUERY", "pattern": "/**"} (wire-protocol.md, E11).
        final byte[] query = bytes("53 01 00 18 82 a4 74 79 70 65 a5 51 55 45 52 59 a7 70 61 74 74 65 72 6e a3 2f 2a 2a");
        assertEquals(InboundPort.OFFERED, port.offer(connectionId, new UnsafeBuffer(query), 0, query.length));
        assertCompactQuery(lastFrame());
        assertEquals(InboundPort.OFFERED, port.offer(connectionId, query.length,
            (dst, offset, n) -> dst.putBytes(offset, query, 0, n)));
        assertCompactQuery(lastFrame());
        assertTrue(port.onFrame(connectionId, new UnsafeBuffer(query), 0, query.length)); // Aeron, in-process
        assertCompactQuery(lastFrame());
    }

    private static void assertCompactQuery(final byte[] frame)
    {
        final FrameDecoder decoder = new FrameDecoder();
        assertEquals(DecodeError.OK, decoder.decode(new UnsafeBuffer(frame), 0, frame.length));
        assertFalse(decoder.messagePack(), "already compact binary in the slot");
        assertEquals(MessageType.QUERY, decoder.type());
        assertEquals("/**", decoder.query().pattern());
    }

    @Test
    void aMessagePackFrameThatDoesNotTranscodeArrivesAsItCame()
    {
        // {"type": "NOPE"}: the core answers it with its error, as before.
        final byte[] nope = bytes("53 01 00 0b 81 a4 74 79 70 65 a4 4e 4f 50 45");
        assertEquals(InboundPort.OFFERED, port.offer(connectionId, new UnsafeBuffer(nope), 0, nope.length));
        assertArrayEquals(nope, lastFrame());
        final FrameDecoder decoder = new FrameDecoder();
        assertEquals(DecodeError.UNKNOWN_MESSAGE_TYPE, decoder.decode(new UnsafeBuffer(nope), 0, nope.length));
    }

    @Test
    void theConnectAndControlFramesTakeTheControlLaneAndDataFramesAreNotTaken()
    {
        assertEquals(InboundEvent.CONNECT, controlLane.get(controlLane.getCursor()).kind, "connect: the lane");
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[16]);
        final int pingLength = PingEncoder.encode(ping, 0);
        assertEquals(InboundPort.OFFERED, port.offerControl(connectionId, ping, 0, pingLength));
        final InboundEvent event = controlLane.get(controlLane.getCursor());
        assertEquals(InboundEvent.FRAME, event.kind);
        assertEquals(connectionId, event.connectionId);
        assertEquals(MessageType.PING, event.buffer().getByte(Frame.HEADER_LENGTH) & 0xFF);
        assertEquals(-1, ring.getCursor(), "nothing in the data ring");

        // PUBLISH (compact) and a MessagePack QUERY: data, not taken ahead.
        final byte[] publish = bytes("53 01 00 03 20 00 00");
        assertEquals(InboundPort.NOT_TAKEN, port.offerControl(connectionId, new UnsafeBuffer(publish), 0, publish.length));
        final byte[] query = bytes("53 01 00 18 82 a4 74 79 70 65 a5 51 55 45 52 59 a7 70 61 74 74 65 72 6e a3 2f 2a 2a");
        assertEquals(InboundPort.NOT_TAKEN, port.offerControl(connectionId, new UnsafeBuffer(query), 0, query.length));
        assertEquals(InboundPort.REFUSED, port.offerControl(connectionId + 1, ping, 0, pingLength), "unknown");
        assertEquals(-1, ring.getCursor());
    }

    @Test
    void controlFramesLeaveAQuarterOfTheLaneToConnects()
    {
        // A core that has taken the connect and takes nothing more: the lane fills.
        controlLane.addGatingSequences(new Sequence());
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[16]);
        final int pingLength = PingEncoder.encode(ping, 0);
        int taken = 0;
        while (port.offerControl(connectionId, ping, 0, pingLength) == InboundPort.OFFERED)
        {
            taken++;
        }
        // 16 slots, 4 kept for connects.
        assertEquals(12, taken);
        assertEquals(InboundPort.NOT_TAKEN, port.offerControl(connectionId, ping, 0, pingLength));
        assertTrue(port.connect(new SilentConnection()).connectionId() > connectionId, "a connect still finds room");
    }
}
