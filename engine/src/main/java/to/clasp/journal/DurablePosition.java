package to.clasp.journal;

/**
 * How far the journal is safely on disk (per the {@link FsyncPolicy}), published by the journal thread and polled by
 * the core once per duty cycle, so the core never waits for a sync: it asks to be woken when the position it needs is
 * reached ({@link #wakeWhenReached}) and goes on with other work.
 * <p>
 * The wake-up is race-free without locks (Dekker style): the core writes the position it wants, then re-reads
 * {@link #get()}; the journal thread writes the new durable position, then reads the wanted one. Whichever runs second
 * sees the other's write, so a needed wake-up is never lost.
 */
public final class DurablePosition
{
    private volatile long durable;
    /** {@link System#nanoTime()} when the journal thread last advanced {@link #durable}. */
    private volatile long advancedAtNs = System.nanoTime();
    private volatile long wakeAt = Long.MAX_VALUE;
    private volatile Runnable waker;
    private volatile Runnable syncWaker;
    private volatile String failure;

    DurablePosition(final long initial)
    {
        this.durable = initial;
    }

    /** @return the journal position up to which every record is durable (any thread). */
    public long get()
    {
        return durable;
    }

    /**
     * Core thread: run the waker once the durable position reaches {@code position}. Replaces an earlier request.
     * A position not yet durable also tells the journal thread, which syncs at once for an awaited position
     * ({@link #awaited()}) even when it was parked waiting out the window.
     *
     * @return whether it is already reached (then no wake-up is scheduled).
     */
    public boolean wakeWhenReached(final long position)
    {
        wakeAt = position;
        if (durable >= position)
        {
            wakeAt = Long.MAX_VALUE;
            return true;
        }
        final Runnable s = syncWaker;
        if (null != s)
        {
            s.run();
        }
        return false;
    }

    /**
     * @param syncWaker what wakes the journal thread when the core starts waiting for a position (cheap when the journal
     *                  thread is not parked); set once by the journal, before use.
     */
    void syncWaker(final Runnable syncWaker)
    {
        this.syncWaker = syncWaker;
    }

    /**
     * @return whether the core holds an answer that waits for a position not yet durable (any thread): under
     * {@code batch} that makes a sync due at once instead of at the end of the window.
     */
    public boolean awaited()
    {
        final long wanted = wakeAt;
        return Long.MAX_VALUE != wanted && wanted > durable;
    }

    /** @param waker what wakes the core (cheap when the core is busy); set once, before use. */
    public void waker(final Runnable waker)
    {
        this.waker = waker;
    }

    /**
     * @return why the journal stopped (disk full, I/O error, a failed sync), or null while it works. Once set it
     * stays: nothing appended after the failure will ever be durable, so the core refuses state changes and answers
     * the ACKs it holds with an error.
     */
    public String failure()
    {
        return failure;
    }

    /** Journal thread: the journal can no longer make records durable; wakes the core so it answers what it holds. */
    void fail(final String reason)
    {
        if (null == failure)
        {
            failure = reason;
            final Runnable w = waker;
            if (null != w)
            {
                w.run();
            }
        }
    }

    /**
     * @return {@link System#nanoTime()} when the durable position last advanced (the end of the latest sync): read
     * after {@link #get()}, it is no earlier than the sync that made that position durable.
     */
    public long advancedAtNs()
    {
        return advancedAtNs;
    }

    /** Journal thread: everything before {@code position} is durable now. */
    void advance(final long position)
    {
        advancedAtNs = System.nanoTime();
        durable = position;
        if (position >= wakeAt)
        {
            wakeAt = Long.MAX_VALUE;
            final Runnable w = waker;
            if (null != w)
            {
                w.run();
            }
        }
    }
}
