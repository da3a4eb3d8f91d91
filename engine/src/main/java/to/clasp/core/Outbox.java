package to.clasp.core;

import java.util.ArrayList;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntHashSet;

/**
 * Puts finished frames into sessions' outbound queues, applies the slow-consumer policy, and signals each edge
 * connection once per core batch. It is the one owner of every session's outbound state ({@link Session#outbound}):
 * whether the session is to be signalled, whether it is to be revisited, which params it holds back. Other classes
 * use its API — {@link #revisitLater}, {@link #resumeCongested}, {@link #resendConflated} — and never touch that
 * state or the list of congested sessions.
 * <p>
 * Slow-consumer policy, by the recipient's queued bytes:
 * <ul>
 * <li>below the soft limit: everything is queued;</li>
 * <li>at or above the soft limit (or while conflated params are still pending): param updates are conflated — only
 *     the param id is remembered, and its latest value is sent when the queue drains below the soft limit again;
 *     streams and gesture moves are dropped; events, replies and errors are still queued;</li>
 * <li>a frame that would take the queue past the hard limit: ERROR 503 (best effort, into the queue's reserve) and
 *     the session is closed with code 1008. Other sessions never wait for a slow one.</li>
 * </ul>
 */
final class Outbox
{
    /** Replies, errors, snapshots, events, timelines: kept until the hard limit. */
    static final int CLASS_CONTROL = 0;
    /** Param updates: conflated per address when congested. */
    static final int CLASS_PARAM = 1;
    /** Streams and gesture moves: dropped first when congested. */
    static final int CLASS_STREAM = 2;

    interface SlowConsumerHandler
    {
        void onHardLimit(Session session);
    }

    /** Work a congested session resumes at the end of a cycle (snapshots, conflated params). */
    interface Resumer
    {
        /**
         * @return {@code true} when the session has nothing left to resume (it leaves the congested list).
         */
        boolean resume(Session s);
    }

    /** Re-sends the current value of one param a congested session held back. */
    interface ConflatedSender
    {
        void resend(Session s, int paramId);
    }

    /**
     * A session's outbound state. Its fields are private: only {@link Outbox} reads and writes them.
     */
    static final class State
    {
        /** Frames were queued in this batch: the edge is signalled at the end of it. */
        private boolean readyPending;
        /** In {@link #congested}: revisited at the end of every cycle. */
        private boolean congested;
        /** Params held back while the session was congested (ids), sent again when it drains. */
        private IntHashSet conflatedParams;

        private boolean hasConflatedParams()
        {
            return null != conflatedParams && !conflatedParams.isEmpty();
        }
    }

    private final RouterMetrics metrics;
    private final long softLimit;
    private final long hardLimit;
    private final ArrayList<Session> ready = new ArrayList<>();
    private final ArrayList<Session> congested = new ArrayList<>();
    private SlowConsumerHandler slowConsumerHandler;

    Outbox(final RouterMetrics metrics, final long softLimit, final long hardLimit)
    {
        this.metrics = metrics;
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
    }

    void slowConsumerHandler(final SlowConsumerHandler handler)
    {
        this.slowConsumerHandler = handler;
    }

    /**
     * Queue a frame for one session under the slow-consumer policy.
     *
     * @param paramId the param a CLASS_PARAM frame updates (for conflation); ignored otherwise.
     * @return {@code true} if the frame was queued.
     */
    boolean send(final Session s, final DirectBuffer frame, final int offset, final int length, final int cls,
        final int paramId)
    {
        if (s.isGone())
        {
            return false;
        }
        final long queued = s.queue.queuedBytes();
        final State state = s.outbound;
        if (CLASS_CONTROL != cls && (queued >= softLimit || (CLASS_PARAM == cls && state.hasConflatedParams())))
        {
            if (CLASS_PARAM == cls)
            {
                if (null == state.conflatedParams)
                {
                    state.conflatedParams = new IntHashSet();
                }
                state.conflatedParams.add(paramId);
                metrics.conflated();
            }
            else
            {
                metrics.dropped();
            }
            revisitLater(s);
            return false;
        }
        if (queued + length > hardLimit)
        {
            metrics.dropped();
            slowConsumerHandler.onHardLimit(s);
            return false;
        }
        return enqueue(s, frame, offset, length);
    }

    /**
     * Queue a frame ignoring the soft limit and the hard limit (used for the last ERROR before a close, which may
     * use the queue's reserve). Still refused if the queue's capacity is exhausted.
     */
    boolean sendFinal(final Session s, final DirectBuffer frame, final int offset, final int length)
    {
        return enqueue(s, frame, offset, length);
    }

    /**
     * @return {@code true} when the session is below the soft limit (snapshot and conflation flushes continue).
     */
    boolean hasRoom(final Session s)
    {
        return s.queue.queuedBytes() < softLimit;
    }

    /**
     * The session has work waiting for room in its queue or for a budget (snapshot, replay): revisit it at the end
     * of every cycle until its {@link Resumer} says it is done.
     */
    void revisitLater(final Session s)
    {
        final State state = s.outbound;
        if (!state.congested)
        {
            state.congested = true;
            congested.add(s);
        }
    }

    /**
     * @return whether any session waits to be revisited (the core then re-checks at least every millisecond).
     */
    boolean hasCongested()
    {
        return !congested.isEmpty();
    }

    /**
     * End of a cycle: let every congested session that has room again resume its work; a session that is done (or
     * gone) leaves the list.
     */
    void resumeCongested(final Resumer resumer)
    {
        final ArrayList<Session> list = congested;
        for (int i = list.size() - 1; i >= 0; i--)
        {
            final Session s = list.get(i);
            boolean done = s.isGone();
            if (!done && hasRoom(s))
            {
                done = resumer.resume(s) && hasRoom(s);
            }
            if (done)
            {
                s.outbound.congested = false;
                final int last = list.size() - 1;
                list.set(i, list.get(last));
                list.remove(last);
            }
        }
    }

    /**
     * Hand the params the session held back to {@code sender}, one at a time, while its queue has room.
     *
     * @return {@code true} when nothing is left pending (or the session is gone).
     */
    boolean resendConflated(final Session s, final ConflatedSender sender)
    {
        final IntHashSet pending = s.outbound.conflatedParams;
        if (null == pending || pending.isEmpty())
        {
            return true;
        }
        final IntHashSet.IntIterator it = pending.iterator();
        while (it.hasNext())
        {
            if (!hasRoom(s) || s.isGone())
            {
                return s.isGone();
            }
            final int id = it.nextValue();
            it.remove();
            sender.resend(s, id);
        }
        return true;
    }

    /**
     * The session is torn down: forget what it held back. (It leaves the congested list at the next
     * {@link #resumeCongested}, being gone.)
     */
    void forget(final Session s)
    {
        final IntHashSet pending = s.outbound.conflatedParams;
        if (null != pending)
        {
            pending.clear();
        }
    }

    private boolean enqueue(final Session s, final DirectBuffer frame, final int offset, final int length)
    {
        if (!s.queue.offer(frame, offset, length))
        {
            metrics.dropped();
            return false;
        }
        metrics.frameOut(length);
        final State state = s.outbound;
        if (!state.readyPending)
        {
            state.readyPending = true;
            ready.add(s);
        }
        return true;
    }

    /**
     * Signal every connection that got frames during this batch, once.
     */
    void signalReady()
    {
        final ArrayList<Session> list = ready;
        for (int i = 0, n = list.size(); i < n; i++)
        {
            final Session s = list.get(i);
            s.outbound.readyPending = false;
            s.connection.outboundReady();
        }
        list.clear();
    }
}
