package to.clasp.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TimerQueueTest
{
    private static final class Recording extends CoreTimer
    {
        final List<Long> fired;
        final long id;

        Recording(final List<Long> fired, final long id)
        {
            this.fired = fired;
            this.id = id;
        }

        void onTimer(final long nowNs)
        {
            fired.add(id);
        }
    }

    @Test
    void firesInDeadlineOrderHonouringRescheduleAndCancel()
    {
        final TimerQueue q = new TimerQueue();
        final List<Long> fired = new ArrayList<>();
        final Random random = new Random(42);
        final Recording[] timers = new Recording[500];
        for (int i = 0; i < timers.length; i++)
        {
            timers[i] = new Recording(fired, i);
            q.schedule(timers[i], random.nextInt(10_000));
        }
        for (int i = 0; i < timers.length; i += 3)
        {
            q.schedule(timers[i], random.nextInt(10_000)); // move
        }
        for (int i = 1; i < timers.length; i += 7)
        {
            q.cancel(timers[i]);
            assertFalse(timers[i].isScheduled());
        }
        long last = Long.MIN_VALUE;
        int expected = q.size();
        assertEquals(expected, q.poll(Long.MAX_VALUE - 1));
        for (final long id : fired)
        {
            final long deadline = timers[(int)id].deadlineNs;
            if (deadline < last)
            {
                throw new AssertionError("out of order");
            }
            last = deadline;
        }
        assertEquals(Long.MAX_VALUE, q.nextDeadlineNs());
    }

    @Test
    void pollStopsAtNow()
    {
        final TimerQueue q = new TimerQueue();
        final List<Long> fired = new ArrayList<>();
        q.schedule(new Recording(fired, 1), 100);
        q.schedule(new Recording(fired, 2), 200);
        assertEquals(1, q.poll(150));
        assertEquals(List.of(1L), fired);
        assertEquals(200, q.nextDeadlineNs());
    }
}
