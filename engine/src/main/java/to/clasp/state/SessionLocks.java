package to.clasp.state;

import java.util.Arrays;

/**
 * Which params each session has locked: a doubly linked list per session threaded through the records'
 * {@code lockNext}/{@code lockPrev} fields, with the heads indexed by session index.
 * <p>
 * Releasing a session's locks on disconnect walks only that session's list, so a session that holds no locks costs
 * one array read, and unlocking one param is O(1) however many its holder has.
 */
final class SessionLocks
{
    private final ParamRecords records;
    private int[] heads = new int[0];
    private int[] counts = new int[0];

    SessionLocks(final ParamRecords records)
    {
        this.records = records;
    }

    int lockCount(final int sessionIndex)
    {
        return sessionIndex >= 0 && sessionIndex < counts.length ? counts[sessionIndex] : 0;
    }

    /** Make {@code sessionIndex} the holder of the unlocked param {@code id}. */
    void lock(final int sessionIndex, final int id)
    {
        if (sessionIndex >= heads.length)
        {
            // Grows only when a session index locks for the first time; session indices are dense and bounded.
            final int newLength = Math.max(sessionIndex + 1, heads.length << 1);
            final int oldLength = heads.length;
            heads = Arrays.copyOf(heads, newLength);
            counts = Arrays.copyOf(counts, newLength);
            Arrays.fill(heads, oldLength, newLength, ParamRecords.NO_ID);
        }

        final int head = heads[sessionIndex];
        records.lockHolder(id, sessionIndex);
        records.lockPrev(id, ParamRecords.NO_ID);
        records.lockNext(id, head);
        if (ParamRecords.NO_ID != head)
        {
            records.lockPrev(head, id);
        }
        heads[sessionIndex] = id;
        counts[sessionIndex]++;
    }

    /** Clear the lock on {@code id} if it has one. */
    void unlock(final int id)
    {
        final int holder = records.lockHolder(id);
        if (ParamRecords.NO_SESSION == holder)
        {
            return;
        }

        final int prev = records.lockPrev(id);
        final int next = records.lockNext(id);
        if (ParamRecords.NO_ID == prev)
        {
            heads[holder] = next;
        }
        else
        {
            records.lockNext(prev, next);
        }
        if (ParamRecords.NO_ID != next)
        {
            records.lockPrev(next, prev);
        }

        records.lockHolder(id, ParamRecords.NO_SESSION);
        records.lockPrev(id, ParamRecords.NO_ID);
        records.lockNext(id, ParamRecords.NO_ID);
        counts[holder]--;
    }

    /**
     * @return how many locks {@code sessionIndex} held.
     */
    int releaseAll(final int sessionIndex)
    {
        if (sessionIndex < 0 || sessionIndex >= heads.length || 0 == counts[sessionIndex])
        {
            return 0;
        }

        int released = 0;
        int id = heads[sessionIndex];
        while (ParamRecords.NO_ID != id)
        {
            final int next = records.lockNext(id);
            records.lockHolder(id, ParamRecords.NO_SESSION);
            records.lockPrev(id, ParamRecords.NO_ID);
            records.lockNext(id, ParamRecords.NO_ID);
            id = next;
            released++;
        }
        heads[sessionIndex] = ParamRecords.NO_ID;
        counts[sessionIndex] = 0;
        return released;
    }
}
