package to.clasp.transport.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * The first handler of an MQTT connection's pipeline: it cuts the byte stream into packets and handles the common
 * case of the ingestion path — a QoS 0 PUBLISH with an ASCII topic (and, in MQTT 5, no properties) on a connected
 * session — where the bytes lie, with no object per message: topic and payload are read through reused
 * {@link UnsafeBuffer} views of Netty's cumulation buffer. Every other packet goes on, whole and
 * unchanged, to Netty's {@code MqttDecoder}, which also decides every error (oversized or malformed packets, invalid
 * or non-ASCII topics, bad flags), so those keep exactly the behaviour they had.
 * <p>
 * Why: Netty's decoder makes a message, a fixed header, a variable header, a retained slice, a {@code String} topic
 * (through a {@code CharsetDecoder}) and their buffers for every PUBLISH, about 300 bytes of garbage a message on
 * the event loop that also runs the WebSocket edge; profiling the MQTT → MQTT flood put that decoding ahead of the
 * router's own work.
 */
final class PublishInPlace extends ByteToMessageDecoder
{
    private static final int PUBLISH = 3;

    private final MqttConnection connection;
    private final int maxPacketSize;
    private final UnsafeBuffer topicBytes = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    /** Set by a packet this handler cannot frame (too large, malformed length): the decoder gets the raw rest. */
    private boolean passThrough;

    PublishInPlace(final MqttConnection connection, final int maxPacketSize)
    {
        this.connection = connection;
        this.maxPacketSize = maxPacketSize;
    }

    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        while (!passThrough)
        {
            final int start = in.readerIndex();
            final int end = in.writerIndex();
            if (end - start < 2)
            {
                return;
            }
            int remaining = 0;
            int p = start + 1;
            int b;
            int shift = 0;
            do
            {
                if (p >= end)
                {
                    return; // remaining length not complete yet
                }
                if (shift == 28)
                {
                    passThrough = true; // a fifth length byte: malformed, the decoder says so
                    break;
                }
                b = in.getByte(p++) & 0xFF;
                remaining |= (b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            if (passThrough || remaining > maxPacketSize)
            {
                passThrough = true; // the decoder refuses it (packet too large) as soon as it reads the header
                break;
            }
            if (end - p < remaining)
            {
                return; // wait for the whole packet
            }
            final int header = in.getByte(start) & 0xFF;
            if (!(header >>> 4 == PUBLISH && handled(in, header, p, remaining)))
            {
                // One packet at a time: the decoder's handlers run (and may change the connection's state) before the
                // next packet is looked at.
                out.add(in.readRetainedSlice(p + remaining - start));
                return;
            }
            in.readerIndex(p + remaining);
        }
        if (in.isReadable())
        {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
    }

    /**
     * @return whether the PUBLISH in {@code [body, body + length)} was one this handler takes, and was handed to the
     *         session; false to leave it to the decoder.
     */
    private boolean handled(final ByteBuf in, final int header, final int body, final int length)
    {
        // QoS 0 and no DUP flag (MQTT-3.3.1-2); retain either way.
        if ((header & 0x0E) != 0 || length < 2 || !connection.isConnected())
        {
            return false;
        }
        final int topicLength = in.getUnsignedShort(body);
        final int topicStart = body + 2;
        int payloadStart = topicStart + topicLength;
        if (topicLength == 0 || payloadStart > body + length)
        {
            return false;
        }
        if (connection.isV5())
        {
            if (payloadStart >= body + length || in.getByte(payloadStart) != 0)
            {
                return false; // properties (topic alias, expiry, ...): the decoder's path
            }
            payloadStart++;
        }
        wrap(topicBytes, in, topicStart, topicLength);
        for (int i = 0; i < topicLength; i++)
        {
            final byte c = topicBytes.getByte(i);
            if (c <= 0 || c == '+' || c == '#')
            {
                return false; // non-ASCII (UTF-8 to validate), NUL or a wildcard: the decoder's path
            }
        }
        wrap(payload, in, payloadStart, body + length - payloadStart);
        connection.onPublishInPlace((header & 1) != 0, topicBytes, 0, topicLength, payload, 0, payload.capacity());
        return true;
    }

    private static void wrap(final UnsafeBuffer view, final ByteBuf in, final int index, final int length)
    {
        if (in.hasMemoryAddress())
        {
            view.wrap(in.memoryAddress() + index, length);
        }
        else if (in.hasArray())
        {
            view.wrap(in.array(), in.arrayOffset() + index, length);
        }
        else
        {
            final byte[] copy = new byte[length]; // a composite cumulation: not the default merging one
            in.getBytes(index, copy);
            view.wrap(copy);
        }
    }
}
