package to.clasp.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's in-place reader of the router's frames, over streams split at every point and at random ones. */
class WsServerFrameReaderTest
{
    private static final int MAX = 100_000;

    private final List<String> messages = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final WsServerFrameReader.Sink sink = new WsServerFrameReader.Sink()
    {
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            messages.add(buffer.getStringWithoutLengthUtf8(offset, length));
        }

        public void onError(final Throwable cause)
        {
            errors.add(cause);
        }
    };

    @Test
    void everyKindOfFrameSplitAtEveryPoint()
    {
        final byte[] stream = concat(
            frame(0x82, "a"),
            frame(0x82, "x".repeat(200)),          // 16-bit length
            frame(0x02, "hel"),                     // fragmented message ...
            frame(0x89, "p"),                       // ... with a ping in between
            frame(0x00, "lo w"),
            frame(0x80, "orld"),
            frame(0x81, "text is ignored"),
            frame(0x8A, "pong is ignored"),
            frame(0x82, ""));
        final List<String> expected = List.of("a", "x".repeat(200), "hello world", "");
        for (int split = 0; split <= stream.length; split++)
        {
            messages.clear();
            final EmbeddedChannel channel = channel();
            channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, split));
            channel.writeInbound(Unpooled.directBuffer(stream.length).writeBytes(stream, split, stream.length - split));
            assertEquals(expected, messages, "split at " + split);
            assertTrue(errors.isEmpty());
            final PongWebSocketFrame pong = assertInstanceOf(PongWebSocketFrame.class, channel.readOutbound());
            assertEquals("p", pong.content().toString(StandardCharsets.UTF_8));
            pong.release();
            assertTrue(channel.isOpen());
            assertFalse(channel.finishAndReleaseAll());
        }
    }

    @Test
    void largeMessagesInRandomReads()
    {
        final Random random = new Random(42);
        final String big = "y".repeat(70_000); // 64-bit length
        final byte[] stream = concat(frame(0x82, big), frame(0x82, "after"), frame(0x82, big));
        final EmbeddedChannel channel = channel();
        int offset = 0;
        while (offset < stream.length)
        {
            final int length = Math.min(stream.length - offset, 1 + random.nextInt(20_000));
            channel.writeInbound(Unpooled.copiedBuffer(stream, offset, length));
            offset += length;
        }
        assertEquals(List.of(big, "after", big), messages);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void closeFrameClosesAndNothingAfterItIsRead()
    {
        final EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(0x82, "one"), frame(0x88, ""), frame(0x82, "two"))));
        assertEquals(List.of("one"), messages);
        assertFalse(channel.isOpen());
        assertTrue(errors.isEmpty());
    }

    @Test
    void maskedOrOversizedFrameIsAnErrorAndCloses()
    {
        final byte[] masked = {(byte)0x82, (byte)0x81, 0, 0, 0, 0, 'm'};
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(0x82, "ok"), masked)));
        assertEquals(List.of("ok"), messages);
        assertEquals(1, errors.size());
        assertFalse(channel.isOpen());

        errors.clear();
        channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(0x82, "z".repeat(MAX + 1))));
        assertEquals(1, errors.size());
        assertFalse(channel.isOpen());
        assertNull(channel.readInbound());
    }

    private EmbeddedChannel channel()
    {
        return new EmbeddedChannel(new WsServerFrameReader(sink, MAX));
    }

    /** An unmasked frame as the router writes it. */
    private static byte[] frame(final int b0, final String payload)
    {
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        final ByteBuf out = Unpooled.buffer();
        out.writeByte(b0);
        if (bytes.length <= 125)
        {
            out.writeByte(bytes.length);
        }
        else if (bytes.length <= 0xFFFF)
        {
            out.writeByte(126).writeShort(bytes.length);
        }
        else
        {
            out.writeByte(127).writeLong(bytes.length);
        }
        out.writeBytes(bytes);
        final byte[] frame = new byte[out.readableBytes()];
        out.readBytes(frame);
        return frame;
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
