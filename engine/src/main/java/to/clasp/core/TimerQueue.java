package to.clasp.core;

import java.util.Arrays;

/**
 * An indexed binary min-heap of {@link CoreTimer}s: schedule, reschedule and cancel in O(log n), the next deadline
 * in O(1) (which the BLOCK wait strategy needs to bound its park). Core thread only.
 */
final class TimerQueue
{
    private CoreTimer[] heap = new CoreTimer[64];
    private int size;

    /**
     * Schedule (or move) a timer.
     */
    void schedule(final CoreTimer timer, final long deadlineNs)
    {
        if (timer.isScheduled())
        {
            final long old = timer.deadlineNs;
            timer.deadlineNs = deadlineNs;
            if (deadlineNs < old)
            {
                siftUp(timer.heapIndex);
            }
            else
            {
                siftDown(timer.heapIndex);
            }
            return;
        }
        if (size == heap.length)
        {
            heap = Arrays.copyOf(heap, size * 2);
        }
        timer.deadlineNs = deadlineNs;
        timer.heapIndex = size;
        heap[size++] = timer;
        siftUp(timer.heapIndex);
    }

    /**
     * Schedule only if the timer is not queued or would fire later than {@code deadlineNs}.
     */
    void scheduleNoLaterThan(final CoreTimer timer, final long deadlineNs)
    {
        if (!timer.isScheduled() || deadlineNs < timer.deadlineNs)
        {
            schedule(timer, deadlineNs);
        }
    }

    void cancel(final CoreTimer timer)
    {
        final int i = timer.heapIndex;
        if (i < 0)
        {
            return;
        }
        final CoreTimer last = heap[--size];
        heap[size] = null;
        timer.heapIndex = -1;
        if (i < size)
        {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    /**
     * Fire every timer whose deadline is at or before {@code nowNs}.
     *
     * @return how many fired.
     */
    int poll(final long nowNs)
    {
        int fired = 0;
        while (size > 0 && heap[0].deadlineNs - nowNs <= 0)
        {
            final CoreTimer t = heap[0];
            cancel(t);
            fired++;
            t.onTimer(nowNs);
        }
        return fired;
    }

    /**
     * @return the earliest deadline, or {@code Long.MAX_VALUE} when nothing is scheduled.
     */
    long nextDeadlineNs()
    {
        return size > 0 ? heap[0].deadlineNs : Long.MAX_VALUE;
    }

    int size()
    {
        return size;
    }

    private void siftUp(int i)
    {
        final CoreTimer t = heap[i];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            final CoreTimer p = heap[parent];
            if (p.deadlineNs - t.deadlineNs <= 0)
            {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i)
    {
        final CoreTimer t = heap[i];
        final int half = size >>> 1;
        while (i < half)
        {
            int child = 2 * i + 1;
            final int right = child + 1;
            if (right < size && heap[right].deadlineNs - heap[child].deadlineNs < 0)
            {
                child = right;
            }
            if (t.deadlineNs - heap[child].deadlineNs <= 0)
            {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
