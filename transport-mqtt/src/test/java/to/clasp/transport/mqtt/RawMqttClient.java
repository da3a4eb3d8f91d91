package to.clasp.transport.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * A blocking MQTT client over a plain socket for protocol-level tests: packets are encoded and decoded with Netty's
 * codec in an embedded channel (so v5 properties work), and raw bytes can be sent as they are (malformed input).
 */
final class RawMqttClient implements AutoCloseable
{
    private final Socket socket;
    private final InputStream in;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(1 << 20));
    private final byte[] readBuffer = new byte[64 * 1024];

    RawMqttClient(final int port) throws IOException
    {
        this(port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for (0 = default). */
    RawMqttClient(final int port, final int receiveBuffer) throws IOException
    {
        socket = new Socket();
        if (receiveBuffer > 0)
        {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
    }

    /** Encode and send (a CONNECT also tells the codec which MQTT version later packets use). */
    RawMqttClient send(final MqttMessage message) throws IOException
    {
        encoder.writeOutbound(message);
        final ByteBuf out = encoder.readOutbound();
        final byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        if (message.fixedHeader().messageType() == MqttMessageType.CONNECT)
        {
            // The decoder learns the version from a CONNECT it decodes: show it the same bytes.
            decoder.writeInbound(Unpooled.wrappedBuffer(bytes.clone()));
            final Object echo = decoder.readInbound();
            io.netty.util.ReferenceCountUtil.release(echo);
        }
        return sendRaw(bytes);
    }

    /** @return the packets encoded back to back (MQTT 3.1.1), for a burst in one write. */
    static byte[] encode(final java.util.List<MqttMessage> packets)
    {
        final EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (final MqttMessage packet : packets)
        {
            channel.writeOutbound(packet);
            final ByteBuf out = channel.readOutbound();
            final byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            out.release();
            bytes.writeBytes(b);
        }
        channel.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    RawMqttClient sendRaw(final byte[] bytes) throws IOException
    {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** @return the next packet, or null when the router closed the connection. */
    MqttMessage receive() throws IOException
    {
        while (true)
        {
            final Object m = decoder.readInbound();
            if (m != null)
            {
                return (MqttMessage)m;
            }
            final int n;
            try
            {
                n = in.read(readBuffer);
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("no packet within 10 s");
            }
            catch (final IOException reset)
            {
                return null;
            }
            if (n < 0)
            {
                return null;
            }
            decoder.writeInbound(Unpooled.copiedBuffer(readBuffer, 0, n));
        }
    }

    /** @return the next packet, which must be of this type. */
    MqttMessage expect(final MqttMessageType type) throws IOException
    {
        final MqttMessage m = receive();
        if (m == null || m.fixedHeader().messageType() != type)
        {
            throw new AssertionError("expected " + type + " but got " + m);
        }
        return m;
    }

    /** Read until the router closes the connection; fail after 10 s. @return the packets read before. */
    java.util.List<MqttMessage> awaitClosed() throws IOException
    {
        final java.util.List<MqttMessage> before = new java.util.ArrayList<>();
        MqttMessage m;
        while ((m = receive()) != null)
        {
            before.add(m);
        }
        return before;
    }

    public void close() throws IOException
    {
        socket.close();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
