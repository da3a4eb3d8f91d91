package to.clasp.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.BeforeContainer;
import to.clasp.protocol.message.Message;
import to.clasp.protocol.message.MessageCodec;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input never escapes as an exception: random bytes and mutated valid frames (bit flips, truncation, length
 * corruption, type-code corruption, value-type corruption, MessagePack mutations) either decode OK or return an
 * error code; and when OK, every view accessor, toMessage, and the router's re-encoders work and re-decode.
 * Seeded so a failure is reproducible; about 200 000 cases. (jqwik examples: the corpus uses jqwik generators.)
 */
class RobustnessTest
{
    private static final long SEED = 0x5EED_C1A5L;
    private static final List<byte[]> CORPUS = new ArrayList<>();

    private final FrameDecoder decoder = new FrameDecoder();
    private final FrameDecoder itemDecoder = new FrameDecoder();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[2 * Frame.MAX_FRAME_LENGTH]);
    private int okCount;

    @BeforeContainer
    static void buildCorpus()
    {
        for (final String hex : new String[]{
            GoldenVectorTest.E1, GoldenVectorTest.E2, GoldenVectorTest.E3, GoldenVectorTest.EMPTY_SNAPSHOT,
            GoldenVectorTest.E4_JS, GoldenVectorTest.E5, GoldenVectorTest.E6, GoldenVectorTest.E7_GET,
            GoldenVectorTest.E7_SNAPSHOT, GoldenVectorTest.E8_SET, GoldenVectorTest.E8_BROADCAST,
            GoldenVectorTest.E9_SUBSCRIBE, GoldenVectorTest.E9_UNSUBSCRIBE, GoldenVectorTest.E9_PY_SUBSCRIBE,
            GoldenVectorTest.E10_JS, GoldenVectorTest.E10_PY, GoldenVectorTest.E10_GESTURE, GoldenVectorTest.E11_JS,
            GoldenVectorTest.E11_PY, GoldenVectorTest.E11_QUERY, GoldenVectorTest.EMPTY_RESULT,
            GoldenVectorTest.E12_ERROR, GoldenVectorTest.PING, GoldenVectorTest.PONG })
        {
            CORPUS.add(Hex.bytes(hex));
        }
        // Plus generated frames of every type, with nested values (jqwik generators, fixed seed).
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        final Random random = new Random(SEED);
        MessageArbitraries.messages().generator(50).stream(random).limit(400).forEach(shrinkable ->
        {
            final Message message = shrinkable.value();
            final int length = MessageCodec.encode(message, random.nextInt(3), frame, 0);
            final byte[] bytes = new byte[length];
            frame.getBytes(0, bytes);
            CORPUS.add(bytes);
        });
        // MessagePack forms of several types.
        for (final byte[] msgpack : MessagePackTest.samplePayloads())
        {
            final byte[] bytes = new byte[4 + msgpack.length];
            bytes[0] = (byte)Frame.MAGIC;
            bytes[1] = 1;
            bytes[2] = (byte)(msgpack.length >>> 8);
            bytes[3] = (byte)msgpack.length;
            System.arraycopy(msgpack, 0, bytes, 4, msgpack.length);
            CORPUS.add(bytes);
        }
    }

    @Example
    void corpusIsValid()
    {
        for (final byte[] bytes : CORPUS)
        {
            assertEquals(DecodeError.OK, check(bytes, bytes.length), () -> Hex.of(new UnsafeBuffer(bytes), 0, bytes.length));
        }
    }

    @Example
    void mutatedFramesNeverThrow()
    {
        final Random random = new Random(SEED);
        final int cases = 150_000;
        for (int i = 0; i < cases; i++)
        {
            final byte[] original = CORPUS.get(random.nextInt(CORPUS.size()));
            final byte[] bytes = Arrays.copyOf(original, original.length + random.nextInt(4));
            int length = original.length;
            switch (random.nextInt(7))
            {
                case 0: // bit flips anywhere
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--)
                    {
                        bytes[random.nextInt(length)] ^= (byte)(1 << random.nextInt(8));
                    }
                    break;
                case 1: // truncation (the length field then points past the end)
                    length = random.nextInt(length + 1);
                    break;
                case 2: // length field corruption
                    bytes[2] = (byte)random.nextInt(256);
                    bytes[3] = (byte)random.nextInt(256);
                    break;
                case 3: // type-code corruption
                    if (length > 4)
                    {
                        bytes[4] = (byte)random.nextInt(256);
                    }
                    break;
                case 4: // a random byte inside the payload (value types, counts, flags, indicators)
                    if (length > 5)
                    {
                        bytes[5 + random.nextInt(length - 5)] = (byte)random.nextInt(256);
                    }
                    break;
                case 5: // truncate the payload but fix the length field, so only inner fields run short
                    if (length > 5)
                    {
                        length = 5 + random.nextInt(length - 5);
                        bytes[2] = (byte)((length - 4) >>> 8);
                        bytes[3] = (byte)(length - 4);
                    }
                    break;
                default: // header flag corruption (timestamp / encrypted / compressed bits)
                    bytes[1] = (byte)random.nextInt(256);
                    break;
            }
            check(bytes, length);
        }
        assertTrue(okCount > cases / 20, "mutations should not all be rejected: " + okCount);
        assertEquals(0, decoder.internalErrors());
        assertEquals(0, itemDecoder.internalErrors());
    }

    @Example
    void randomBytesNeverThrow()
    {
        final Random random = new Random(SEED + 1);
        for (int i = 0; i < 50_000; i++)
        {
            final byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes.length >= 4 && random.nextBoolean())
            {
                // Mostly-valid header so the payload parsers are reached.
                bytes[0] = (byte)Frame.MAGIC;
                bytes[1] = (byte)(random.nextInt(4) << 6 | 1);
                bytes[2] = 0;
                bytes[3] = (byte)(bytes.length - 4);
                if (random.nextInt(4) == 0 && bytes.length > 4)
                {
                    bytes[4] = (byte)(0x80 | random.nextInt(16)); // fixmap: the MessagePack path
                }
            }
            check(bytes, bytes.length);
        }
        assertEquals(0, decoder.internalErrors());
    }

    @Example
    void deepNestingIsRejectedNotOverflowed()
    {
        // 40 nested arrays in a SET value: deeper than the limit of 32.
        final int depth = 40;
        final byte[] bytes = new byte[4 + 2 + 4 + depth * 3];
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        b.putByte(0, (byte)Frame.MAGIC);
        b.putByte(1, (byte)1);
        b.putShort(2, (short)(bytes.length - 4), ByteOrder.BIG_ENDIAN);
        b.putByte(4, (byte)MessageType.SET);
        b.putByte(5, (byte)ValueType.ARRAY);
        b.putShort(6, (short)2, ByteOrder.BIG_ENDIAN);
        b.putByte(8, (byte)'/');
        b.putByte(9, (byte)'d');
        int p = 10;
        for (int i = 0; i < depth; i++)
        {
            b.putShort(p, (short)1, ByteOrder.BIG_ENDIAN);
            b.putByte(p + 2, (byte)ValueType.ARRAY);
            p += 3;
        }
        assertEquals(DecodeError.TOO_DEEP, decoder.decode(b, 0, p));

        // MessagePack: 60 000 nested fixarrays as a SET value must not overflow the stack either.
        final byte[] prefix = Hex.bytes("83 a4 \"type\" a3 \"SET\" a7 \"address\" a2 \"/d\" a5 \"value\"");
        final byte[] deep = new byte[prefix.length + 60_000];
        System.arraycopy(prefix, 0, deep, 0, prefix.length);
        Arrays.fill(deep, prefix.length, deep.length, (byte)0x91);
        assertEquals(DecodeError.TOO_DEEP, decoder.decodePayload(new UnsafeBuffer(deep), 0, deep.length));
    }

    /**
     * Decode; on OK touch everything a router or client may touch. Any exception fails the test.
     */
    private int check(final byte[] bytes, final int length)
    {
        final int result = decoder.decode(new UnsafeBuffer(bytes), 0, length);
        if (result == DecodeError.OK)
        {
            okCount++;
            exercise(decoder);
        }
        else
        {
            assertTrue(result > 0 && !DecodeError.describe(result).startsWith("unknown decode error"), "code " + result);
            assertEquals(-1, decoder.type());
        }
        return result;
    }

    private void exercise(final FrameDecoder d)
    {
        final Message message = MessageCodec.toMessage(d);
        assertEquals(d.type(), message.type());
        switch (d.type())
        {
            case MessageType.SET:
            {
                touch(d.set().value());
                d.set().address();
                final int length = SetEncoder.broadcast(d.set(), 99, out, 0);
                assertReDecodes(length);
                break;
            }
            case MessageType.PUBLISH:
            {
                touch(d.publish().value());
                final int length = PublishEncoder.relay(d.publish(), 1, out, 0);
                assertReDecodes(length);
                break;
            }
            case MessageType.SNAPSHOT:
                for (int i = 0; i < d.snapshot().count(); i++)
                {
                    touch(d.snapshot().entry(i).value());
                }
                break;
            case MessageType.BUNDLE:
                for (int i = 0; i < d.bundle().count(); i++)
                {
                    assertEquals(DecodeError.OK,
                        itemDecoder.decodePayload(d.payload(), d.bundle().itemOffset(i), d.bundle().itemLength(i)));
                    MessageCodec.toMessage(itemDecoder);
                }
                break;
            default:
                break;
        }
        // The heap model of anything accepted can be encoded again and decodes to the same model.
        final int length = MessageCodec.encode(message, d.qos(), scratch, 0);
        if (length > 0)
        {
            final FrameDecoder again = new FrameDecoder();
            assertEquals(DecodeError.OK, again.decode(scratch, 0, length));
            assertEquals(Canonical.of(message), Canonical.of(MessageCodec.toMessage(again)));
        }
    }

    private void assertReDecodes(final int length)
    {
        if (length == Frame.DOES_NOT_FIT)
        {
            return; // widening can push a maximal payload past 65 535; the router then drops or errors
        }
        assertEquals(DecodeError.OK, itemDecoder.decode(out, 0, length));
    }

    private void touch(final ValueView value)
    {
        value.type();
        value.asLong();
        value.asDouble();
        value.asBoolean();
        value.toObject();
        value.contentLength();
        final int canonicalLength = value.canonicalLength();
        assertEquals(canonicalLength, value.copyCanonical(scratch, 0));
    }
}
