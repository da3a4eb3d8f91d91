package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MQTT payload table of docs/operations.md, both ways. */
final class JsonPayloadsTest
{
    private final JsonPayloads payloads = new JsonPayloads();
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[70_000]);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[70_000]);
    private final FrameDecoder decoder = new FrameDecoder();

    /** MQTT payload → CLASP value, through a real SET frame and the engine's decoder. */
    private ValueView toClasp(final byte[] payload)
    {
        final int n = payloads.toClasp(new UnsafeBuffer(payload), 0, payload.length, value, 0, value.capacity());
        assertTrue(n > 0, "fits");
        final UnsafeBuffer address = new UnsafeBuffer("/p".getBytes(StandardCharsets.UTF_8));
        final int length = SetEncoder.encode(frame, 0, Qos.FIRE, address, 0, 2, value, 0, n, 0, 0, 0);
        assertEquals(DecodeError.OK, decoder.decode(frame, 0, length), "the core decodes what the edge writes");
        return decoder.set().value();
    }

    private Object parse(final String json)
    {
        return toClasp(json.getBytes(StandardCharsets.UTF_8)).toObject();
    }

    private String render(final String json)
    {
        final ValueView v = toClasp(json.getBytes(StandardCharsets.UTF_8));
        payloads.toMqtt(v);
        final byte[] out = new byte[payloads.payloadLength()];
        payloads.payload().getBytes(0, out);
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void jsonScalarsKeepIntAndFloatApart()
    {
        assertEquals(42L, parse("42"));
        assertEquals(-7L, parse(" -7 "));
        assertEquals(42.0, parse("42.0"));
        assertEquals(21.5, parse("21.5"));
        assertEquals(1e-7, parse("1e-7"));
        assertEquals(0.1, parse("0.1"));
        assertEquals(123456789012345678.9, parse("123456789012345678.9"));
        assertEquals(9223372036854775807L, parse("9223372036854775807"));
        assertEquals(1e19, parse("10000000000000000000"), "past 64 bits: a Float, as JSON.parse gives");
        assertEquals(true, parse("true"));
        assertEquals(false, parse("false"));
        assertEquals(null, parse("null"));
        assertEquals("on", parse("\"on\""));
        assertEquals("é\n\"\u20ac\uD83D\uDE00", parse("\"\\u00e9\\n\\\"€\\ud83d\\ude00\""));
    }

    @Test
    void jsonContainersKeepOrder()
    {
        final Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("z", 1L);
        expected.put("a", Arrays.asList(1.5, "x", null, List.of()));
        expected.put("m", Map.of());
        assertEquals(expected, parse("{\"z\":1, \"a\":[1.5,\"x\",null,[]], \"m\":{}}"));
    }

    @Test
    void anythingElseIsBytesByteForByte()
    {
        for (final String text : new String[] {"online", "01", "1.", "[1,]", "{\"a\"}", "tru", "\"unterminated",
            "1 2", "NaN", "\"\u0001\"", "-"})
        {
            final byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            final ValueView v = toClasp(payload);
            assertEquals(ValueType.BYTES, v.type(), text);
            assertArrayEquals(payload, (byte[])v.toObject(), text);
        }
        final byte[] binary = {0, (byte)0xFF, (byte)0xC0, 0x7B};
        assertArrayEquals(binary, (byte[])toClasp(binary).toObject());
        assertArrayEquals(new byte[] {'"', (byte)0xC3, '"'}, (byte[])toClasp(new byte[] {'"', (byte)0xC3, '"'})
            .toObject(), "invalid UTF-8 inside a string: not JSON");
    }

    @Test
    void emptyPayloadIsNull()
    {
        assertEquals(ValueType.NULL, toClasp(new byte[0]).type());
    }

    @Test
    void nestingDeeperThanClaspAllowsIsBytes()
    {
        final String deep = "[".repeat(40) + "]".repeat(40);
        assertEquals(ValueType.BYTES, toClasp(deep.getBytes(StandardCharsets.UTF_8)).type());
        final String ok = "[".repeat(32) + "]".repeat(32);
        assertEquals(ValueType.ARRAY, toClasp(ok.getBytes(StandardCharsets.UTF_8)).type());
    }

    @Test
    void valuesRenderAsCompactJson()
    {
        assertEquals("42", render("42"));
        assertEquals("42.0", render("42.0"));
        assertEquals("21.5", render("21.5"));
        assertEquals("-0.0", render("-0.0"));
        assertEquals("1.0E-7", render("1e-7"));
        assertEquals("{\"z\":1,\"a\":[true,null,\"x\\\"y\"]}", render("{ \"z\" : 1 , \"a\" : [ true , null , \"x\\\"y\" ] }"));
        assertEquals("\"tab\\u0009\"", render("\"tab\\t\""));
    }

    @Property(tries = 2000)
    void randomBytesNeverThrowAndAlwaysDecode(@ForAll("payloads") final byte[] payload)
    {
        final int n = payloads.toClasp(new UnsafeBuffer(payload), 0, payload.length, value, 0, value.capacity());
        assertTrue(n > 0);
        final UnsafeBuffer address = new UnsafeBuffer("/p".getBytes(StandardCharsets.UTF_8));
        final int length = SetEncoder.encode(frame, 0, Qos.FIRE, address, 0, 2, value, 0, n, 0, 0, 0);
        assertEquals(DecodeError.OK, decoder.decode(frame, 0, length));
        payloads.toMqtt(decoder.set().value()); // and renders back without throwing
    }

    @Property(tries = 1000)
    void jsonFromAnEncoderRoundTripsToTheSameValue(@ForAll("json") final String json)
    {
        final Object first = parse(json);
        assertEquals(first, parse(render(json)), json);
    }

    @Provide
    Arbitrary<byte[]> payloads()
    {
        final Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        final Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars("{}[]\",:0123456789.eE-+truefalsn \\u".toCharArray())
            .ofMaxLength(60).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(random, jsonish);
    }

    @Provide
    Arbitrary<String> json()
    {
        final Arbitrary<String> numbers = Arbitraries.oneOf(
            Arbitraries.longs().map(l -> Long.toString(l)),
            Arbitraries.doubles().map(d -> Double.toString(d)));
        final Arbitrary<String> strings = Arbitraries.strings().ofMaxLength(20)
            .map(s -> '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").chars()
                .mapToObj(c -> c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char)c))
                .reduce("", String::concat) + '"')
            .filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char)c)));
        final Arbitrary<String> scalars = Arbitraries.oneOf(numbers, strings, Arbitraries.of("true", "false", "null"));
        return Arbitraries.oneOf(scalars,
            scalars.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"),
            scalars.list().ofMaxSize(5).map(l ->
            {
                final StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i < l.size(); i++)
                {
                    sb.append(i > 0 ? "," : "").append("\"k").append(i).append("\":").append(l.get(i));
                }
                return sb.append('}').toString();
            }));
    }
}
