package to.clasp.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.testing.Frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A WebSocket client on a plain blocking socket, for load a polite client never makes: many frames in one TCP write,
 * a chosen source address, a client that stops reading. Sends masked binary frames; reads the router's frames one
 * at a time (pings and text ignored, a close frame ends the stream).
 */
final class RawWs implements AutoCloseable
{
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private int closeCode = -1;

    private RawWs(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    }

    /** Connect to 127.0.0.1:port and complete the WebSocket upgrade (subprotocol clasp). */
    static RawWs open(final int port) throws IOException
    {
        return open(port, null, 0);
    }

    /**
     * @param source      local address to connect from (any 127.x.y.z works on Linux loopback), or null.
     * @param receiveBuffer SO_RCVBUF before connecting (small = a client whose window fills fast), or 0.
     */
    static RawWs open(final int port, final InetAddress source, final int receiveBuffer) throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBuffer > 0)
        {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (source != null)
        {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        final RawWs ws = new RawWs(socket);
        ws.upgrade();
        return ws;
    }

    private void upgrade() throws IOException
    {
        final byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: clasp\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new EOFException("closed during the upgrade: " + head);
            }
            head.append((char)b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101"))
        {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /** One masked binary WebSocket frame carrying {@code payload} (a CLASP frame). */
    static byte[] frame(final byte[] payload)
    {
        final int length = payload.length;
        final int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        final byte[] out = new byte[header + 4 + length];
        out[0] = (byte)0x82;
        if (length < 126)
        {
            out[1] = (byte)(0x80 | length);
        }
        else if (length < 65_536)
        {
            out[1] = (byte)(0x80 | 126);
            out[2] = (byte)(length >>> 8);
            out[3] = (byte)length;
        }
        else
        {
            out[1] = (byte)(0x80 | 127);
            for (int i = 0; i < 8; i++)
            {
                out[2 + i] = (byte)((long)length >>> (56 - 8 * i));
            }
        }
        // Mask key 0: the payload travels as is (a valid mask; the router unmasks either way).
        System.arraycopy(payload, 0, out, header + 4, length);
        return out;
    }

    /** Many CLASP frames as WebSocket frames, back to back, for one write. */
    static byte[] frames(final Iterable<byte[]> claspFrames)
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (final byte[] f : claspFrames)
        {
            all.writeBytes(frame(f));
        }
        return all.toByteArray();
    }

    /** Write raw bytes (already framed) in one call. */
    RawWs write(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Send one CLASP frame. */
    RawWs send(final byte[] claspFrame) throws IOException
    {
        return write(frame(claspFrame));
    }

    /** HELLO, then WELCOME and the initial SNAPSHOT. */
    RawWs hello(final String name) throws IOException
    {
        send(Frames.hello(name));
        expect(MessageType.WELCOME);
        expect(MessageType.SNAPSHOT);
        return this;
    }

    /**
     * @return the next CLASP frame from the router, or null when the connection closed (see {@link #closeCode()}).
     * @throws SocketTimeoutException when nothing arrived within the socket's timeout.
     */
    byte[] read() throws IOException
    {
        while (true)
        {
            final int b0;
            try
            {
                b0 = in.readUnsignedByte();
            }
            catch (final EOFException ex)
            {
                return null;
            }
            final int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126)
            {
                length = in.readUnsignedShort();
            }
            else if (length == 127)
            {
                length = in.readLong();
            }
            final byte[] payload = new byte[(int)length];
            in.readFully(payload);
            final int opcode = b0 & 0x0F;
            if (opcode == 0x8)
            {
                closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                return null;
            }
            if (opcode == 0x2)
            {
                return payload;
            }
        }
    }

    /** Read until a frame of {@code type} arrives (others are skipped); fails on close. */
    byte[] expect(final int type) throws IOException
    {
        while (true)
        {
            final byte[] frame = read();
            assertNotNull(frame, "closed (code " + closeCode + ") while waiting for type " + type);
            if (typeOf(frame) == type)
            {
                return frame;
            }
        }
    }

    /** PING, then read until its PONG: every frame sent before it has been handled. */
    void roundTrip() throws IOException
    {
        send(Frames.ping());
        expect(MessageType.PONG);
    }

    static int typeOf(final byte[] frame)
    {
        final FrameDecoder decoder = new FrameDecoder();
        assertEquals(DecodeError.OK, decoder.decode(new UnsafeBuffer(frame), 0, frame.length), "undecodable frame");
        return decoder.type();
    }

    int closeCode()
    {
        return closeCode;
    }

    void readTimeout(final int ms) throws IOException
    {
        socket.setSoTimeout(ms);
    }

    InputStream rawInput()
    {
        return in;
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
}
