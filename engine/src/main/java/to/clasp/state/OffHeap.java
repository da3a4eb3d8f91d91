package to.clasp.state;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Allocation and growth of the direct buffers behind the store.
 * <p>
 * Growth re-wraps the same {@link UnsafeBuffer} instance, so a reference handed out by an accessor such as
 * {@link ParamStore#valueBuffer()} stays valid across growth; only offsets read before a write must be re-read.
 */
final class OffHeap
{
    private OffHeap()
    {
    }

    static ByteBuffer allocate(final int capacity)
    {
        return ByteBuffer.allocateDirect(capacity);
    }

    /**
     * Move the first {@code usedBytes} of {@code buffer} into a new direct buffer of {@code newCapacity} bytes, re-wrap
     * {@code buffer} over it and free the old memory now rather than at some later GC.
     *
     * @return the new backing {@link ByteBuffer}, which the caller keeps so it can free it later.
     */
    static ByteBuffer grow(final UnsafeBuffer buffer, final ByteBuffer old, final int newCapacity, final int usedBytes)
    {
        final ByteBuffer replacement = ByteBuffer.allocateDirect(newCapacity);
        final UnsafeBuffer target = new UnsafeBuffer(replacement);
        target.putBytes(0, buffer, 0, usedBytes);
        buffer.wrap(replacement);
        BufferUtil.free(old);
        return replacement;
    }

    static void free(final ByteBuffer buffer)
    {
        if (null != buffer)
        {
            BufferUtil.free(buffer);
        }
    }
}
