package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reused flyweight over a Netty buffer's readable bytes, for handing a received message to the core without a copy
 * when the buffer exposes its memory (a single direct or heap buffer, the usual case). Only a composite buffer (a
 * message that arrived in fragments) is copied, into a buffer of the view's own that grows to the largest such
 * message. One per connection (or per edge loop); not thread-safe.
 */
public final class ByteBufView
{
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private UnsafeBuffer copy;

    /**
     * @return the readable bytes of {@code content}, from index 0 of the returned buffer, valid until the next call
     *         or until {@code content} is released.
     */
    public DirectBuffer wrap(final ByteBuf content)
    {
        final int index = content.readerIndex();
        final int length = content.readableBytes();
        if (content.hasMemoryAddress())
        {
            view.wrap(content.memoryAddress() + index, length);
            return view;
        }
        if (content.hasArray())
        {
            view.wrap(content.array(), content.arrayOffset() + index, length);
            return view;
        }
        if (copy == null || copy.capacity() < length)
        {
            copy = new UnsafeBuffer(new byte[BitUtil.findNextPositivePowerOfTwo(Math.max(length, 1024))]);
        }
        content.getBytes(index, copy.byteArray(), 0, length);
        return copy;
    }
}
