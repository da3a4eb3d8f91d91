package to.clasp.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

import to.clasp.address.AddressHash;
import to.clasp.address.AddressView;

import static to.clasp.state.ParamRecords.HAS_TTL_FLAG;
import static to.clasp.state.ParamRecords.NO_DEADLINE;
import static to.clasp.state.ParamRecords.NO_ID;
import static to.clasp.state.ParamRecords.NO_SESSION;
import static to.clasp.state.WriteResult.LOCK_HELD;
import static to.clasp.state.WriteResult.OK;
import static to.clasp.state.WriteResult.REVISION_CONFLICT;
import static to.clasp.state.WriteResult.STATE_FULL;

/**
 * The router's param state: address → value, revision, writer, timestamp, lock holder and TTL, held off-heap and
 * addressed by dense int ids.
 * <p>
 * <b>Threading:</b> single writer. Only the router core thread may call any method; there are no locks and no
 * volatile fields.
 * <p>
 * <b>Allocation:</b> a write to an existing address, a lookup, a lock or unlock, and expiry allocate nothing. Creating
 * a param allocates only when a table has to grow (amortised, doubling, bounded by {@link #capacity()}).
 * <p>
 * <b>Writes</b> come as a {@link ParamWrite} flyweight (address scanned and hashed once by the caller, value, writer,
 * conditions, TTL, time) and are answered in a caller-owned {@link WriteResult}; {@link #check} and {@link #write}
 * share one decision, so a revision conflict, a held lock or a full store is decided in one place.
 * <p>
 * <b>Write semantics</b> (router-behaviour.md §3), checked in this order, all before anything changes:
 * <ol>
 *   <li>new address while {@link #size()} == {@link #capacity()} (or the value arena is full) → {@link
 *   WriteResult#STATE_FULL}; nothing is evicted;</li>
 *   <li>param locked by another session → {@link WriteResult#LOCK_HELD}, whatever the lock/unlock bits say;</li>
 *   <li>expected revision present, param exists, revisions differ → {@link WriteResult#REVISION_CONFLICT}; an
 *   expected revision on a new address is not checked.</li>
 * </ol>
 * An accepted write stores the value, sets revision to 1 (new) or +1, records writer and timestamp, then applies the
 * lock bits: unlock (only meaningful from the holder) releases the lock, otherwise lock makes the writer the holder.
 * When both bits are set, unlock wins and the param ends unlocked.
 * <p>
 * <b>TTL</b> (u32 as on the wire: bit31 absolute, bits30-0 seconds):
 * <ul>
 *   <li>A write that carries a TTL field sets the param's TTL mode and arms it from this write: sliding or absolute N
 *   s → deadline = now + N s. N = 0 (raw 0, or 0x80000000) means never expires and clears any deadline.</li>
 *   <li>A write without a TTL field keeps the param's mode. Sliding: the deadline moves to now + N s (removed if not
 *   written for N s). Absolute: the deadline stays where the write that set it put it.</li>
 *   <li>A new param created without a TTL field gets the store's default ({@link Context#defaultTtlSeconds()},
 *   sliding; 0 = none).</li>
 * </ul>
 * A param expires when {@code deadline <= now} at an {@link #expire} call; it is removed like {@link #remove}, which
 * also releases its lock.
 */
public final class ParamStore implements AutoCloseable
{
    /** Longest address in bytes (router-behaviour.md §3, address validation). */
    public static final int MAX_ADDRESS_LENGTH = 1024;

    /** Longest canonical value (type byte + data). */
    public static final int MAX_VALUE_LENGTH = 65535;

    /** Longest writer session id in bytes. */
    public static final int MAX_WRITER_LENGTH = ParamRecords.MAX_WRITER_LENGTH;

    /** No id: returned by {@link #find} and {@link #nextLive} when nothing matches. */
    public static final int NULL_ID = NO_ID;

    /** {@link #lockHolder(int)} of an unlocked param. */
    public static final int NO_LOCK_HOLDER = NO_SESSION;

    /** {@link #expiryDeadline(int)} of a param that never expires. */
    public static final long NEVER = NO_DEADLINE;

    static final int ABSOLUTE_TTL_BIT = 0x8000_0000;
    static final int TTL_SECONDS_MASK = 0x7FFF_FFFF;
    static final long MICROS_PER_SECOND = 1_000_000L;

    /**
     * A value whose size class drops by at least this many classes is moved to a smaller slot, so a param that once
     * held a large value does not pin it forever; smaller shrinks stay in place so sizes that oscillate do not churn.
     */
    static final int SHRINK_RELOCATE_CLASSES = 2;

    private final int capacity;
    private final int defaultTtlRaw;
    private final ParamRecords records;
    private final SizeClassArena arena;
    private final AddressIndex index;
    private final ExpiryQueue expiryQueue;
    private final SessionLocks locks;
    private final AddressView restoredAddress = new AddressView();

    private int size;
    private int highWaterMark;
    private int freeIdHead = NO_ID;
    private boolean closed;

    /** A store with the default {@link Context}. */
    public ParamStore()
    {
        this(new Context());
    }

    public ParamStore(final Context context)
    {
        context.conclude();
        capacity = context.maxParams();
        defaultTtlRaw = (int)context.defaultTtlSeconds();
        records = new ParamRecords(context.initialParams(), capacity);
        arena = new SizeClassArena(context.initialArenaBytes(), context.maxArenaBytes());
        index = new AddressIndex(records, arena, context.initialParams(), capacity);
        expiryQueue = new ExpiryQueue(records, context.initialParams(), capacity);
        locks = new SessionLocks(records);
    }

    // ------------------------------------------------------------------------------------------------- lookup

    /**
     * @return the id of the param at this address (exact bytes), or {@link #NULL_ID}.
     */
    public int find(final DirectBuffer address, final int offset, final int length)
    {
        return index.find(address, offset, length, AddressHash.hash32(address, offset, length));
    }

    /**
     * @return the id of the param at this address (scanned and hashed already), or {@link #NULL_ID}.
     */
    public int find(final AddressView address)
    {
        return index.find(address.buffer(), address.offset(), address.length(), (int)address.hash());
    }

    /** Allocating convenience for tests and tools. */
    public int find(final String address)
    {
        final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        return find(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /** Number of live params. */
    public int size()
    {
        return size;
    }

    /** Maximum number of live params ({@link Context#maxParams()}). */
    public int capacity()
    {
        return capacity;
    }

    public boolean isLive(final int id)
    {
        return id >= 0 && id < highWaterMark && records.isLive(id);
    }

    // -------------------------------------------------------------------------------------------- write path

    /**
     * Would this write be accepted? Pure: changes nothing, answers in {@code result} (its code, and the actual
     * revision on a conflict). The one place the write rules are decided; {@link #write} applies exactly this check.
     * <p>
     * For a BUNDLE: check every entry, then apply them all with {@link ParamWrite#checkedInBundle}. Each entry is
     * checked against the current state plus the entries before it that write the same address
     * ({@link ParamWrite#pendingWrites}: their revisions count, and a param they create exists for the
     * expected-revision rule); the caller accounts for the number of distinct new addresses
     * ({@code size() + n <= capacity()}). Arena space needs no such accounting: see
     * {@link ParamWrite#checkedInBundle}.
     *
     * @return {@link WriteResult#OK} or the reason for refusal (also in {@code result}).
     */
    public int check(final ParamWrite write, final WriteResult result)
    {
        final AddressView address = write.address();
        final int id = index.find(address.buffer(), address.offset(), address.length(), (int)address.hash());
        return decide(id, write, true, result).code;
    }

    /**
     * Apply a SET if {@link #check} accepts it; on refusal nothing changes. On acceptance {@code result} holds the
     * param's id, new revision and whether it was created.
     *
     * @return {@link WriteResult#OK} or the reason for refusal (also in {@code result}).
     * @throws IllegalArgumentException for lengths or values the caller should have refused (see {@link ParamWrite}).
     */
    public int write(final ParamWrite write, final WriteResult result)
    {
        validate(write);
        final AddressView address = write.address();
        final int hash = (int)address.hash();
        int id = index.find(address.buffer(), address.offset(), address.length(), hash);
        // Checked with a bundle: the arena was checked entry by entry against the limit and space now comes from the
        // headroom; running out of that (caller error) is still reported below without changing anything.
        if (OK != decide(id, write, !write.checkedInBundle(), result).code)
        {
            return result.code;
        }

        final int valueLength = write.valueLength();
        final boolean created = NO_ID == id;
        final long revision;
        if (created)
        {
            id = create(address, hash, valueLength);
            if (NO_ID == id)
            {
                return result.target(NO_ID).refuse(STATE_FULL).code;
            }
            revision = 1;
        }
        else
        {
            if (!placeValue(id, valueLength))
            {
                return result.refuse(STATE_FULL).code;
            }
            revision = records.revision(id) + 1;
        }

        records.revision(id, revision);
        records.valueLength(id, valueLength);
        records.timestamp(id, write.nowMicros());
        records.writer(id, write.writerBuffer(), write.writerOffset(), write.writerLength());
        applyLockBits(id, write.sessionIndex(), write.lock(), write.unlock());
        applyTtl(id, created, write.hasTtl(), (int)write.ttlRaw(), write.nowMicros());
        copyValue(id, write);

        return result.accept(id, revision, created).code;
    }

    /**
     * The write rules, in order: capacity and arena space for a new address, the lock, the expected revision (counting
     * {@link ParamWrite#pendingWrites}), then arena space for a value that needs a larger slot.
     */
    private WriteResult decide(final int id, final ParamWrite write, final boolean arenaLimit, final WriteResult result)
    {
        result.target(id);
        final int pending = write.pendingWrites();
        if (NO_ID == id && 0 == pending && size >= capacity)
        {
            return result.refuse(STATE_FULL);
        }

        if (NO_ID != id)
        {
            final int holder = records.lockHolder(id);
            if (NO_SESSION != holder && holder != write.sessionIndex())
            {
                return result.refuse(LOCK_HELD);
            }
        }

        // An expected revision is checked only if the param exists (here: exists by the time this write runs).
        if (write.hasExpectedRevision() && (NO_ID != id || pending > 0))
        {
            final long actual = (NO_ID == id ? 0 : records.revision(id)) + pending;
            if (actual != write.expectedRevision())
            {
                return result.conflict(actual);
            }
        }

        if (arenaLimit)
        {
            final int valueClass = SizeClassArena.sizeClass(write.valueLength());
            final boolean room = NO_ID == id ?
                arena.canAllocate(SizeClassArena.sizeClass(write.address().length()), valueClass) :
                valueClass <= records.valueClass(id) || arena.canAllocate(valueClass, -1);
            if (!room)
            {
                return result.refuse(STATE_FULL);
            }
        }

        result.code = OK;
        return result;
    }

    private void copyValue(final int id, final ParamWrite write)
    {
        final MutableDirectBuffer buffer = arena.buffer();
        final int at = records.valueOffset(id);
        final int type = write.valueType();
        if (ParamWrite.TYPE_IN_BYTES == type)
        {
            buffer.putBytes(at, write.valueBuffer(), write.valueOffset(), write.valueLength());
        }
        else
        {
            // Type byte apart from the data (a decoded SET): the data is copied straight from the frame.
            buffer.putByte(at, (byte)type);
            if (write.valueLength() > 1)
            {
                buffer.putBytes(at + 1, write.valueBuffer(), write.valueOffset(), write.valueLength() - 1);
            }
        }
    }

    private static void validate(final ParamWrite write)
    {
        validate(write.address().length(), write.valueLength(), write.writerLength(), write.hasTtl(), write.ttlRaw());
        if (write.lock() && write.sessionIndex() < 0)
        {
            throw new IllegalArgumentException("lock needs a session index >= 0, got " + write.sessionIndex());
        }
        if (write.pendingWrites() != 0)
        {
            throw new IllegalArgumentException("pendingWrites is for check(), not write(): " + write.pendingWrites());
        }
    }

    private static void validate(
        final int addrLength, final int valueLength, final int writerLength, final boolean hasTtl, final long ttlRaw)
    {
        if (addrLength < 0 || addrLength > MAX_ADDRESS_LENGTH)
        {
            throw new IllegalArgumentException("address length " + addrLength + " outside 0.." + MAX_ADDRESS_LENGTH);
        }
        if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH)
        {
            throw new IllegalArgumentException("value length " + valueLength + " outside 0.." + MAX_VALUE_LENGTH);
        }
        if (writerLength < 0 || writerLength > MAX_WRITER_LENGTH)
        {
            throw new IllegalArgumentException("writer length " + writerLength + " outside 0.." + MAX_WRITER_LENGTH);
        }
        if (hasTtl && (ttlRaw < 0 || ttlRaw > 0xFFFF_FFFFL))
        {
            throw new IllegalArgumentException("ttl " + ttlRaw + " is not a u32");
        }
    }

    /**
     * Take an id and arena slots for a new address; returns {@link #NULL_ID} with nothing changed when the arena's
     * hard limit is reached (only possible beyond the headroom of a checked bundle).
     */
    private int create(final AddressView address, final int hash, final int valueLength)
    {
        final int addrLength = address.length();
        final int addressClass = SizeClassArena.sizeClass(addrLength);
        final int valueClass = SizeClassArena.sizeClass(valueLength);
        final int addressSlot = arena.allocate(addressClass);
        if (SizeClassArena.NIL == addressSlot)
        {
            return NO_ID;
        }
        final int valueSlot = arena.allocate(valueClass);
        if (SizeClassArena.NIL == valueSlot)
        {
            arena.free(addressSlot, addressClass);
            return NO_ID;
        }

        final int id;
        if (NO_ID != freeIdHead)
        {
            id = freeIdHead;
            freeIdHead = records.freeNext(id);
        }
        else
        {
            id = highWaterMark++;
            records.ensureCapacity(id);
        }

        records.initialise(id);
        arena.buffer().putBytes(addressSlot, address.buffer(), address.offset(), addrLength);
        records.addressOffset(id, addressSlot);
        records.addressLength(id, addrLength);
        records.valueOffset(id, valueSlot);
        records.valueClass(id, valueClass);
        index.insert(id, hash);
        size++;

        return id;
    }

    /**
     * Give {@code id} a value slot that holds {@code valueLength} bytes: the current one when it fits (and is not
     * far too large), else a new one, freeing the old only after the new one is taken.
     *
     * @return false, with nothing changed, when a larger slot is needed and the arena's hard limit is reached.
     */
    private boolean placeValue(final int id, final int valueLength)
    {
        final int currentClass = records.valueClass(id);
        final int neededClass = SizeClassArena.sizeClass(valueLength);
        final boolean grow = neededClass > currentClass;
        final boolean shrink = neededClass + SHRINK_RELOCATE_CLASSES <= currentClass &&
            arena.canAllocate(neededClass, -1);
        if (grow || shrink)
        {
            final int slot = arena.allocate(neededClass);
            if (SizeClassArena.NIL == slot)
            {
                return !grow;
            }
            arena.free(records.valueOffset(id), currentClass);
            records.valueOffset(id, slot);
            records.valueClass(id, neededClass);
        }
        return true;
    }

    private void applyLockBits(final int id, final int sessionIndex, final boolean lock, final boolean unlock)
    {
        // check() has already refused writers that are not the holder, so the holder here is -1 or sessionIndex.
        if (unlock)
        {
            locks.unlock(id);
        }
        else if (lock && NO_SESSION == records.lockHolder(id))
        {
            locks.lock(sessionIndex, id);
        }
    }

    private void applyTtl(final int id, final boolean created, final boolean hasTtl, final int ttlRaw, final long now)
    {
        final int raw;
        if (hasTtl)
        {
            raw = ttlRaw;
        }
        else if (created)
        {
            if (0 == defaultTtlRaw)
            {
                return;
            }
            raw = defaultTtlRaw;
        }
        else
        {
            final boolean hasMode = (records.flags(id) & HAS_TTL_FLAG) != 0;
            final int currentRaw = records.ttlRaw(id);
            if (!hasMode || (currentRaw & ABSOLUTE_TTL_BIT) != 0)
            {
                // No TTL, or absolute: anchored at the write that set it, so this write does not move the deadline.
                return;
            }
            raw = currentRaw;
        }

        records.flags(id, records.flags(id) | HAS_TTL_FLAG);
        records.ttlRaw(id, raw);
        final int seconds = raw & TTL_SECONDS_MASK;
        if (0 == seconds)
        {
            records.deadline(id, NO_DEADLINE);
            expiryQueue.cancel(id);
        }
        else
        {
            final long deadline = now + seconds * MICROS_PER_SECOND;
            records.deadline(id, deadline);
            expiryQueue.schedule(id, deadline);
        }
    }

    // ----------------------------------------------------------------------------------------- per-param reads

    /** Revision of a live param (undefined for a dead id; accessors do not check, see {@link #isLive}). */
    public long revision(final int id)
    {
        return records.revision(id);
    }

    /** µs of the last accepted write. */
    public long timestamp(final int id)
    {
        return records.timestamp(id);
    }

    /** Session index holding the lock, or {@link #NO_LOCK_HOLDER}. */
    public int lockHolder(final int id)
    {
        return records.lockHolder(id);
    }

    /** Whether the param has a TTL mode (explicit or the default), including raw 0 = explicitly never. */
    public boolean hasTtl(final int id)
    {
        return (records.flags(id) & HAS_TTL_FLAG) != 0;
    }

    /** The TTL u32 as on the wire (0 … 0xFFFFFFFF); meaningful when {@link #hasTtl}. */
    public long ttlRaw(final int id)
    {
        return records.ttlRaw(id) & 0xFFFF_FFFFL;
    }

    /** µs at or after which the param expires, or {@link #NEVER}. */
    public long expiryDeadline(final int id)
    {
        return records.deadline(id);
    }

    /** The buffer holding address bytes; the same instance for the store's life, but re-read offsets after writes. */
    public DirectBuffer addressBuffer()
    {
        return arena.buffer();
    }

    public int addressOffset(final int id)
    {
        return records.addressOffset(id);
    }

    public int addressLength(final int id)
    {
        return records.addressLength(id);
    }

    /** @return the number of bytes copied. */
    public int copyAddress(final int id, final MutableDirectBuffer dst, final int dstOffset)
    {
        final int length = records.addressLength(id);
        dst.putBytes(dstOffset, arena.buffer(), records.addressOffset(id), length);
        return length;
    }

    /** Allocating convenience. */
    public String address(final int id)
    {
        return arena.buffer().getStringWithoutLengthUtf8(records.addressOffset(id), records.addressLength(id));
    }

    /** The buffer holding canonical value bytes; same instance for the store's life, re-read offsets after writes. */
    public DirectBuffer valueBuffer()
    {
        return arena.buffer();
    }

    public int valueOffset(final int id)
    {
        return records.valueOffset(id);
    }

    public int valueLength(final int id)
    {
        return records.valueLength(id);
    }

    /** The buffer holding writer bytes; same instance for the store's life, re-read offsets after writes. */
    public DirectBuffer writerBuffer()
    {
        return records.buffer();
    }

    public int writerOffset(final int id)
    {
        return ParamRecords.writerOffset(id);
    }

    public int writerLength(final int id)
    {
        return records.writerLength(id);
    }

    /** Allocating convenience. */
    public String writer(final int id)
    {
        return records.buffer().getStringWithoutLengthAscii(ParamRecords.writerOffset(id), records.writerLength(id));
    }

    // ------------------------------------------------------------------------------------------- sessions

    /**
     * Clear every lock held by a session (disconnect, session replacement). Walks only that session's locks.
     *
     * @return how many locks were released.
     */
    public int releaseLocks(final int sessionIndex)
    {
        return locks.releaseAll(sessionIndex);
    }

    /** Number of params a session has locked. */
    public int lockCount(final int sessionIndex)
    {
        return locks.lockCount(sessionIndex);
    }

    // ------------------------------------------------------------------------------------------- expiry

    /** Remove every param whose deadline is {@code <= nowMicros}. See {@link #expire(long, ExpiryHandler, int)}. */
    public int expire(final long nowMicros, final ExpiryHandler handler)
    {
        return expire(nowMicros, handler, Integer.MAX_VALUE);
    }

    /**
     * Remove params whose deadline is {@code <= nowMicros}, at most {@code limit} of them so one duty cycle stays
     * short; no message is sent. Cost is O(log n) per expired or re-scheduled param, nothing per unexpired one.
     *
     * @param handler told about each param just before it is removed; may be null.
     * @return how many params were removed.
     */
    public int expire(final long nowMicros, final ExpiryHandler handler, final int limit)
    {
        int expired = 0;
        while (expired < limit && !expiryQueue.isEmpty() && expiryQueue.peekTime() <= nowMicros)
        {
            final int id = expiryQueue.peekId();
            final long deadline = records.deadline(id);
            if (deadline <= nowMicros)
            {
                if (null != handler)
                {
                    handler.onExpire(id);
                }
                remove(id);
                expired++;
            }
            else if (NO_DEADLINE == deadline)
            {
                expiryQueue.cancel(id);
            }
            else
            {
                // A sliding write moved the deadline later without touching the queue; catch up now.
                expiryQueue.rescheduleHead(deadline);
            }
        }
        return expired;
    }

    /**
     * µs at which {@link #expire} may next have work, {@link #NEVER} when no param has a deadline. May be earlier
     * than any real deadline (deadlines moved later are re-queued lazily), never later.
     */
    public long nextExpiryCheckMicros()
    {
        return expiryQueue.isEmpty() ? NO_DEADLINE : expiryQueue.peekTime();
    }

    // ------------------------------------------------------------------------------------------- iteration

    /**
     * Cursor for snapshots delivered over several duty cycles: the next live id ≥ {@code fromId}, or
     * {@link #NULL_ID}. Resume with {@code nextLive(id + 1)}. Writes between calls are safe: params that exist for the
     * whole iteration are visited once each; a param created meanwhile may or may not be visited (its id may reuse a
     * slot behind the cursor), and one removed meanwhile is not visited after its removal.
     */
    public int nextLive(final int fromId)
    {
        for (int id = Math.max(0, fromId); id < highWaterMark; id++)
        {
            if (records.isLive(id))
            {
                return id;
            }
        }
        return NO_ID;
    }

    /** Visit every live id in id order. The consumer must not add or remove params. */
    public void forEachLive(final IntConsumer consumer)
    {
        for (int id = nextLive(0); NO_ID != id; id = nextLive(id + 1))
        {
            consumer.accept(id);
        }
    }

    // ------------------------------------------------------------------------------------------- restore

    /**
     * Recovery only (snapshot load and journal replay at start-up, before any session exists): put a param back
     * exactly as it was persisted — value, revision, writer, timestamp, TTL mode and expiry deadline — creating it or
     * overwriting the current one. None of the write rules apply (no revision or lock check, revision not
     * incremented, no lock taken: locks belong to sessions, which do not survive a restart); the default TTL is not
     * applied. Kept apart from {@code write} on purpose: it is not a client write, and replaying the same records
     * twice gives the same state.
     *
     * @param address        address bytes (≤ {@link #MAX_ADDRESS_LENGTH}).
     * @param value          canonical value bytes (≤ {@link #MAX_VALUE_LENGTH}).
     * @param writer         writer session id bytes (≤ {@link #MAX_WRITER_LENGTH}).
     * @param revision       the persisted revision (≥ 1); later writes continue from it.
     * @param timestampMicros µs of the write that produced this state.
     * @param hasTtl         whether the param has a TTL mode.
     * @param ttlRaw         the TTL u32 as on the wire; ignored unless {@code hasTtl}.
     * @param deadlineMicros µs at which it expires, {@link #NEVER} for never; a deadline already past expires the
     *                       param at the next {@link #expire} call.
     * @return the param id, or {@code -}{@link WriteResult#STATE_FULL} (nothing changed) when it does not fit.
     */
    public int restore(
        final DirectBuffer address,
        final int addrOffset,
        final int addrLength,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final DirectBuffer writer,
        final int writerOffset,
        final int writerLength,
        final long revision,
        final long timestampMicros,
        final boolean hasTtl,
        final long ttlRaw,
        final long deadlineMicros)
    {
        validate(addrLength, valueLength, writerLength, hasTtl, ttlRaw);
        if (revision < 1)
        {
            throw new IllegalArgumentException("revision must be >= 1: " + revision);
        }
        final AddressView restored = restoredAddress.wrapValid(address, addrOffset, addrLength);
        final int hash = (int)restored.hash();
        int id = index.find(address, addrOffset, addrLength, hash);
        if (NO_ID == id)
        {
            if (size >= capacity || NO_ID == (id = create(restored, hash, valueLength)))
            {
                return -STATE_FULL;
            }
        }
        else if (!placeValue(id, valueLength))
        {
            return -STATE_FULL;
        }

        records.revision(id, revision);
        records.valueLength(id, valueLength);
        arena.buffer().putBytes(records.valueOffset(id), value, valueOffset, valueLength);
        records.timestamp(id, timestampMicros);
        records.writer(id, writer, writerOffset, writerLength);
        if (hasTtl)
        {
            records.flags(id, records.flags(id) | HAS_TTL_FLAG);
            records.ttlRaw(id, (int)ttlRaw);
        }
        else
        {
            records.flags(id, records.flags(id) & ~HAS_TTL_FLAG);
            records.ttlRaw(id, 0);
        }
        records.deadline(id, deadlineMicros);
        if (NO_DEADLINE == deadlineMicros)
        {
            expiryQueue.cancel(id);
        }
        else
        {
            expiryQueue.schedule(id, deadlineMicros);
        }
        return id;
    }

    // ------------------------------------------------------------------------------------------- removal

    /**
     * Remove a param: releases its lock, cancels its expiry, un-interns its address and frees its id and arena slots
     * for reuse.
     *
     * @return false if {@code id} was not live.
     */
    public boolean remove(final int id)
    {
        if (!isLive(id))
        {
            return false;
        }

        locks.unlock(id);
        expiryQueue.cancel(id);
        final int addressOffset = records.addressOffset(id);
        final int addressLength = records.addressLength(id);
        index.remove(id, AddressHash.hash32(arena.buffer(), addressOffset, addressLength));
        arena.free(addressOffset, SizeClassArena.sizeClass(addressLength));
        arena.free(records.valueOffset(id), records.valueClass(id));

        records.flags(id, 0);
        records.freeNext(id, freeIdHead);
        freeIdHead = id;
        size--;
        return true;
    }

    /** Frees the off-heap memory; the store must not be used afterwards. Idempotent. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            records.close();
            arena.close();
        }
    }

    // ------------------------------------------------------------------------------------------- diagnostics

    /** Bytes carved from the value/address arena (including slots on free lists); for metrics and tests. */
    public int arenaUsedBytes()
    {
        return arena.usedBytes();
    }

    /**
     * Configuration of a {@link ParamStore}. Every setting has a default and a system property; {@link #conclude()}
     * validates once, at construction, so nothing reads configuration on the write path.
     */
    public static final class Context
    {
        /** Maximum number of live params ({@code --max-params}). */
        public static final String MAX_PARAMS_PROP_NAME = "clasp.state.max.params";
        public static final int MAX_PARAMS_DEFAULT = 1_000_000;

        /** TTL in seconds (sliding) given to params created without a TTL field ({@code --param-ttl}); 0 = none. */
        public static final String DEFAULT_TTL_SECONDS_PROP_NAME = "clasp.state.default.ttl.seconds";
        public static final long DEFAULT_TTL_SECONDS_DEFAULT = 0;

        /** Params the tables are sized for at start; they double from there up to the maximum. */
        public static final String INITIAL_PARAMS_PROP_NAME = "clasp.state.initial.params";
        public static final int INITIAL_PARAMS_DEFAULT = 1024;

        /** Limit on the address + value arena; beyond it writes that need new space get STATE_FULL. */
        public static final String MAX_ARENA_BYTES_PROP_NAME = "clasp.state.max.arena.bytes";
        public static final int MAX_ARENA_BYTES_DEFAULT = 1 << 30;

        /** Initial arena size; it doubles from there up to the maximum. */
        public static final String INITIAL_ARENA_BYTES_PROP_NAME = "clasp.state.initial.arena.bytes";
        public static final int INITIAL_ARENA_BYTES_DEFAULT = 1 << 20;

        private int maxParams = Integer.getInteger(MAX_PARAMS_PROP_NAME, MAX_PARAMS_DEFAULT);
        private long defaultTtlSeconds = Long.getLong(DEFAULT_TTL_SECONDS_PROP_NAME, DEFAULT_TTL_SECONDS_DEFAULT);
        private int initialParams = Integer.getInteger(INITIAL_PARAMS_PROP_NAME, INITIAL_PARAMS_DEFAULT);
        private int maxArenaBytes = Integer.getInteger(MAX_ARENA_BYTES_PROP_NAME, MAX_ARENA_BYTES_DEFAULT);
        private int initialArenaBytes = Integer.getInteger(INITIAL_ARENA_BYTES_PROP_NAME, INITIAL_ARENA_BYTES_DEFAULT);

        /**
         * Validate the settings and clamp the initial sizes to the maxima.
         *
         * @throws IllegalArgumentException naming the offending setting.
         */
        public Context conclude()
        {
            if (maxParams < 1 || maxParams > ParamRecords.MAX_RECORDS)
            {
                throw new IllegalArgumentException(
                    "maxParams=" + maxParams + " outside 1.." + ParamRecords.MAX_RECORDS);
            }
            if (defaultTtlSeconds < 0 || defaultTtlSeconds > TTL_SECONDS_MASK)
            {
                throw new IllegalArgumentException(
                    "defaultTtlSeconds=" + defaultTtlSeconds + " outside 0.." + TTL_SECONDS_MASK);
            }
            if (maxArenaBytes < SizeClassArena.MAX_SLOT_LENGTH ||
                maxArenaBytes > Integer.MAX_VALUE - SizeClassArena.HEADROOM)
            {
                throw new IllegalArgumentException("maxArenaBytes=" + maxArenaBytes + " outside " +
                    SizeClassArena.MAX_SLOT_LENGTH + ".." + (Integer.MAX_VALUE - SizeClassArena.HEADROOM));
            }
            if (initialParams < 1)
            {
                throw new IllegalArgumentException("initialParams=" + initialParams + " must be >= 1");
            }
            if (initialArenaBytes < 1)
            {
                throw new IllegalArgumentException("initialArenaBytes=" + initialArenaBytes + " must be >= 1");
            }
            initialParams = Math.min(initialParams, maxParams);
            initialArenaBytes = Math.min(initialArenaBytes, maxArenaBytes);
            return this;
        }

        public int maxParams()
        {
            return maxParams;
        }

        public Context maxParams(final int maxParams)
        {
            this.maxParams = maxParams;
            return this;
        }

        public long defaultTtlSeconds()
        {
            return defaultTtlSeconds;
        }

        public Context defaultTtlSeconds(final long seconds)
        {
            this.defaultTtlSeconds = seconds;
            return this;
        }

        public int initialParams()
        {
            return initialParams;
        }

        public Context initialParams(final int initialParams)
        {
            this.initialParams = initialParams;
            return this;
        }

        public int maxArenaBytes()
        {
            return maxArenaBytes;
        }

        public Context maxArenaBytes(final int maxArenaBytes)
        {
            this.maxArenaBytes = maxArenaBytes;
            return this;
        }

        public int initialArenaBytes()
        {
            return initialArenaBytes;
        }

        public Context initialArenaBytes(final int initialArenaBytes)
        {
            this.initialArenaBytes = initialArenaBytes;
            return this;
        }
    }
}
