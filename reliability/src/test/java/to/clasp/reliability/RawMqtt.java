package to.clasp.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An MQTT 3.1.1 client on a plain blocking socket, for load a polite client never makes: thousands of PUBLISH packets
 * in one TCP write, written by hand (RawWs's counterpart for the MQTT port). Reads one packet at a time.
 */
final class RawMqtt implements AutoCloseable
{
    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int SUBACK = 9;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawMqtt(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    }

    /** Connect to 127.0.0.1:port and complete CONNECT/CONNACK (clean session, keep-alive 60 s). */
    static RawMqtt connect(final int port, final String clientId) throws IOException
    {
        final Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        final RawMqtt c = new RawMqtt(socket);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        body.write(0x02); // clean session
        body.write(0);
        body.write(60); // keep-alive
        string(body, clientId);
        c.write(packet(0x10, body.toByteArray()));
        final Packet ack = c.read();
        assertEquals(CONNACK, ack.type, "CONNACK for " + clientId);
        assertEquals(0, ack.body[1], "CONNACK return code for " + clientId);
        return c;
    }

    /** SUBSCRIBE to one filter at QoS 0 and wait for its SUBACK. */
    RawMqtt subscribe(final String filter) throws IOException
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        body.write(1); // packet id 1
        string(body, filter);
        body.write(0);
        write(packet(0x82, body.toByteArray()));
        assertEquals(SUBACK, read().type);
        return this;
    }

    /** @return one PUBLISH packet (not retained), QoS 0 or 1 (then with {@code packetId}). */
    static byte[] publish(final String topic, final int qos, final int packetId, final String payload)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        if (qos > 0)
        {
            body.write(packetId >> 8);
            body.write(packetId & 0xFF);
        }
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return packet(0x30 | qos << 1, body.toByteArray());
    }

    void write(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /** @return the next packet; fails when the router closed the connection. */
    Packet read() throws IOException
    {
        final int first = in.read();
        if (first < 0)
        {
            throw new EOFException("the router closed the MQTT connection");
        }
        int length = 0;
        for (int shift = 0; ; shift += 7)
        {
            final int b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }
        final byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(first >> 4, first & 0x0F, body);
    }

    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
    }

    private static void string(final ByteArrayOutputStream out, final String s)
    {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    private static byte[] packet(final int header, final byte[] body)
    {
        final ByteArrayOutputStream p = new ByteArrayOutputStream(body.length + 5);
        p.write(header);
        int length = body.length;
        do
        {
            int b = length & 0x7F;
            length >>>= 7;
            p.write(length > 0 ? b | 0x80 : b);
        }
        while (length > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    /** One packet read: type, flags, and the bytes after the remaining length. */
    static final class Packet
    {
        final int type;
        final int flags;
        final byte[] body;

        Packet(final int type, final int flags, final byte[] body)
        {
            this.type = type;
            this.flags = flags;
            this.body = body;
        }

        /** A QoS 0 PUBLISH's topic. */
        String topic()
        {
            return new String(body, 2, (body[0] & 0xFF) << 8 | body[1] & 0xFF, StandardCharsets.UTF_8);
        }

        /** A QoS 0 PUBLISH's payload. */
        String payload()
        {
            final int start = 2 + ((body[0] & 0xFF) << 8 | body[1] & 0xFF);
            return new String(body, start, body.length - start, StandardCharsets.UTF_8);
        }

        /** A PUBACK's packet id. */
        int packetId()
        {
            return (body[0] & 0xFF) << 8 | body[1] & 0xFF;
        }
    }
}
