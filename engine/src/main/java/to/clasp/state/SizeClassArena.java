package to.clasp.state;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Off-heap byte arena for addresses and values with power-of-two size classes (16 B … 64 KiB) and an intrusive free
 * list per class.
 * <p>
 * Why size classes rather than a compacting arena: a slot's offset never moves while it is in use, so ids keep
 * pointing at their bytes without fix-ups, freeing and reusing a slot is O(1), and an update whose value still fits
 * the class is written in place. The price is at most 2× internal fragmentation, and a slot once carved for a class
 * stays in that class (memory freed by 64 KiB values is reused only by 64 KiB-class values).
 * <p>
 * Limits: allocations normally stay under {@code softLimit} (what {@link #canAllocate} tests); {@link #allocate}
 * may go up to {@code softLimit + HEADROOM} so that every write of a BUNDLE that was checked entry by entry against
 * the soft limit can then be applied. {@link #HEADROOM} bounds what one frame can need: a SET entry costs at least
 * 4 + a + v wire bytes for an a-byte address and v-byte value and at most max(16, 2a) + max(16, 2v) ≤ 8 × (4 + a + v)
 * arena bytes, so a frame of at most 65 547 bytes needs under 8 × 65 547 = 524 376 bytes.
 */
final class SizeClassArena implements AutoCloseable
{
    static final int MIN_CLASS_SHIFT = 4;
    static final int MAX_CLASS_SHIFT = 16;
    static final int CLASS_COUNT = MAX_CLASS_SHIFT - MIN_CLASS_SHIFT + 1;
    static final int MAX_SLOT_LENGTH = 1 << MAX_CLASS_SHIFT;
    static final int HEADROOM = 16 * MAX_SLOT_LENGTH;
    static final int NIL = -1;

    private final int softLimit;
    private final int hardLimit;
    private final int[] freeHeads = new int[CLASS_COUNT];
    private final int[] freeCounts = new int[CLASS_COUNT];
    private final UnsafeBuffer buffer;
    private ByteBuffer byteBuffer;
    private int used;

    SizeClassArena(final int initialBytes, final int softLimit)
    {
        this.softLimit = softLimit;
        this.hardLimit = softLimit + HEADROOM;
        byteBuffer = OffHeap.allocate(Math.max(MAX_SLOT_LENGTH, Math.min(initialBytes, hardLimit)));
        buffer = new UnsafeBuffer(byteBuffer);
        java.util.Arrays.fill(freeHeads, NIL);
    }

    /**
     * @param length bytes to hold, 0 … {@link #MAX_SLOT_LENGTH}.
     * @return the smallest class whose slots hold {@code length} bytes.
     */
    static int sizeClass(final int length)
    {
        if (length <= (1 << MIN_CLASS_SHIFT))
        {
            return 0;
        }
        return (32 - Integer.numberOfLeadingZeros(length - 1)) - MIN_CLASS_SHIFT;
    }

    static int classLength(final int sizeClass)
    {
        return 1 << (sizeClass + MIN_CLASS_SHIFT);
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** Bytes carved from the arena so far, including slots now on free lists. */
    int usedBytes()
    {
        return used;
    }

    /**
     * Would slots of class {@code classA} and (when ≥ 0) {@code classB} both be allocated within the soft limit?
     * Pure; used by the store's pre-write check.
     */
    boolean canAllocate(final int classA, final int classB)
    {
        long fromBump = 0;
        int freeA = freeCounts[classA];
        if (freeA > 0)
        {
            freeA--;
        }
        else
        {
            fromBump += classLength(classA);
        }

        if (classB >= 0)
        {
            final int freeB = classB == classA ? freeA : freeCounts[classB];
            if (freeB == 0)
            {
                fromBump += classLength(classB);
            }
        }

        return used + fromBump <= softLimit;
    }

    /**
     * @return the offset of a slot of {@code sizeClass}, or {@link #NIL} when even the hard limit is reached.
     */
    int allocate(final int sizeClass)
    {
        final int head = freeHeads[sizeClass];
        if (NIL != head)
        {
            freeHeads[sizeClass] = buffer.getInt(head);
            freeCounts[sizeClass]--;
            return head;
        }

        final int length = classLength(sizeClass);
        final long end = (long)used + length;
        if (end > hardLimit)
        {
            return NIL;
        }
        if (end > buffer.capacity())
        {
            final int newCapacity = (int)Math.min(hardLimit, Math.max(2L * buffer.capacity(), end));
            byteBuffer = OffHeap.grow(buffer, byteBuffer, newCapacity, used);
        }

        final int offset = used;
        used = (int)end;
        return offset;
    }

    /** Return a slot to its class's free list; its first 4 bytes become the link. */
    void free(final int offset, final int sizeClass)
    {
        buffer.putInt(offset, freeHeads[sizeClass]);
        freeHeads[sizeClass] = offset;
        freeCounts[sizeClass]++;
    }

    public void close()
    {
        OffHeap.free(byteBuffer);
        byteBuffer = null;
    }
}
