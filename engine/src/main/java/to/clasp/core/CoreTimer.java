package to.clasp.core;

/**
 * Something the core wants to do at a given time (HELLO timeout, idle probe, gesture flush, scheduled bundle,
 * rate-limited delivery, TTL sweep). Timers are long-lived objects rescheduled in place, so the steady state
 * allocates nothing; {@link TimerQueue} keeps them in a min-heap by deadline.
 */
abstract class CoreTimer
{
    long deadlineNs;
    int heapIndex = -1;

    /**
     * The deadline passed. The timer is no longer queued; it may reschedule itself.
     *
     * @param nowNs the core's current monotonic time.
     */
    abstract void onTimer(long nowNs);

    final boolean isScheduled()
    {
        return heapIndex >= 0;
    }
}
