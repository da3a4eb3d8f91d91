package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.edge.FrameWriter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The flyweight decoder against the Netty pipeline it replaced ({@code WebSocket13FrameDecoder} configured as the
 * edge configured it, then {@code WebSocketFrameAggregator}): on generated frame streams (every opcode, fragments,
 * the three length encodings, non-minimal and negative lengths, RSV bits, unmasked frames, close bodies with valid and
 * invalid codes and reasons), on those streams with bytes mutated, and on random bytes — each split into reads at
 * random points — both see the same messages in the same order and the same first close outcome, and the flyweight
 * decoder never throws. Plus examples that pin each close code on its own.
 */
class FlyweightFrameDecoderTest
{
    private static final HexFormat HEX = HexFormat.of();

    // ------------------------------------------------------------------------------------------------------------
    // Properties: the same outcome as Netty's decoder and aggregator
    // ------------------------------------------------------------------------------------------------------------

    @Property(tries = 400)
    void generatedStreamsDecodeAsNettyDid(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final int max = maxLength(random);
        assertSameOutcome(generatedStream(random, max), random, max);
    }

    @Property(tries = 400)
    void mutatedStreamsDecodeAsNettyDid(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final int max = maxLength(random);
        final byte[] stream = generatedStream(random, max);
        final int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations && stream.length > 0; i++)
        {
            final int at = random.nextInt(Math.min(stream.length, 64 + random.nextInt(stream.length)));
            stream[at] = random.nextBoolean() ? (byte)random.nextInt(256) : (byte)(stream[at] ^ (1 << random.nextInt(8)));
        }
        assertSameOutcome(stream, random, max);
    }

    @Property(tries = 300)
    void randomBytesDecodeAsNettyDid(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final byte[] stream = new byte[random.nextInt(300)];
        random.nextBytes(stream);
        if (stream.length > 1 && random.nextBoolean())
        {
            stream[0] = (byte)(0x80 | random.nextInt(16)); // FIN, no RSV: gets further into the frame
            stream[1] = (byte)(0x80 | (stream[1] & 0x7F));
        }
        assertSameOutcome(stream, random, maxLength(random));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Examples: each rule and its close code
    // ------------------------------------------------------------------------------------------------------------

    @Example
    void binaryMessageIsUnmaskedIntoTheWriter()
    {
        final byte[] payload = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("B:" + HEX.formatHex(payload)), decode(1000, frame(true, 2, payload)));
    }

    @Example
    void everyLengthEncodingAcrossEveryReadBoundary()
    {
        for (final int length : new int[] {0, 1, 125, 126, 65_535, 65_536, 70_000})
        {
            final byte[] payload = new byte[length];
            new Random(length).nextBytes(payload);
            final byte[] frame = frame(true, 2, payload);
            for (final int cut : new int[] {1, 2, 3, 5, 9, 13, frame.length - 1})
            {
                if (cut < frame.length)
                {
                    final Recorder recorder = new Recorder();
                    final FlyweightFrameDecoder decoder = new FlyweightFrameDecoder(70_000, recorder);
                    decoder.read(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(frame, 0, cut));
                    decoder.read(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(frame, cut, frame.length - cut));
                    assertEquals(List.of("B:" + HEX.formatHex(payload)), recorder.events,
                        "length " + length + " cut at " + cut);
                }
            }
        }
    }

    @Example
    void fragmentsAreReassembledAndPingsBetweenThemAnswered()
    {
        final byte[] stream = concat(
            frame(false, 2, bytes("aa bb")), frame(true, 9, bytes("01")), frame(false, 0, bytes("cc")),
            frame(true, 0, bytes("dd ee ff")));
        assertEquals(List.of("PING:01", "B:aabbccddeeff"), decode(100, stream));
    }

    @Example
    void protocolErrorsClose1002()
    {
        final byte[] ok = frame(true, 2, bytes("01 02"));
        final byte[] rsv = ok.clone();
        rsv[0] |= 0x40;
        final byte[] unmasked = concat(new byte[] {(byte)0x82, 0x02}, bytes("01 02"));
        final byte[] reservedData = ok.clone();
        reservedData[0] = (byte)0x83;
        final byte[] reservedControl = frame(true, 0xB, new byte[0]);
        final byte[] fragmentedPing = frame(false, 9, new byte[0]);
        final byte[] longPing = frame(true, 9, new byte[126]);
        final byte[] strayContinuation = frame(true, 0, bytes("01"));
        final byte[] newMessageInFragments = concat(frame(false, 2, bytes("01")), frame(true, 2, bytes("02")));
        final byte[] nonMinimal = concat(new byte[] {(byte)0x82, (byte)0xFE, 0, 5, 0, 0, 0, 0}, new byte[5]);
        final byte[] negative = new byte[] {(byte)0x82, (byte)0xFF, (byte)0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        final byte[] closeOneByte = frame(true, 8, bytes("03"));
        final byte[] closeBadCode = frame(true, 8, bytes("03 ec"));
        for (final byte[] bad : new byte[][] {rsv, unmasked, reservedData, reservedControl, fragmentedPing, longPing,
            strayContinuation, newMessageInFragments, nonMinimal, negative, closeOneByte, closeBadCode})
        {
            final List<String> events = decode(1000, concat(bad, ok));
            assertEquals("ERR:1002", events.get(events.size() - 1), HEX.formatHex(bad) + " -> " + events);
        }
    }

    @Example
    void invalidUtf8CloseReasonCloses1007AndAValidCloseIsPassedOn()
    {
        assertEquals(List.of("ERR:1007"), decode(100, frame(true, 8, bytes("03 e8 c3 28"))));
        assertEquals(List.of("CLOSE:03e8c3a9"), decode(100, concat(frame(true, 8, bytes("03 e8 c3 a9")),
            frame(true, 2, bytes("01")))), "a close frame ends decoding");
    }

    @Example
    void tooLongFramesAndMessagesClose1009()
    {
        assertEquals(List.of("ERR:1009"), decode(100, frame(true, 2, new byte[101])));
        assertEquals(List.of("B:" + "00".repeat(100)), decode(100, frame(true, 2, new byte[100])));
        assertEquals(List.of("ERR:1009"), decode(100, concat(frame(false, 2, new byte[60]), frame(true, 0, new byte[41]))));
        assertEquals(List.of("B:" + "00".repeat(100)),
            decode(100, concat(frame(false, 2, new byte[60]), frame(true, 0, new byte[40]))));
    }

    // ------------------------------------------------------------------------------------------------------------

    private static int maxLength(final Random random)
    {
        final int[] maxima = {16, 200, 70_000};
        return maxima[random.nextInt(maxima.length)];
    }

    private static void assertSameOutcome(final byte[] stream, final Random random, final int max)
    {
        final List<byte[]> reads = split(stream, random);
        final List<String> expected = netty(reads, max);
        final List<String> actual = flyweight(reads, random, max);
        assertEquals(expected, actual, () -> "max " + max + ", stream " + abbreviate(stream) + " in " + reads.size() +
            " reads");
    }

    private static String abbreviate(final byte[] stream)
    {
        final String hex = HEX.formatHex(stream);
        return hex.length() > 400 ? hex.substring(0, 400) + "... (" + stream.length + " bytes)" : hex;
    }

    private static List<String> decode(final int max, final byte[] stream)
    {
        final List<String> events = flyweight(List.of(stream), new Random(0), max);
        assertEquals(netty(List.of(stream), max), events, "as Netty's decoder");
        return events;
    }

    /** The flyweight decoder over reads in heap, direct and composite buffers: its events to the first error. */
    private static List<String> flyweight(final List<byte[]> reads, final Random random, final int max)
    {
        final Recorder recorder = new Recorder();
        final FlyweightFrameDecoder decoder = new FlyweightFrameDecoder(max, recorder);
        // As the connection does when the core's ring fills: pause after some messages, resume between reads (a read
        // may still arrive while paused); pausing only delays what is decoded.
        if (random.nextBoolean())
        {
            recorder.pauseSometimes(decoder, random);
        }
        final ByteBufAllocator alloc = new UnpooledByteBufAllocator(random.nextBoolean());
        for (final byte[] read : reads)
        {
            if (random.nextInt(3) != 0)
            {
                resumeFully(decoder);
            }
            final ByteBuf in = buffer(read, random.nextInt(3));
            try
            {
                decoder.read(alloc, in);
                assertEquals(0, in.readableBytes(), "every read is consumed");
            }
            finally
            {
                in.release();
            }
        }
        resumeFully(decoder);
        decoder.handlerRemoved(null);
        return upToFirstError(recorder.events);
    }

    private static void resumeFully(final FlyweightFrameDecoder decoder)
    {
        for (int i = 0; i < 10_000 && !decoder.resume(); i++)
        {
            // each resume decodes at least the message that paused it again
        }
    }

    private static ByteBuf buffer(final byte[] read, final int kind)
    {
        if (kind == 0)
        {
            return Unpooled.wrappedBuffer(read.clone());
        }
        if (kind == 1)
        {
            return Unpooled.directBuffer(read.length).writeBytes(read);
        }
        final CompositeByteBuf composite = Unpooled.compositeBuffer();
        final int half = read.length / 2;
        composite.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(read, 0, half)));
        composite.addComponent(true, Unpooled.directBuffer().writeBytes(read, half, read.length - half));
        return composite;
    }

    /** Netty's decoder as the edge configured it, then the aggregator: its events to the first error. */
    private static List<String> netty(final List<byte[]> reads, final int max)
    {
        final List<String> events = new ArrayList<>();
        final EmbeddedChannel channel = new EmbeddedChannel(
            new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(max)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .build()),
            new WebSocketFrameAggregator(max),
            new ChannelInboundHandlerAdapter()
            {
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    try
                    {
                        events.add(nettyEvent((WebSocketFrame)msg));
                    }
                    finally
                    {
                        ReferenceCountUtil.release(msg);
                    }
                }

                public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
                {
                    if (cause instanceof CorruptedWebSocketFrameException)
                    {
                        events.add("ERR:" + ((CorruptedWebSocketFrameException)cause).closeStatus().code());
                    }
                    else if (cause instanceof TooLongFrameException)
                    {
                        events.add("ERR:1009");
                    }
                    else
                    {
                        events.add("THREW:" + cause);
                    }
                }
            });
        for (final byte[] read : reads)
        {
            channel.writeInbound(Unpooled.wrappedBuffer(read.clone()));
        }
        final List<String> decoded = upToFirstError(events);
        channel.finishAndReleaseAll(); // the aggregator complains of an unfinished message here: not a decoding outcome
        return decoded;
    }

    private static String nettyEvent(final WebSocketFrame frame)
    {
        final String content = HEX.formatHex(ByteBufUtilBytes.of(frame.content()));
        if (frame instanceof BinaryWebSocketFrame)
        {
            return "B:" + content;
        }
        if (frame instanceof TextWebSocketFrame)
        {
            return "T:" + content;
        }
        if (frame instanceof PingWebSocketFrame)
        {
            return "PING:" + content;
        }
        if (frame instanceof PongWebSocketFrame)
        {
            return "PONG:" + content;
        }
        if (frame instanceof CloseWebSocketFrame)
        {
            return "CLOSE:" + content;
        }
        return "OTHER:" + frame;
    }

    /** After the first error the connection is closing: what either side decodes next is not used. */
    private static List<String> upToFirstError(final List<String> events)
    {
        for (int i = 0; i < events.size(); i++)
        {
            if (events.get(i).startsWith("ERR:"))
            {
                return new ArrayList<>(events.subList(0, i + 1));
            }
        }
        return new ArrayList<>(events);
    }

    private static final class ByteBufUtilBytes
    {
        static byte[] of(final ByteBuf buf)
        {
            final byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
    }

    /** Records what the decoder hands on, writing each message through its FrameWriter. */
    private static final class Recorder implements FlyweightFrameDecoder.Listener
    {
        final List<String> events = new ArrayList<>();
        private FlyweightFrameDecoder decoder;
        private Random random;

        void pauseSometimes(final FlyweightFrameDecoder decoder, final Random random)
        {
            this.decoder = decoder;
            this.random = random;
        }

        public void onMessage(final boolean text, final FrameWriter message, final int length)
        {
            if (decoder != null && random.nextInt(3) == 0)
            {
                decoder.pause();
            }
            // An offset in the destination, as a ring slot has.
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[length + 3]);
            message.writeFrame(dst, 3, length);
            events.add((text ? "T:" : "B:") + hex(dst, 3, length));
        }

        public void onPing(final DirectBuffer payload, final int length)
        {
            events.add("PING:" + hex(payload, 0, length));
        }

        public void onPong(final DirectBuffer payload, final int length)
        {
            events.add("PONG:" + hex(payload, 0, length));
        }

        public void onClose(final DirectBuffer body, final int length)
        {
            events.add("CLOSE:" + hex(body, 0, length));
        }

        public void onViolation(final int closeCode, final String reason)
        {
            events.add("ERR:" + closeCode);
        }

        private static String hex(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return HEX.formatHex(bytes);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Generated streams
    // ------------------------------------------------------------------------------------------------------------

    private static List<byte[]> split(final byte[] stream, final Random random)
    {
        final int cuts = random.nextInt(6) == 0 ? 0 : random.nextInt(Math.min(12, stream.length + 1));
        final int[] at = new int[cuts];
        for (int i = 0; i < cuts; i++)
        {
            at[i] = random.nextInt(stream.length + 1);
        }
        Arrays.sort(at);
        final List<byte[]> reads = new ArrayList<>();
        int from = 0;
        for (final int cut : at)
        {
            reads.add(Arrays.copyOfRange(stream, from, cut));
            from = cut;
        }
        reads.add(Arrays.copyOfRange(stream, from, stream.length));
        return reads;
    }

    /** Mostly well-formed frames a client could send (some over the limit), with an occasional rule broken. */
    private static byte[] generatedStream(final Random random, final int max)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int frames = 1 + random.nextInt(8);
        boolean fragmented = false;
        for (int f = 0; f < frames; f++)
        {
            final int pick = random.nextInt(20);
            final int opcode;
            boolean fin = true;
            if (pick < 8)
            {
                opcode = fragmented ? 0 : 2;
                fin = random.nextInt(3) != 0;
            }
            else if (pick < 10)
            {
                opcode = fragmented ? 0 : 1;
                fin = random.nextInt(3) != 0;
            }
            else if (pick < 13)
            {
                opcode = 9;
            }
            else if (pick < 14)
            {
                opcode = 10;
            }
            else if (pick < 15)
            {
                opcode = 8;
            }
            else if (pick < 16)
            {
                opcode = random.nextInt(16); // any, reserved ones included
                fin = random.nextBoolean();
            }
            else
            {
                opcode = fragmented ? 0 : 2;
            }
            if (opcode <= 2)
            {
                fragmented = !fin;
            }
            final byte[] payload = opcode == 8 ? closeBody(random) : new byte[payloadLength(random, max, opcode)];
            if (opcode != 8)
            {
                random.nextBytes(payload);
            }
            final int rsv = random.nextInt(40) == 0 ? 1 + random.nextInt(7) : 0;
            final boolean masked = random.nextInt(40) != 0;
            final int encoding = random.nextInt(30) == 0 ? 1 + random.nextInt(2) : 0; // forced 16- or 64-bit length
            out.writeBytes(frame(fin, rsv, opcode, masked, encoding, random.nextInt(), payload));
        }
        return out.toByteArray();
    }

    private static int payloadLength(final Random random, final int max, final int opcode)
    {
        final int kind = random.nextInt(20);
        if (opcode > 7)
        {
            return kind == 0 ? 126 + random.nextInt(10) : random.nextInt(kind < 3 ? 126 : 20);
        }
        if (kind < 13)
        {
            return random.nextInt(20);
        }
        if (kind < 17)
        {
            return 120 + random.nextInt(200);
        }
        if (kind < 19)
        {
            return Math.max(0, max - 2 + random.nextInt(5));
        }
        return 65_530 + random.nextInt(10);
    }

    private static byte[] closeBody(final Random random)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return new byte[0];
            case 1:
                return new byte[] {(byte)random.nextInt(256)};
            case 2:
                return bytes("03 e8 c3 28"); // invalid UTF-8
            case 3:
                return bytes("03 e8 ed a0 80"); // a surrogate
            case 4:
                return new byte[] {(byte)random.nextInt(256), (byte)random.nextInt(256)};
            case 5:
                return bytes("03 e8 e2 82"); // cut off at the end
            default:
                final byte[] reason = "bye \u00e9\u20ac".getBytes(StandardCharsets.UTF_8);
                final int[] codes = {1000, 1001, 1003, 1004, 1005, 1006, 1007, 1014, 1015, 2999, 3000, 4999, 5000};
                final int code = codes[random.nextInt(codes.length)];
                return concat(new byte[] {(byte)(code >>> 8), (byte)code}, reason);
        }
    }

    static byte[] frame(final boolean fin, final int opcode, final byte[] payload)
    {
        return frame(fin, 0, opcode, true, 0, 0x1234_5678, payload);
    }

    /**
     * @param encoding 0 = minimal length encoding, 1 = 16-bit, 2 = 64-bit (whatever the length).
     */
    static byte[] frame(final boolean fin, final int rsv, final int opcode, final boolean masked, final int encoding,
        final int maskKey, final byte[] payload)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        final int maskBit = masked ? 0x80 : 0;
        final int length = payload.length;
        if (encoding == 0 && length < 126)
        {
            out.write(maskBit | length);
        }
        else if ((encoding == 0 || encoding == 1) && length < 65_536)
        {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length);
        }
        else
        {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                out.write((int)((long)length >>> shift));
            }
        }
        final byte[] key = {(byte)(maskKey >>> 24), (byte)(maskKey >>> 16), (byte)(maskKey >>> 8), (byte)maskKey};
        if (masked)
        {
            out.writeBytes(key);
        }
        for (int i = 0; i < length; i++)
        {
            out.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(final String hex)
    {
        return HEX.parseHex(hex.replace(" ", ""));
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
