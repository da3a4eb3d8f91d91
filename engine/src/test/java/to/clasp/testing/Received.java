package to.clasp.testing;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;

/**
 * One frame a test client received: its bytes and a decoder positioned on it (valid for the object's lifetime).
 */
public final class Received
{
    private final byte[] bytes;
    private final FrameDecoder decoder = new FrameDecoder();

    public Received(final byte[] bytes)
    {
        this.bytes = bytes;
        final int rc = decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        if (DecodeError.OK != rc)
        {
            throw new AssertionError("router sent an undecodable frame (" + DecodeError.describe(rc) + "): " +
                Frames.hex(bytes));
        }
    }

    public byte[] bytes()
    {
        return bytes;
    }

    public int type()
    {
        return decoder.type();
    }

    public FrameDecoder decoder()
    {
        return decoder;
    }

    public String hex()
    {
        return Frames.hex(bytes);
    }

    public String toString()
    {
        return MessageType.name(type()) + " " + hex();
    }
}
