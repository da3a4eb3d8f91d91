package to.clasp.state;

import java.util.Arrays;

/**
 * Indexed binary min-heap of (scheduled time, id) for params that have a deadline, with each record holding its
 * heap position so an entry can be found, moved or removed in O(log n).
 * <p>
 * Why not a heap with lazy deletion: a sliding TTL moves the deadline on every write, and pushing an entry per write
 * would grow the heap without bound between expiries. Here each param has at most one entry, so the heap is bounded
 * by the number of params. Moving a deadline <em>later</em> (the common sliding case) does not touch the heap at all:
 * the entry keeps its earlier scheduled time and, when it surfaces, {@link ParamStore#expire} sees the record's real
 * deadline and re-schedules it. Only moving a deadline earlier (a shorter TTL) sifts up.
 */
final class ExpiryQueue
{
    private static final int NOT_QUEUED = -1;

    private final ParamRecords records;
    private final int maxEntries;
    private long[] times;
    private int[] ids;
    private int size;

    ExpiryQueue(final ParamRecords records, final int initialEntries, final int maxEntries)
    {
        this.records = records;
        this.maxEntries = maxEntries;
        final int length = Math.max(16, Math.min(initialEntries, maxEntries));
        times = new long[length];
        ids = new int[length];
    }

    boolean isEmpty()
    {
        return 0 == size;
    }

    long peekTime()
    {
        return times[0];
    }

    int peekId()
    {
        return ids[0];
    }

    /**
     * Make sure {@code id} surfaces no later than {@code deadline}. An entry already scheduled earlier is left alone
     * (lazy: the record's own deadline is the truth).
     */
    void schedule(final int id, final long deadline)
    {
        final int index = records.heapIndex(id);
        if (NOT_QUEUED == index)
        {
            if (size == times.length)
            {
                final int newLength = (int)Math.min(maxEntries, 2L * times.length);
                times = Arrays.copyOf(times, newLength);
                ids = Arrays.copyOf(ids, newLength);
            }
            times[size] = deadline;
            ids[size] = id;
            records.heapIndex(id, size);
            siftUp(size++);
        }
        else if (deadline < times[index])
        {
            times[index] = deadline;
            siftUp(index);
        }
    }

    /** Re-schedule the head entry to a later time. */
    void rescheduleHead(final long deadline)
    {
        times[0] = deadline;
        siftDown(0);
    }

    void cancel(final int id)
    {
        final int index = records.heapIndex(id);
        if (NOT_QUEUED == index)
        {
            return;
        }

        records.heapIndex(id, NOT_QUEUED);
        final int last = --size;
        if (index != last)
        {
            final int movedId = ids[last];
            move(last, index);
            siftDown(index);
            siftUp(records.heapIndex(movedId));
        }
    }

    private void move(final int from, final int to)
    {
        times[to] = times[from];
        ids[to] = ids[from];
        records.heapIndex(ids[to], to);
    }

    private void siftUp(final int start)
    {
        int index = start;
        final long time = times[index];
        final int id = ids[index];
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (times[parent] <= time)
            {
                break;
            }
            move(parent, index);
            index = parent;
        }
        times[index] = time;
        ids[index] = id;
        records.heapIndex(id, index);
    }

    private void siftDown(final int start)
    {
        int index = start;
        final long time = times[index];
        final int id = ids[index];
        final int half = size >>> 1;
        while (index < half)
        {
            int child = (index << 1) + 1;
            final int right = child + 1;
            if (right < size && times[right] < times[child])
            {
                child = right;
            }
            if (time <= times[child])
            {
                break;
            }
            move(child, index);
            index = child;
        }
        times[index] = time;
        ids[index] = id;
        records.heapIndex(id, index);
    }
}
