package to.clasp.transport.osc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.illposed.osc.BufferBytesReceiver;
import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import com.illposed.osc.OSCSerializerAndParserBuilder;
import com.illposed.osc.argument.OSCTimeTag64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import to.clasp.protocol.BundleDecoder;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.ValueView;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OSC codec against an independent OSC implementation (JavaOSC serialises what the edge reads, and parses what the
 * edge writes), and against broken input.
 */
final class OscCodecTest
{
    private static final long NOW = 1_700_000_000_000_000L;

    private final OscToClasp translator = new OscToClasp("/osc");
    private final List<byte[]> frames = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();

    static byte[] serialize(final OSCPacket packet) throws Exception
    {
        final ByteBuffer buffer = ByteBuffer.allocate(70_000);
        new OSCSerializerAndParserBuilder().buildSerializer(new BufferBytesReceiver(buffer)).write(packet);
        buffer.flip();
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private int translate(final byte[] datagram)
    {
        frames.clear();
        return translator.translate(new UnsafeBuffer(datagram), 0, datagram.length, NOW, (b, o, l) ->
        {
            final byte[] f = new byte[l];
            b.getBytes(o, f);
            frames.add(f);
        });
    }

    private FrameDecoder decode(final byte[] frame)
    {
        assertEquals(DecodeError.OK, decoder.decode(new UnsafeBuffer(frame), 0, frame.length), "the core decodes it");
        return decoder;
    }

    private Object setValue(final OSCMessage message) throws Exception
    {
        assertEquals(OscToClasp.OK, translate(serialize(message)));
        assertEquals(1, frames.size());
        final FrameDecoder d = decode(frames.get(0));
        assertEquals(MessageType.SET, d.type());
        assertEquals("/osc" + message.getAddress(), d.set().address());
        return d.set().value().toObject();
    }

    @Test
    void messageArgumentsBecomeOneValue() throws Exception
    {
        assertEquals(0.5, setValue(new OSCMessage("/mixer/1/fader", List.of(0.5f))));
        assertEquals(7L, setValue(new OSCMessage("/mixer/1/mute", List.of(7))));
        assertEquals(null, setValue(new OSCMessage("/cue/go")));
        final byte[] blob = {1, 2, 3, 4, 5};
        final Object many = setValue(new OSCMessage("/all", Arrays.asList(3, 1.5f, "x", blob, 1L << 40, 0.1, true,
            false, null, 'é')));
        final List<?> values = (List<?>)many;
        assertEquals(3L, values.get(0));
        assertEquals(1.5, values.get(1));
        assertEquals("x", values.get(2));
        assertArrayEquals(blob, (byte[])values.get(3));
        assertEquals(1L << 40, values.get(4));
        assertEquals(0.1, values.get(5));
        assertEquals(Arrays.asList(true, false, null, "é"), values.subList(6, 10));
    }

    @Test
    void oscArraysNest() throws Exception
    {
        final Object v = setValue(new OSCMessage("/nested", Arrays.asList(1, List.of(2, List.of("a")), 3)));
        assertEquals(Arrays.asList(1L, Arrays.asList(2L, List.of("a")), 3L), v);
    }

    @Test
    void timetagArgumentIsMicrosSinceTheUnixEpoch() throws Exception
    {
        // 2023-11-14T22:13:20.25Z: NTP seconds 1 700 000 000 + 2 208 988 800, fraction a quarter of 2^32.
        final long ntp = (1_700_000_000L + OscToClasp.NTP_UNIX_OFFSET_SECONDS) << 32 | 0x4000_0000L;
        assertEquals(1_700_000_000_250_000L, setValue(new OSCMessage("/t", List.of(OSCTimeTag64.valueOf(ntp)))));
        assertEquals(ntp, OscToClasp.microsToTimetag(1_700_000_000_250_000L));
        // RFC 4330 era rule: a time tag with the top bit clear is after 2036-02-07 (the NTP seconds wrapped).
        assertEquals((1L << 32) * 1_000_000L - OscToClasp.NTP_UNIX_OFFSET_SECONDS * 1_000_000L + 1_000_000L,
            OscToClasp.timetagToMicros(1L << 32));
    }

    @Test
    void bundleIsOneClaspBundleScheduledAtItsTimeTag() throws Exception
    {
        final long future = NOW + 2_000_000L;
        final OSCBundle bundle = new OSCBundle(List.of(new OSCMessage("/a", List.of(1)), new OSCMessage("/b",
            List.of("x"))), OSCTimeTag64.valueOf(OscToClasp.microsToTimetag(future)));
        assertEquals(OscToClasp.OK, translate(serialize(bundle)));
        assertEquals(1, frames.size());
        final FrameDecoder d = decode(frames.get(0));
        assertEquals(MessageType.BUNDLE, d.type());
        final BundleDecoder b = d.bundle();
        assertTrue(b.hasTimestamp());
        assertTrue(Math.abs(future - b.timestamp()) <= 1, "µs from the NTP time tag");
        assertEquals(2, b.count());
        assertEquals(2, translator.messages());
    }

    @Test
    void immediateOrPastBundlesRunAtOnce() throws Exception
    {
        final OSCBundle immediate = new OSCBundle(List.of(new OSCMessage("/a", List.of(1))), OSCTimeTag64.IMMEDIATE);
        assertEquals(OscToClasp.OK, translate(serialize(immediate)));
        assertFalse(decode(frames.get(0)).bundle().hasTimestamp());
        final OSCBundle past = new OSCBundle(List.of(new OSCMessage("/a", List.of(1))),
            OSCTimeTag64.valueOf(OscToClasp.microsToTimetag(NOW - 1_000_000L)));
        assertEquals(OscToClasp.OK, translate(serialize(past)));
        assertFalse(decode(frames.get(0)).bundle().hasTimestamp());
    }

    @Test
    void nestedBundlesKeepTheirOwnTimeTags() throws Exception
    {
        final OSCBundle inner = new OSCBundle(List.of(new OSCMessage("/later", List.of(2))),
            OSCTimeTag64.valueOf(OscToClasp.microsToTimetag(NOW + 5_000_000L)));
        final OSCBundle outer = new OSCBundle(List.of(new OSCMessage("/now", List.of(1)), inner),
            OSCTimeTag64.IMMEDIATE);
        assertEquals(OscToClasp.OK, translate(serialize(outer)));
        assertEquals(2, frames.size());
        assertFalse(decode(frames.get(0)).bundle().hasTimestamp());
        assertTrue(decode(frames.get(1)).bundle().hasTimestamp());
        assertEquals(2, translator.bundles());
    }

    @Test
    void brokenDatagramsAreMalformedAndSendNothing() throws Exception
    {
        final byte[] good = serialize(new OSCMessage("/a/b", List.of(1, "x")));
        final List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(good, good.length - 4));                           // truncated string argument
        bad.add(Arrays.copyOf(good, good.length - 1));                           // not a multiple of 4
        bad.add(new byte[] {'x', 'y', 'z', 0});                                  // neither message nor bundle
        final byte[] emptySegment = serialize(new OSCMessage("/a/bb", List.of(1)));
        emptySegment[3] = '/';                                                   // "/a//b": empty CLASP segment
        bad.add(emptySegment);
        final byte[] wildcard = good.clone();
        wildcard[3] = '*';                                                       // "/a/*": a pattern, not an address
        bad.add(wildcard);
        final byte[] unknownTag = good.clone();
        unknownTag[8 + 1] = 'Q';                                                 // ",Q" with unknown size
        bad.add(unknownTag);
        final byte[] badPadding = good.clone();
        badPadding[7] = 'x';                                                     // "/a/b\0\0\0\0" → "/a/b\0\0\0x"
        bad.add(badPadding);
        final byte[] bundleWithBrokenMember = serialize(new OSCBundle(List.of(new OSCMessage("/ok", List.of(1)),
            new OSCMessage("/x/yy", List.of(2))), OSCTimeTag64.IMMEDIATE));
        final int member = new String(bundleWithBrokenMember, StandardCharsets.ISO_8859_1).indexOf("/x/yy");
        bundleWithBrokenMember[member + 3] = '/';                                // "/x//y": one bad member
        bad.add(bundleWithBrokenMember);                                         // → nothing at all
        for (final byte[] datagram : bad)
        {
            assertEquals(OscToClasp.MALFORMED, translate(datagram), Arrays.toString(datagram));
            assertTrue(frames.isEmpty());
        }
    }

    @Test
    void claspValuesBecomeOscArgumentsJavaOscReads() throws Exception
    {
        assertEquals(List.of(42), written(42L));
        assertEquals(List.of(1L << 40), written(1L << 40));
        assertEquals(List.of(2.5f), written(2.5));
        assertEquals(List.of("on"), written("on"));
        assertEquals(List.of(true), written(true));
        assertEquals(List.of(), written(null));
        assertEquals(Arrays.asList(1, "a", List.of(true, false)), written(Arrays.asList(1L, "a", List.of(true, false))));
        final java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("x", 1L);
        map.put("y", 2.0);
        assertEquals(Arrays.asList("x", 1, "y", 2.0f), written(map));
        final byte[] blob = {9, 8, 7};
        final ByteBuffer written = (ByteBuffer)written(blob).get(0);
        final byte[] read = new byte[written.remaining()];
        written.get(read);
        assertArrayEquals(blob, read);
    }

    /** SET /osc/out = value → ClaspToOsc → JavaOSC's parser. */
    private List<Object> written(final Object value) throws Exception
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[70_000]);
        final int n = SetEncoder.encode(frame, 0, Qos.FIRE, "/osc/out/1", value, 0, 0, 0);
        final FrameDecoder d = decode(Arrays.copyOf(frame.byteArray(), n));
        final ValueView v = d.set().value();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[70_000]);
        final int length = new ClaspToOsc("/osc").message(d.payload(), d.set().addressOffset(),
            d.set().addressLength(), v, out, 0);
        assertEquals(0, length % 4);
        final OSCMessage m = (OSCMessage)new OSCSerializerAndParserBuilder().buildParser()
            .convert(ByteBuffer.wrap(out.byteArray(), 0, length));
        assertEquals("/out/1", m.getAddress(), "namespace stripped");
        return m.getArguments();
    }

    @Test
    void addressesOutsideTheNamespaceKeepTheirPath() throws Exception
    {
        final UnsafeBuffer address = new UnsafeBuffer("/mqtt/a".getBytes(StandardCharsets.UTF_8));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int n = new ClaspToOsc("/osc").message(address, 0, 7, null, out, 0);
        final OSCMessage m = (OSCMessage)new OSCSerializerAndParserBuilder().buildParser()
            .convert(ByteBuffer.wrap(out.byteArray(), 0, n));
        assertEquals("/mqtt/a", m.getAddress());
    }

    @Property(tries = 3000)
    void randomAndMutatedDatagramsNeverThrow(@ForAll("datagrams") final byte[] datagram)
    {
        final int rc = translate(datagram);
        assertTrue(rc == OscToClasp.OK || rc == OscToClasp.MALFORMED || rc == OscToClasp.TOO_LARGE);
        for (final byte[] f : frames)
        {
            assertEquals(DecodeError.OK, decoder.decode(new UnsafeBuffer(f), 0, f.length), "anything sent decodes");
        }
    }

    @Provide
    Arbitrary<byte[]> datagrams() throws Exception
    {
        final List<byte[]> seeds = List.of(
            serialize(new OSCMessage("/a/b", Arrays.asList(1, 2.5f, "str", new byte[] {1, 2}, true, null))),
            serialize(new OSCMessage("/n", Arrays.asList(List.of(1, List.of(2)), 3L, 4.0))),
            serialize(new OSCBundle(List.of(new OSCMessage("/x", List.of(1)), new OSCBundle(List.of(
                new OSCMessage("/y", List.of("z"))))), OSCTimeTag64.IMMEDIATE)));
        final Arbitrary<byte[]> mutated = Arbitraries.of(seeds).flatMap(seed -> Arbitraries.integers()
            .between(0, seed.length - 1).list().ofMinSize(1).ofMaxSize(4).flatMap(positions ->
                Arbitraries.bytes().list().ofSize(positions.size()).map(values ->
                {
                    final byte[] copy = seed.clone();
                    for (int i = 0; i < positions.size(); i++)
                    {
                        copy[positions.get(i)] = values.get(i);
                    }
                    return copy;
                })));
        final Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(128)
            .map(b -> Arrays.copyOf(b, b.length & ~3));
        return Arbitraries.oneOf(mutated, random);
    }
}
