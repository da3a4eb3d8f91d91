package to.clasp.core;

import org.agrona.DirectBuffer;

import to.clasp.address.MatchResult;
import to.clasp.address.SubscriptionIndex;
import to.clasp.protocol.ValueView;

/**
 * Encode once, fan out by copy: hands one finished frame to every matching session (at most once per session,
 * however many of its subscriptions match), honouring type masks, the sender exclusion for PUBLISH, and the
 * maxRate/epsilon options of subscriptions that have them.
 */
final class FanOut implements SubscriptionFilters.Delivery
{
    private final SubscriptionIndex subscriptions;
    private final SessionTable sessions;
    private final SubscriptionFilters filters;
    private final Outbox outbox;
    private final RouterMetrics metrics;

    FanOut(final SubscriptionIndex subscriptions, final SessionTable sessions, final SubscriptionFilters filters,
        final Outbox outbox, final RouterMetrics metrics)
    {
        this.subscriptions = subscriptions;
        this.sessions = sessions;
        this.filters = filters;
        this.outbox = outbox;
        this.metrics = metrics;
        filters.delivery(this);
    }

    /**
     * @param typeBit        type-mask bit of the signal (param 0x01, event 0x02, …).
     * @param excludeSession session index not to deliver to (the PUBLISH sender), or -1.
     * @param cls            {@link Outbox} class of the frame.
     * @param paramId        param id for CLASS_PARAM frames (conflation), else -1.
     * @param value          the value (for epsilon), or null.
     * @return how many sessions got (or will get) the frame.
     */
    int broadcast(final DirectBuffer address, final int addressOffset, final int addressLength, final int typeBit,
        final int excludeSession, final DirectBuffer frame, final int frameOffset, final int frameLength,
        final int cls, final int paramId, final ValueView value, final long nowNs)
    {
        final MatchResult m = subscriptions.match(address, addressOffset, addressLength);
        int delivered = 0;
        for (int i = 0, n = m.sessionCount(); i < n; i++)
        {
            if (!m.sessionAccepts(i, typeBit))
            {
                continue;
            }
            final int sessionIndex = m.session(i);
            if (sessionIndex == excludeSession)
            {
                continue;
            }
            final Session s = sessions.byIndex(sessionIndex);
            if (null == s || !s.isOpen())
            {
                continue;
            }
            if (s.filteredSubscriptions > 0 && !passesFilters(m, i, typeBit, address, addressOffset, addressLength,
                value, frame, frameOffset, frameLength, cls, paramId, nowNs))
            {
                continue;
            }
            outbox.send(s, frame, frameOffset, frameLength, cls, paramId);
            delivered++;
        }
        metrics.fanOut(delivered);
        return delivered;
    }

    /**
     * A session with several matching subscriptions gets the frame if any unfiltered one allows the type; otherwise
     * the first filtered one decides.
     */
    private boolean passesFilters(final MatchResult m, final int i, final int typeBit, final DirectBuffer address,
        final int addressOffset, final int addressLength, final ValueView value, final DirectBuffer frame,
        final int frameOffset, final int frameLength, final int cls, final int paramId, final long nowNs)
    {
        SubscriptionFilters.Filter first = null;
        final int start = m.sessionFirstSubscription(i);
        for (int j = start, end = start + m.sessionSubscriptionCount(i); j < end; j++)
        {
            if ((m.subscriptionTypeMask(j) & typeBit) == 0)
            {
                continue;
            }
            final SubscriptionFilters.Filter f = filters.get(m.subscription(j));
            if (null == f)
            {
                return true;
            }
            if (null == first)
            {
                first = f;
            }
        }
        return null == first || first.offer(nowNs, address, addressOffset, addressLength, value, frame,
            frameOffset, frameLength, cls, paramId);
    }

    /**
     * Does any of a session's subscriptions match the address for this type? (Used before flushing conflated
     * params, whose ids may have been reused.)
     */
    boolean sessionSubscribed(final int sessionIndex, final DirectBuffer address, final int offset, final int length,
        final int typeBit)
    {
        final MatchResult m = subscriptions.match(address, offset, length);
        for (int i = 0, n = m.sessionCount(); i < n; i++)
        {
            if (m.session(i) == sessionIndex)
            {
                return m.sessionAccepts(i, typeBit);
            }
        }
        return false;
    }

    public void deliver(final int sessionIndex, final DirectBuffer frame, final int length, final int cls,
        final int paramId)
    {
        final Session s = sessions.byIndex(sessionIndex);
        if (null != s && s.isOpen())
        {
            outbox.send(s, frame, 0, length, cls, paramId);
        }
    }
}
