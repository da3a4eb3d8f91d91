package to.clasp.benchmarks.load;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.ValueType;
import to.clasp.protocol.ValueView;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClaspFramesTest
{
    @Test
    void setTemplatesDecodeAndThePatchedTimesComeBackFromTheValue()
    {
        check(MessageKind.SET, 32);
        check(MessageKind.SET, 200); // WebSocket length needs the 16-bit form
    }

    @Test
    void publishTemplatesDecodeAndThePatchedTimesComeBackFromTheValue()
    {
        check(MessageKind.PUBLISH, 32);
        check(MessageKind.PUBLISH, 200);
    }

    private static void check(final MessageKind kind, final int size)
    {
        final ClaspFrames frames = new ClaspFrames(kind, size, 12);
        for (final int topic : new int[] {0, 11})
        {
            final UnsafeBuffer message = new UnsafeBuffer(frames.message(topic).clone());
            Payload.write(message, frames.payloadOffset(topic), 111_222_333L, 444_555_666L);
            final int header = wsHeader(message, size);
            final FrameDecoder decoder = new FrameDecoder();
            assertEquals(DecodeError.OK, decoder.decode(message, header, message.capacity() - header));
            assertEquals(Qos.FIRE, decoder.qos(), "Fire: the router must not answer with an ACK");
            final ValueView value;
            if (kind == MessageKind.SET)
            {
                assertEquals(MessageType.SET, decoder.type());
                assertEquals("/bench/" + topic, decoder.set().address());
                value = decoder.set().value();
            }
            else
            {
                assertEquals(MessageType.PUBLISH, decoder.type());
                assertEquals("/bench/" + topic, decoder.publish().address());
                value = decoder.publish().value();
            }
            assertEquals(ValueType.BYTES, value.type());
            assertEquals(size, value.contentLength());
            assertEquals(111_222_333L, Payload.intendedNs(value.buffer(), value.contentOffset()));
            assertEquals(444_555_666L, Payload.sentNs(value.buffer(), value.contentOffset()));
        }
    }

    /** Checks the hand-written client WebSocket header and returns its length. */
    private static int wsHeader(final UnsafeBuffer message, final int size)
    {
        assertEquals(0x82, message.getByte(0) & 0xFF, "FIN + binary");
        final int lengthByte = message.getByte(1) & 0xFF;
        assertEquals(0x80, lengthByte & 0x80, "client frames are masked");
        final int length;
        int p;
        if ((lengthByte & 0x7F) == 126)
        {
            length = message.getShort(2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            p = 4;
        }
        else
        {
            length = lengthByte & 0x7F;
            p = 2;
        }
        assertEquals(0, message.getInt(p), "zero mask key leaves the payload as written");
        p += 4;
        assertEquals(message.capacity() - p, length);
        return p;
    }

    @Test
    void webSocketHeaderLengthSwitchesForm()
    {
        assertEquals(6, WsClientFrames.headerLength(125));
        assertEquals(8, WsClientFrames.headerLength(126));
        assertEquals(8, WsClientFrames.headerLength(65_535));
        assertThrows(IllegalArgumentException.class, () -> WsClientFrames.headerLength(65_536));
    }

    @Test
    void payloadTooSmallForTheTimesIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new ClaspFrames(MessageKind.SET, 15, 1));
    }

    @Test
    void heapPayloadRoundTrips()
    {
        final byte[] body = new byte[32];
        Payload.write(body, -5L, Long.MAX_VALUE);
        assertEquals(-5L, Payload.intendedNs(body));
        assertEquals(Long.MAX_VALUE, Payload.sentNs(body));
        final UnsafeBuffer view = new UnsafeBuffer(body);
        assertEquals(-5L, Payload.intendedNs(view, 0), "heap and buffer forms agree on the byte order");
    }
}
