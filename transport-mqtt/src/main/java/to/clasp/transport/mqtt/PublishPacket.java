package to.clasp.transport.mqtt;

import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;

/**
 * Hand-written MQTT PUBLISH packets for the delivery path: fixed header, topic, packet id, (v5) an empty property
 * list, payload — written straight into the connection's batch buffer, so a delivered message costs no
 * {@code MqttPublishMessage} and no buffer of its own (Netty's encoder is used for every other packet).
 */
final class PublishPacket
{
    /** Bit 3 of the first byte: a re-delivery. */
    static final int DUP = 0x08;

    private PublishPacket()
    {
    }

    /**
     * @return the packet's total length (fixed header included).
     */
    static int length(final int topicLength, final int qos, final boolean v5, final int payloadLength)
    {
        final int remaining = remainingLength(topicLength, qos, v5, payloadLength);
        return 1 + varIntSize(remaining) + remaining;
    }

    private static int remainingLength(final int topicLength, final int qos, final boolean v5, final int payloadLength)
    {
        return 2 + topicLength + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0) + payloadLength;
    }

    /**
     * Write one PUBLISH.
     *
     * @return bytes written.
     */
    static int write(
        final ByteBuf out,
        final int qos,
        final boolean retain,
        final int packetId,
        final boolean v5,
        final DirectBuffer topic,
        final int topicOffset,
        final int topicLength,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final int start = out.writerIndex();
        final int remaining = remainingLength(topicLength, qos, v5, payloadLength);
        out.ensureWritable(1 + varIntSize(remaining) + remaining);
        out.writeByte(0x30 | qos << 1 | (retain ? 1 : 0));
        writeVarInt(out, remaining);
        out.writeShort(topicLength);
        putBytes(out, topic, topicOffset, topicLength);
        if (qos > 0)
        {
            out.writeShort(packetId);
        }
        if (v5)
        {
            out.writeByte(0); // no properties
        }
        if (payloadLength > 0)
        {
            putBytes(out, payload, payloadOffset, payloadLength);
        }
        return out.writerIndex() - start;
    }

    private static void putBytes(final ByteBuf out, final DirectBuffer src, final int offset, final int length)
    {
        final byte[] array = src.byteArray();
        if (array != null)
        {
            out.writeBytes(array, (int)(src.addressOffset() - org.agrona.BufferUtil.ARRAY_BASE_OFFSET) + offset, length);
        }
        else if (out.hasMemoryAddress())
        {
            // Off-heap to off-heap (the core's queue to a pooled direct buffer): one copy, not a loop of bounds-checked
            // single bytes, which showed in the profile of the MQTT fan-out. The caller made the room.
            src.boundsCheck(offset, length);
            final int at = out.writerIndex();
            out.ensureWritable(length);
            org.agrona.UnsafeApi.copyMemory(src.addressOffset() + offset, out.memoryAddress() + at, length);
            out.writerIndex(at + length);
        }
        else
        {
            final int at = out.writerIndex();
            out.writerIndex(at + length);
            for (int i = 0; i < length; i++)
            {
                out.setByte(at + i, src.getByte(offset + i));
            }
        }
    }

    static int varIntSize(final int value)
    {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    static void writeVarInt(final ByteBuf out, final int value)
    {
        int v = value;
        do
        {
            int digit = v & 0x7F;
            v >>>= 7;
            if (v > 0)
            {
                digit |= 0x80;
            }
            out.writeByte(digit);
        }
        while (v > 0);
    }
}
