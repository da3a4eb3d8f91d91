package to.clasp.core;

import java.util.ArrayList;

import org.agrona.DirectBuffer;
import org.agrona.collections.IntHashSet;

/**
 * Puts finished frames into sessions' outbound queues, applies the slow-consumer policy, and signals each edge
 * connection once per core batch.
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
        if (CLASS_CONTROL != cls && (queued >= softLimit || (CLASS_PARAM == cls && s.hasConflatedParams())))
        {
            if (CLASS_PARAM == cls)
            {
                if (null == s.conflatedParams)
                {
                    s.conflatedParams = new IntHashSet();
                }
                s.conflatedParams.add(paramId);
                metrics.conflated();
            }
            else
            {
                metrics.dropped();
            }
            markCongested(s);
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

    void markCongested(final Session s)
    {
        if (!s.inCongestedList)
        {
            s.inCongestedList = true;
            congested.add(s);
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
        if (!s.readyPending)
        {
            s.readyPending = true;
            ready.add(s);
        }
        return true;
    }

    /**
     * @return sessions with pending conflated params or snapshot work; the core revisits them every cycle.
     */
    ArrayList<Session> congested()
    {
        return congested;
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
            s.readyPending = false;
            s.connection.outboundReady();
        }
        list.clear();
    }
}
