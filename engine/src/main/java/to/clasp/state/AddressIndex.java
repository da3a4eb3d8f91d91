package to.clasp.state;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * Interns addresses to dense param ids: an open-addressing (linear probing) hash table of ids whose keys are the
 * address bytes already held in the {@link SizeClassArena}, so no String or byte[] key exists per param. Keys are
 * hashed with {@link to.clasp.address.AddressHash#hash32} by the caller (an inbound address arrives hashed).
 * <p>
 * The table stores each id's hash beside it, which lets a probe reject most slots without touching the record or
 * the arena and lets a resize rehash without re-reading any address. Load factor ≤ 0.5; removal uses backward-shift
 * deletion, so there are no tombstones and probe lengths do not degrade under churn (expiry, removal).
 */
final class AddressIndex
{
    private static final int EMPTY = -1;

    private final ParamRecords records;
    private final SizeClassArena arena;
    private final int maxSlots;
    private int[] ids;
    private int[] hashes;
    private int mask;
    private int resizeThreshold;
    private int size;

    AddressIndex(final ParamRecords records, final SizeClassArena arena, final int initialParams, final int maxParams)
    {
        this.records = records;
        this.arena = arena;
        this.maxSlots = slotsFor(maxParams);
        allocate(Math.min(slotsFor(initialParams), maxSlots));
    }

    private static int slotsFor(final int params)
    {
        final long wanted = Math.max(8L, 2L * params);
        return (int)Math.min(1 << 30, Long.highestOneBit(wanted - 1) << 1);
    }

    private void allocate(final int slots)
    {
        ids = new int[slots];
        hashes = new int[slots];
        Arrays.fill(ids, EMPTY);
        mask = slots - 1;
        resizeThreshold = slots >> 1;
    }

    static boolean bytesEqual(
        final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        int i = 0;
        for (final int limit = length - 7; i < limit; i += 8)
        {
            if (a.getLong(aOffset + i) != b.getLong(bOffset + i))
            {
                return false;
            }
        }
        if (length >= 8)
        {
            // The tail as the last eight bytes, overlapping what was already compared.
            return i == length || a.getLong(aOffset + length - 8) == b.getLong(bOffset + length - 8);
        }
        for (; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the id of the address, or {@link ParamRecords#NO_ID}.
     */
    int find(final DirectBuffer address, final int offset, final int length, final int hash)
    {
        final int[] ids = this.ids;
        final int[] hashes = this.hashes;
        final DirectBuffer arenaBuffer = arena.buffer();
        int slot = hash & mask;
        int id;
        while (EMPTY != (id = ids[slot]))
        {
            if (hashes[slot] == hash &&
                records.addressLength(id) == length &&
                bytesEqual(arenaBuffer, records.addressOffset(id), address, offset, length))
            {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        return ParamRecords.NO_ID;
    }

    /** Add an id whose address is not yet present. */
    void insert(final int id, final int hash)
    {
        if (size >= resizeThreshold && ids.length < maxSlots)
        {
            resize(ids.length << 1);
        }
        insertUnchecked(id, hash);
        size++;
    }

    private void insertUnchecked(final int id, final int hash)
    {
        int slot = hash & mask;
        while (EMPTY != ids[slot])
        {
            slot = (slot + 1) & mask;
        }
        ids[slot] = id;
        hashes[slot] = hash;
    }

    private void resize(final int slots)
    {
        final int[] oldIds = ids;
        final int[] oldHashes = hashes;
        allocate(slots);
        for (int i = 0; i < oldIds.length; i++)
        {
            if (EMPTY != oldIds[i])
            {
                insertUnchecked(oldIds[i], oldHashes[i]);
            }
        }
    }

    /** Remove an id known to be present under {@code hash}. */
    void remove(final int id, final int hash)
    {
        final int[] ids = this.ids;
        final int[] hashes = this.hashes;
        int gap = hash & mask;
        while (ids[gap] != id)
        {
            gap = (gap + 1) & mask;
        }

        // Backward-shift: pull later members of the probe run into the gap when their home slot does not lie in
        // (gap, slot], so every remaining key stays reachable from its home slot without tombstones.
        int slot = gap;
        while (true)
        {
            slot = (slot + 1) & mask;
            final int candidate = ids[slot];
            if (EMPTY == candidate)
            {
                break;
            }
            final int home = hashes[slot] & mask;
            final boolean homeInRange = gap <= slot ? (gap < home && home <= slot) : (gap < home || home <= slot);
            if (!homeInRange)
            {
                ids[gap] = candidate;
                hashes[gap] = hashes[slot];
                gap = slot;
            }
        }
        ids[gap] = EMPTY;
        size--;
    }
}
