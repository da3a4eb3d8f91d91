package to.clasp.protocol;

import java.nio.ByteOrder;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.protocol.message.Message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge's MessagePack transcoding before the ring changes nothing the core can see: for any frame, decoding the
 * transcoded frame gives what decoding the original gave (same type, QoS, timestamp, compact payload bytes), and a
 * frame that does not transcode is left for the core to answer as before. Random and mutated frames never throw.
 */
class MessagePackFramesTest
{
    private final MessagePackFrames frames = new MessagePackFrames();
    private final FrameDecoder original = new FrameDecoder();
    private final FrameDecoder transcoded = new FrameDecoder();
    /** The router core's decoder, which never runs the MessagePack reader. */
    private final FrameDecoder core = FrameDecoder.compactOnly();

    private static byte[] frame(final int flags, final long timestamp, final byte[] payload, final int trailing)
    {
        final boolean ts = (flags & Frame.FLAG_TIMESTAMP) != 0;
        final int header = Frame.HEADER_LENGTH + (ts ? Frame.TIMESTAMP_LENGTH : 0);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[header + payload.length + trailing]);
        b.putByte(0, (byte)Frame.MAGIC);
        b.putByte(1, (byte)flags);
        b.putShort(2, (short)payload.length, ByteOrder.BIG_ENDIAN);
        if (ts)
        {
            b.putLong(Frame.TIMESTAMP_OFFSET, timestamp, ByteOrder.BIG_ENDIAN);
        }
        b.putBytes(header, payload);
        return b.byteArray();
    }

    /** The core's view of {@code bytes} with and without the edge's transcoding is the same. */
    private void assertSameToTheCore(final byte[] bytes)
    {
        final UnsafeBuffer in = new UnsafeBuffer(bytes);
        final int before = original.decode(in, 0, bytes.length);
        final int length = frames.transcode(in, 0, bytes.length);
        if (length < 0)
        {
            // Left as it is: the core decodes the original, and refuses it exactly when a full decoder would.
            final int atCore = core.decode(in, 0, bytes.length);
            assertEquals(DecodeError.OK == before, DecodeError.OK == atCore, "the core accepts what it accepted");
            if (DecodeError.OK == before)
            {
                assertFalse(original.messagePack(), "every MessagePack frame the core accepts is transcoded");
                assertEquals(original.type(), core.type());
            }
            return;
        }
        assertEquals(DecodeError.OK, before, "only frames the core accepts are transcoded");
        assertTrue(original.messagePack());
        assertEquals(DecodeError.OK, core.decode(frames.buffer(), 0, length));
        assertEquals(DecodeError.OK, transcoded.decode(frames.buffer(), 0, length));
        assertFalse(transcoded.messagePack(), "the core sees compact binary");
        assertEquals(original.type(), transcoded.type());
        assertEquals(original.qos(), transcoded.qos());
        assertEquals(original.hasTimestamp(), transcoded.hasTimestamp());
        assertEquals(original.timestamp(), transcoded.timestamp());
        assertArrayEquals(bytes(original), bytes(transcoded));
        assertEquals(0, original.internalErrors());
    }

    private static byte[] bytes(final FrameDecoder d)
    {
        final byte[] out = new byte[d.payloadLength()];
        d.payload().getBytes(d.payloadOffset(), out);
        return out;
    }

    @Test
    void pythonBundleAndQueryBecomeTheirCompactFrames()
    {
        for (final String golden : new String[] {GoldenVectorTest.E11_PY, GoldenVectorTest.E11_QUERY})
        {
            final byte[] bytes = Hex.bytes(golden);
            assertTrue(MessagePackFrames.isMessagePack(new UnsafeBuffer(bytes), 0, bytes.length));
            assertSameToTheCore(bytes);
            assertTrue(frames.transcode(new UnsafeBuffer(bytes), 0, bytes.length) > 0);
        }
        final byte[] bundle = Hex.bytes(GoldenVectorTest.E11_PY);
        final int length = frames.transcode(new UnsafeBuffer(bundle), 0, bundle.length);
        assertEquals(Hex.normalise("53 01 00 16 30 00 00 01 00 10 21 07 00 04 2f 6c 2f 31 3f f0 00 00 00 00 00 00"),
            Hex.of(frames.buffer(), 0, length), "header kept, length rewritten, compact payload");
    }

    @Test
    void headerFlagsAndTimestampAreKept()
    {
        final byte[] payload = Arrays.copyOfRange(Hex.bytes(GoldenVectorTest.E11_QUERY), 4, 4 + 0x18);
        final byte[] withTimestamp = frame(Frame.flags(Qos.COMMIT) | Frame.FLAG_TIMESTAMP, 0x0102030405060708L,
            payload, 3);
        assertSameToTheCore(withTimestamp);
        final int length = frames.transcode(new UnsafeBuffer(withTimestamp), 0, withTimestamp.length);
        assertEquals(Frame.flags(Qos.COMMIT) | Frame.FLAG_TIMESTAMP, frames.buffer().getByte(1) & 0xFF);
        assertEquals(0x0102030405060708L, frames.buffer().getLong(Frame.TIMESTAMP_OFFSET, ByteOrder.BIG_ENDIAN));
        assertEquals(length - 12, frames.buffer().getShort(2, ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }

    @Test
    void framesTheCoreRefusesOrThatAreNotMessagePackAreLeftAlone()
    {
        final byte[] query = Hex.bytes(GoldenVectorTest.E11_QUERY);
        final byte[] payload = Arrays.copyOfRange(query, 4, query.length);
        final byte[][] leftAlone = {
            Hex.bytes("53 01 00 01 41"), // compact PING
            frame(Frame.flags(0) | Frame.FLAG_ENCRYPTED, 0, payload, 0),
            frame(Frame.flags(0) | Frame.FLAG_COMPRESSED, 0, payload, 0),
            Arrays.copyOf(query, query.length - 1), // truncated
            MessagePackTest.pack(java.util.Map.of("type", "NOPE")), // no header
            frame(Frame.flags(0), 0, MessagePackTest.pack(java.util.Map.of("type", "NOPE")), 0),
            frame(Frame.flags(0), 0, MessagePackTest.pack(java.util.Map.of("type", "QUERY", "pattern", 5L)), 0),
        };
        for (final byte[] bytes : leftAlone)
        {
            assertEquals(-1, frames.transcode(new UnsafeBuffer(bytes), 0, bytes.length),
                Hex.of(new UnsafeBuffer(bytes), 0, bytes.length));
        }
    }

    @Provide
    Arbitrary<Message> messages()
    {
        return new MessagePackTest().messages();
    }

    @Property(tries = 400)
    void everyMessageLooksTheSameToTheCore(@ForAll("messages") final Message message,
        @ForAll("flags") final int flags, @ForAll final long timestamp)
    {
        final byte[] payload = MessagePackTest.pack(MessagePackTest.toMap(message));
        if (payload.length <= Frame.MAX_PAYLOAD_LENGTH)
        {
            assertSameToTheCore(frame(flags, timestamp, payload, 0));
        }
    }

    @Provide
    Arbitrary<Integer> flags()
    {
        return Arbitraries.integers().between(0, 0xFF).map(f -> f & ~(Frame.FLAG_ENCRYPTED | Frame.FLAG_COMPRESSED));
    }

    @Property(tries = 2000)
    void mutatedFramesNeverThrowAndStillLookTheSame(@ForAll("seeds") final byte[] seed,
        @ForAll("mutations") final int[] mutations)
    {
        final byte[] bytes = seed.clone();
        for (int i = 0; i + 1 < mutations.length; i += 2)
        {
            bytes[Math.floorMod(mutations[i], bytes.length)] = (byte)mutations[i + 1];
        }
        assertSameToTheCore(bytes);
    }

    @Provide
    Arbitrary<byte[]> seeds()
    {
        return Arbitraries.of(MessagePackTest.samplePayloads()).map(p -> frame(Frame.flags(0), 0, p, 0));
    }

    @Provide
    Arbitrary<int[]> mutations()
    {
        return Arbitraries.integers().array(int[].class).ofMinSize(2).ofMaxSize(8);
    }

    @Property(tries = 500)
    void randomBytesNeverThrow(@ForAll final byte[] bytes)
    {
        final UnsafeBuffer in = new UnsafeBuffer(bytes);
        MessagePackFrames.isMessagePack(in, 0, bytes.length);
        if (bytes.length > 4)
        {
            bytes[0] = (byte)Frame.MAGIC;
            bytes[4] = (byte)0x82;
        }
        assertSameToTheCore(bytes);
    }
}
