package to.clasp.state;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The fixed-size per-param records, one per dense id, in one direct buffer that grows by doubling up to the
 * maximum number of params.
 * <p>
 * Record layout (128 bytes, two cache lines; the fields the SET path touches are in the first line):
 * <pre>
 *   0 revision        i64   starts at 1, +1 per accepted write
 *   8 timestamp       i64   µs of the last accepted write
 *  16 deadline        i64   µs after which the param expires, {@link #NO_DEADLINE} when it never does
 *  24 valueOffset     i32   offset of the value slot in the {@link SizeClassArena}
 *  28 valueLength     i32   bytes of canonical value (type byte + data)
 *  32 addressOffset   i32   offset of the address slot in the arena
 *  36 lockHolder      i32   session index holding the lock, {@link #NO_SESSION} when unlocked
 *  40 lockNext        i32   next id in the holder's lock list (doubles as the free-id list link of a dead record)
 *  44 lockPrev        i32   previous id in the holder's lock list
 *  48 ttlRaw          i32   TTL as sent on the wire: bit31 absolute, bits30-0 seconds
 *  52 heapIndex       i32   position in the {@link ExpiryQueue}, -1 when not queued
 *  56 addressLength   u16   ≤ 1024
 *  58 valueClass      u8    size class of the value slot (its capacity, which may exceed valueLength)
 *  59 flags           u8    {@link #LIVE_FLAG}, {@link #HAS_TTL_FLAG}
 *  60 writerLength    u8    ≤ 64
 *  61 (reserved, 3 bytes)
 *  64 writer          64 × u8  session id of the last writer, ASCII, kept inline so it outlives the session
 * </pre>
 */
final class ParamRecords implements AutoCloseable
{
    static final int REVISION_OFFSET = 0;
    static final int TIMESTAMP_OFFSET = 8;
    static final int DEADLINE_OFFSET = 16;
    static final int VALUE_OFFSET_OFFSET = 24;
    static final int VALUE_LENGTH_OFFSET = 28;
    static final int ADDRESS_OFFSET_OFFSET = 32;
    static final int LOCK_HOLDER_OFFSET = 36;
    static final int LOCK_NEXT_OFFSET = 40;
    static final int FREE_NEXT_OFFSET = LOCK_NEXT_OFFSET;
    static final int LOCK_PREV_OFFSET = 44;
    static final int TTL_RAW_OFFSET = 48;
    static final int HEAP_INDEX_OFFSET = 52;
    static final int ADDRESS_LENGTH_OFFSET = 56;
    static final int VALUE_CLASS_OFFSET = 58;
    static final int FLAGS_OFFSET = 59;
    static final int WRITER_LENGTH_OFFSET = 60;
    static final int WRITER_OFFSET = 64;
    static final int MAX_WRITER_LENGTH = 64;
    static final int RECORD_LENGTH = 128;
    static final int RECORD_SHIFT = 7;

    static final byte LIVE_FLAG = 0x01;
    static final byte HAS_TTL_FLAG = 0x02;

    static final long NO_DEADLINE = Long.MAX_VALUE;
    static final int NO_SESSION = -1;
    static final int NO_ID = -1;

    /** Largest record count whose table still fits one int-indexed buffer. */
    static final int MAX_RECORDS = Integer.MAX_VALUE >> RECORD_SHIFT;

    private final int maxRecords;
    private final UnsafeBuffer buffer;
    private ByteBuffer byteBuffer;
    private int recordCapacity;

    ParamRecords(final int initialRecords, final int maxRecords)
    {
        this.maxRecords = maxRecords;
        recordCapacity = Math.max(1, Math.min(initialRecords, maxRecords));
        byteBuffer = OffHeap.allocate(recordCapacity << RECORD_SHIFT);
        buffer = new UnsafeBuffer(byteBuffer);
    }

    /**
     * Make room for {@code id}; growth doubles so that creating n params costs O(n) copying in total.
     */
    void ensureCapacity(final int id)
    {
        if (id >= recordCapacity)
        {
            final int newCapacity = (int)Math.min(maxRecords, Math.max((long)recordCapacity << 1, id + 1L));
            byteBuffer = OffHeap.grow(buffer, byteBuffer, newCapacity << RECORD_SHIFT, recordCapacity << RECORD_SHIFT);
            recordCapacity = newCapacity;
        }
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    static int offset(final int id)
    {
        return id << RECORD_SHIFT;
    }

    long revision(final int id)
    {
        return buffer.getLong(offset(id) + REVISION_OFFSET);
    }

    void revision(final int id, final long revision)
    {
        buffer.putLong(offset(id) + REVISION_OFFSET, revision);
    }

    long timestamp(final int id)
    {
        return buffer.getLong(offset(id) + TIMESTAMP_OFFSET);
    }

    void timestamp(final int id, final long micros)
    {
        buffer.putLong(offset(id) + TIMESTAMP_OFFSET, micros);
    }

    long deadline(final int id)
    {
        return buffer.getLong(offset(id) + DEADLINE_OFFSET);
    }

    void deadline(final int id, final long micros)
    {
        buffer.putLong(offset(id) + DEADLINE_OFFSET, micros);
    }

    int valueOffset(final int id)
    {
        return buffer.getInt(offset(id) + VALUE_OFFSET_OFFSET);
    }

    void valueOffset(final int id, final int arenaOffset)
    {
        buffer.putInt(offset(id) + VALUE_OFFSET_OFFSET, arenaOffset);
    }

    int valueLength(final int id)
    {
        return buffer.getInt(offset(id) + VALUE_LENGTH_OFFSET);
    }

    void valueLength(final int id, final int length)
    {
        buffer.putInt(offset(id) + VALUE_LENGTH_OFFSET, length);
    }

    int valueClass(final int id)
    {
        return buffer.getByte(offset(id) + VALUE_CLASS_OFFSET);
    }

    void valueClass(final int id, final int sizeClass)
    {
        buffer.putByte(offset(id) + VALUE_CLASS_OFFSET, (byte)sizeClass);
    }

    int addressOffset(final int id)
    {
        return buffer.getInt(offset(id) + ADDRESS_OFFSET_OFFSET);
    }

    void addressOffset(final int id, final int arenaOffset)
    {
        buffer.putInt(offset(id) + ADDRESS_OFFSET_OFFSET, arenaOffset);
    }

    int addressLength(final int id)
    {
        return buffer.getShort(offset(id) + ADDRESS_LENGTH_OFFSET) & 0xFFFF;
    }

    void addressLength(final int id, final int length)
    {
        buffer.putShort(offset(id) + ADDRESS_LENGTH_OFFSET, (short)length);
    }

    int lockHolder(final int id)
    {
        return buffer.getInt(offset(id) + LOCK_HOLDER_OFFSET);
    }

    void lockHolder(final int id, final int sessionIndex)
    {
        buffer.putInt(offset(id) + LOCK_HOLDER_OFFSET, sessionIndex);
    }

    int lockNext(final int id)
    {
        return buffer.getInt(offset(id) + LOCK_NEXT_OFFSET);
    }

    void lockNext(final int id, final int next)
    {
        buffer.putInt(offset(id) + LOCK_NEXT_OFFSET, next);
    }

    int lockPrev(final int id)
    {
        return buffer.getInt(offset(id) + LOCK_PREV_OFFSET);
    }

    void lockPrev(final int id, final int prev)
    {
        buffer.putInt(offset(id) + LOCK_PREV_OFFSET, prev);
    }

    int freeNext(final int id)
    {
        return buffer.getInt(offset(id) + FREE_NEXT_OFFSET);
    }

    void freeNext(final int id, final int next)
    {
        buffer.putInt(offset(id) + FREE_NEXT_OFFSET, next);
    }

    int ttlRaw(final int id)
    {
        return buffer.getInt(offset(id) + TTL_RAW_OFFSET);
    }

    void ttlRaw(final int id, final int raw)
    {
        buffer.putInt(offset(id) + TTL_RAW_OFFSET, raw);
    }

    int heapIndex(final int id)
    {
        return buffer.getInt(offset(id) + HEAP_INDEX_OFFSET);
    }

    void heapIndex(final int id, final int index)
    {
        buffer.putInt(offset(id) + HEAP_INDEX_OFFSET, index);
    }

    int flags(final int id)
    {
        return buffer.getByte(offset(id) + FLAGS_OFFSET);
    }

    void flags(final int id, final int flags)
    {
        buffer.putByte(offset(id) + FLAGS_OFFSET, (byte)flags);
    }

    boolean isLive(final int id)
    {
        return (flags(id) & LIVE_FLAG) != 0;
    }

    int writerLength(final int id)
    {
        return buffer.getByte(offset(id) + WRITER_LENGTH_OFFSET) & 0xFF;
    }

    static int writerOffset(final int id)
    {
        return offset(id) + WRITER_OFFSET;
    }

    void writer(final int id, final DirectBuffer src, final int srcOffset, final int length)
    {
        buffer.putByte(offset(id) + WRITER_LENGTH_OFFSET, (byte)length);
        buffer.putBytes(writerOffset(id), src, srcOffset, length);
    }

    /**
     * Reset a record for a freshly created param; every field is written so nothing leaks from a previous owner of
     * the id.
     */
    void initialise(final int id)
    {
        final int offset = offset(id);
        buffer.setMemory(offset, WRITER_OFFSET, (byte)0);
        buffer.putLong(offset + DEADLINE_OFFSET, NO_DEADLINE);
        buffer.putInt(offset + LOCK_HOLDER_OFFSET, NO_SESSION);
        buffer.putInt(offset + LOCK_NEXT_OFFSET, NO_ID);
        buffer.putInt(offset + LOCK_PREV_OFFSET, NO_ID);
        buffer.putInt(offset + HEAP_INDEX_OFFSET, -1);
        buffer.putByte(offset + FLAGS_OFFSET, LIVE_FLAG);
    }

    public void close()
    {
        OffHeap.free(byteBuffer);
        byteBuffer = null;
    }
}
