package to.clasp.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;
import to.clasp.address.MatchResult;
import to.clasp.address.SubscriptionIndex;

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
    /** A held-back frame being delivered late, as a broadcast to mark the session's other filters with. */
    private final Broadcast deferred = new Broadcast();
    private final AddressView deferredAddress = new AddressView();

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
     * @return how many sessions got (or will get) the frame.
     */
    int broadcast(final Broadcast b)
    {
        final MatchResult m = subscriptions.match(b.address);
        int delivered = 0;
        for (int i = 0, n = m.sessionCount(); i < n; i++)
        {
            if (!m.sessionAccepts(i, b.typeBit))
            {
                continue;
            }
            final int sessionIndex = m.session(i);
            if (sessionIndex == b.excludeSession)
            {
                continue;
            }
            final Session s = sessions.byIndex(sessionIndex);
            if (null == s || !s.isOpen())
            {
                continue;
            }
            if (s.filteredSubscriptions > 0 && !passesFilters(m, i, b))
            {
                continue;
            }
            outbox.send(s, b.frame, b.frameOffset, b.frameLength, b.cls, b.paramId);
            delivered++;
        }
        metrics.fanOut(delivered);
        return delivered;
    }

    /**
     * A session with several matching subscriptions (allowing the type) gets the frame if ANY of them would deliver
     * it now: one without options, or a filtered one whose rule lets it through. Unless one without options already
     * decided it, every filter is offered the update (so each keeps its own epsilon/maxRate state by its own rule);
     * when the frame goes, all of the session's matching filters record it as delivered, so none later sends an
     * older value it held back.
     */
    private boolean passesFilters(final MatchResult m, final int i, final Broadcast b)
    {
        final int start = m.sessionFirstSubscription(i);
        final int end = start + m.sessionSubscriptionCount(i);
        boolean deliver = false;
        boolean anyFiltered = false;
        for (int j = start; j < end; j++)
        {
            if ((m.subscriptionTypeMask(j) & b.typeBit) != 0)
            {
                if (null == filters.get(m.subscription(j)))
                {
                    deliver = true;
                }
                else
                {
                    anyFiltered = true;
                }
            }
        }
        if (!deliver)
        {
            for (int j = start; j < end; j++)
            {
                if ((m.subscriptionTypeMask(j) & b.typeBit) != 0 && filters.get(m.subscription(j)).offer(b))
                {
                    deliver = true;
                }
            }
        }
        if (deliver && anyFiltered)
        {
            markDelivered(m, i, b);
        }
        return deliver;
    }

    private void markDelivered(final MatchResult m, final int i, final Broadcast b)
    {
        final int start = m.sessionFirstSubscription(i);
        for (int j = start, end = start + m.sessionSubscriptionCount(i); j < end; j++)
        {
            if ((m.subscriptionTypeMask(j) & b.typeBit) != 0)
            {
                final SubscriptionFilters.Filter f = filters.get(m.subscription(j));
                if (null != f)
                {
                    f.delivered(b);
                }
            }
        }
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

    public void deliver(final SubscriptionFilters.Entry entry, final UnsafeBuffer frame, final int length,
        final int cls, final int paramId)
    {
        final int sessionIndex = entry.filter.sessionIndex;
        final Session s = sessions.byIndex(sessionIndex);
        if (null == s || !s.isOpen())
        {
            return;
        }
        outbox.send(s, frame, 0, length, cls, paramId);
        // The session now has this value: the other filters of the session on this address count it as delivered
        // (and drop the same value if they held it back too).
        final Broadcast b = deferred
            .to(entry.viewAddress(deferredAddress), entry.pendingTypeBit, -1)
            .frame(frame, 0, length, cls, paramId)
            .value(entry.pendingNumeric, entry.pendingValue, entry.lastSentNs);
        final MatchResult m = subscriptions.match(b.address);
        for (int i = 0, n = m.sessionCount(); i < n; i++)
        {
            if (m.session(i) == sessionIndex)
            {
                markDelivered(m, i, b);
                break;
            }
        }
    }
}
