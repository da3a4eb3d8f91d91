package to.clasp.protocol;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.protocol.message.Message;
import to.clasp.protocol.message.MessageCodec;
import to.clasp.protocol.message.SetMessage;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * encode → decode → equal model, for every message type and value type; narrow numeric codes decode widened.
 */
class RoundTripProperties
{
    private final FrameDecoder decoder = new FrameDecoder();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer again = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);

    @Provide
    Arbitrary<Message> messages()
    {
        return MessageArbitraries.messages();
    }

    @Provide
    Arbitrary<Object> values()
    {
        return MessageArbitraries.values(4);
    }

    @Property(tries = 1500)
    void everyMessageTypeRoundTrips(@ForAll("messages") final Message message, @ForAll @IntRange(max = 2) final int qos)
    {
        final int length = MessageCodec.encode(message, qos, frame, 0);
        assertTrue(length > 0);
        assertEquals(DecodeError.OK, decoder.decode(frame, 0, length), () -> Hex.of(frame, 0, length));
        assertEquals(message.type(), decoder.type());
        assertEquals(qos, decoder.qos());
        final Message decoded = MessageCodec.toMessage(decoder);
        assertEquals(Canonical.of(message), Canonical.of(decoded));
        // And the model of the decoded frame encodes to the very same bytes.
        final int againLength = MessageCodec.encode(decoded, qos, again, 0);
        assertEquals(Hex.of(frame, 0, length), Hex.of(again, 0, againLength));
    }

    @Property(tries = 500)
    void everyValueTypeRoundTripsThroughSet(@ForAll("values") final Object value)
    {
        final int length = MessageCodec.encode(new SetMessage("/v", value, null, false, false, null), 1, frame, 0);
        assertEquals(DecodeError.OK, decoder.decode(frame, 0, length));
        final ValueView view = decoder.set().value();
        assertEquals(ValueCodec.typeOf(value), view.type());
        assertEquals(Canonical.of(value), Canonical.of(view.toObject()));

        final UnsafeBuffer canonical = new UnsafeBuffer(new byte[view.canonicalLength()]);
        assertEquals(view.canonicalLength(), view.copyCanonical(canonical, 0));
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[ValueCodec.encodedLength(value)]);
        ValueCodec.encode(value, expected, 0);
        assertEquals(Hex.of(expected, 0, expected.capacity()), Hex.of(canonical, 0, canonical.capacity()));
    }

    /**
     * Values written with i8/i16/i32/f32 (which no known sender writes but every decoder must read) come out as Int
     * and Float, and their canonical copy is exactly what a canonical encoder writes for the widened value.
     */
    @Property(tries = 1000)
    void narrowCodesDecodeWidened(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final UnsafeBuffer data = new UnsafeBuffer(new byte[4096]);
        final int type = random.nextInt(3) == 0 ? (random.nextBoolean() ? ValueType.ARRAY : ValueType.MAP) : narrowType(random);
        final Object[] expected = new Object[1];
        final int dataLength = writeNarrow(random, type, data, 0, expected, 0);

        // Wrap it in a SET: type in the flags, then the data.
        frame.putByte(0, (byte)Frame.MAGIC);
        frame.putByte(1, (byte)Frame.flags(0));
        frame.putShort(2, (short)(2 + 2 + 2 + dataLength), ByteOrder.BIG_ENDIAN);
        frame.putByte(4, (byte)MessageType.SET);
        frame.putByte(5, (byte)type);
        frame.putShort(6, (short)2, ByteOrder.BIG_ENDIAN);
        frame.putStringWithoutLengthAscii(8, "/n");
        frame.putBytes(10, data, 0, dataLength);
        assertEquals(DecodeError.OK, decoder.decode(frame, 0, 10 + dataLength));
        final ValueView view = decoder.set().value();
        assertEquals(type, view.rawType());
        assertEquals(ValueType.widen(type), view.type());
        assertEquals(Canonical.of(expected[0]), Canonical.of(view.toObject()));
        if (view.isNumeric())
        {
            final Number n = (Number)expected[0];
            assertEquals(n.doubleValue(), view.asDouble());
            assertEquals(n.longValue(), view.asLong());
        }

        final UnsafeBuffer canonical = new UnsafeBuffer(new byte[view.canonicalLength()]);
        assertEquals(view.canonicalLength(), view.copyCanonical(canonical, 0));
        final UnsafeBuffer reference = new UnsafeBuffer(new byte[ValueCodec.encodedLength(expected[0])]);
        ValueCodec.encode(expected[0], reference, 0);
        assertEquals(Hex.of(reference, 0, reference.capacity()), Hex.of(canonical, 0, canonical.capacity()));
    }

    private static int narrowType(final Random random)
    {
        final int[] types = { ValueType.I8, ValueType.I16, ValueType.I32, ValueType.F32, ValueType.I64, ValueType.F64 };
        return types[random.nextInt(types.length)];
    }

    private static int writeNarrow(
        final Random random, final int type, final UnsafeBuffer dst, final int pos, final Object[] out, final int depth)
    {
        switch (type)
        {
            case ValueType.I8:
            {
                final byte v = (byte)random.nextInt();
                dst.putByte(pos, v);
                out[0] = (long)v;
                return 1;
            }
            case ValueType.I16:
            {
                final short v = (short)random.nextInt();
                dst.putShort(pos, v, ByteOrder.BIG_ENDIAN);
                out[0] = (long)v;
                return 2;
            }
            case ValueType.I32:
            {
                final int v = random.nextInt();
                dst.putInt(pos, v, ByteOrder.BIG_ENDIAN);
                out[0] = (long)v;
                return 4;
            }
            case ValueType.F32:
            {
                final float v = random.nextFloat() * 1000 - 500;
                dst.putFloat(pos, v, ByteOrder.BIG_ENDIAN);
                out[0] = (double)v;
                return 4;
            }
            case ValueType.I64:
            {
                final long v = random.nextLong();
                dst.putLong(pos, v, ByteOrder.BIG_ENDIAN);
                out[0] = v;
                return 8;
            }
            case ValueType.F64:
            {
                final double v = random.nextDouble();
                dst.putDouble(pos, v, ByteOrder.BIG_ENDIAN);
                out[0] = v;
                return 8;
            }
            default:
            {
                // An array or a map of narrow values (and, two levels deep, of further containers).
                final boolean map = type == ValueType.MAP;
                final int count = random.nextInt(4);
                dst.putShort(pos, (short)count, ByteOrder.BIG_ENDIAN);
                int p = pos + 2;
                final List<Object> list = new ArrayList<>();
                final Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < count; i++)
                {
                    final String key = "k" + i;
                    if (map)
                    {
                        dst.putShort(p, (short)key.length(), ByteOrder.BIG_ENDIAN);
                        dst.putStringWithoutLengthAscii(p + 2, key);
                        p += 2 + key.length();
                    }
                    final int elementType = depth < 2 && random.nextInt(4) == 0 ?
                        (random.nextBoolean() ? ValueType.ARRAY : ValueType.MAP) : narrowType(random);
                    dst.putByte(p, (byte)elementType);
                    final Object[] element = new Object[1];
                    p += 1 + writeNarrow(random, elementType, dst, p + 1, element, depth + 1);
                    if (map)
                    {
                        m.put(key, element[0]);
                    }
                    else
                    {
                        list.add(element[0]);
                    }
                }
                out[0] = map ? m : list;
                return p - pos;
            }
        }
    }
}
