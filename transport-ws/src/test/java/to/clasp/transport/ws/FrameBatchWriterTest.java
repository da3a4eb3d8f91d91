package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import to.clasp.transport.ws.testing.Hex;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written server frame headers must be exactly what RFC 6455 says (and what Netty's own decoder reads), for
 * every length class, and a batch must go out as few buffers as possible.
 */
final class FrameBatchWriterTest
{
    @Test
    void headersUseTheShortestLengthEncoding()
    {
        assertEquals("82 00", header(0));
        assertEquals("82 7d", header(125));
        assertEquals("82 7e 00 7e", header(126));
        assertEquals("82 7e ff ff", header(65_535));
        assertEquals("82 7f 00 00 00 00 00 01 00 00", header(65_536));
    }

    @Test
    void everyFrameOfABatchDecodesAsOneBinaryMessage()
    {
        final int[] lengths = {1, 5, 125, 126, 127, 4_000, 65_535, 65_547, 7};
        final EmbeddedChannel server = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final ChannelHandlerContext ctx = server.pipeline().firstContext();
        final FrameBatchWriter writer = new FrameBatchWriter(ctx);
        final List<byte[]> sent = new ArrayList<>();
        for (final int length : lengths)
        {
            final byte[] frame = new byte[length];
            for (int i = 0; i < length; i++)
            {
                frame[i] = (byte)(i * 31 + length);
            }
            sent.add(frame);
            writer.onFrame(new UnsafeBuffer(frame), 0, length);
        }
        writer.flush();

        final EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(
            WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        ByteBuf out;
        while ((out = server.readOutbound()) != null)
        {
            client.writeInbound(out);
        }
        for (final byte[] expected : sent)
        {
            final BinaryWebSocketFrame frame = client.readInbound();
            final byte[] actual = new byte[frame.content().readableBytes()];
            frame.content().readBytes(actual);
            frame.release();
            assertArrayEquals(expected, actual, "payload of length " + expected.length);
        }
        assertTrue(client.inboundMessages().isEmpty());
    }

    @Test
    void smallFramesShareOneBufferAndOneWrite()
    {
        final EmbeddedChannel server = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        final FrameBatchWriter writer = new FrameBatchWriter(server.pipeline().firstContext());
        final byte[] frame = Hex.bytes("53 01 00 01 41");
        for (int i = 0; i < 1_000; i++)
        {
            writer.onFrame(new UnsafeBuffer(frame), 0, frame.length);
        }
        writer.flush();
        final ByteBuf out = server.readOutbound();
        assertEquals(1_000 * (2 + frame.length), out.readableBytes());
        out.release();
        assertNull(server.readOutbound(), "one buffer for the whole batch");
    }

    private static String header(final int length)
    {
        final ByteBuf buf = Unpooled.buffer();
        FrameBatchWriter.writeHeader(buf, length);
        final byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return Hex.of(bytes);
    }
}
