package to.clasp.transport.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import org.agrona.DirectBuffer;

import to.clasp.address.Pattern;

/**
 * One MQTT session's subscriptions: topic filter → CLASP subscription id, pattern and MQTT options. The core matches
 * and sends each update once per session whatever the number of its matching subscriptions; this finds what MQTT
 * needs on top — the QoS to deliver at (the highest granted among the matching subscriptions), the retain flag
 * (v5 Retain As Published) and whether the message is wanted at all (No Local for the client's own retained
 * writes, Retain Handling for the retained messages a SUBSCRIBE brings). When every subscription has the same QoS and
 * no options, no matching is done at all.
 */
final class Subscriptions
{
    /** One subscription. */
    static final class Subscription
    {
        final String filter;
        final long id;
        final Pattern pattern;
        final int qos;
        final boolean noLocal;
        final boolean retainAsPublished;
        /** v5 Retain Handling 2, or 1 on an existing subscription: retained messages are not wanted through it. */
        final boolean noRetained;

        Subscription(final String filter, final long id, final Pattern pattern, final int qos, final boolean noLocal,
            final boolean retainAsPublished, final boolean noRetained)
        {
            this.filter = filter;
            this.id = id;
            this.pattern = pattern;
            this.qos = qos;
            this.noLocal = noLocal;
            this.retainAsPublished = retainAsPublished;
            this.noRetained = noRetained;
        }
    }

    /** Delivery decision: no match. */
    static final int NONE = -1;

    private final Map<String, Subscription> byFilter = new LinkedHashMap<>();
    private final ArrayList<Subscription> list = new ArrayList<>();
    private long nextId = 1;
    private boolean uniform = true;
    private int uniformQos;
    private boolean anyNoLocal;
    private boolean anyQos;
    // Result of the last match.
    private boolean matchedRetainAsPublished;

    Subscription get(final String filter)
    {
        return byFilter.get(filter);
    }

    /**
     * @return the id to use for this filter: its existing subscription's, else a new one.
     */
    long idFor(final String filter)
    {
        final Subscription existing = byFilter.get(filter);
        return existing != null ? existing.id : nextId++;
    }

    void put(final Subscription s)
    {
        byFilter.put(s.filter, s);
        refresh();
    }

    Subscription remove(final String filter)
    {
        final Subscription s = byFilter.remove(filter);
        if (s != null)
        {
            refresh();
        }
        return s;
    }

    /** Remove the subscription with this id if it is still the filter's (a failed SUBSCRIBE). */
    void removeIfId(final String pattern, final long id)
    {
        for (final Subscription s : list)
        {
            if (s.id == id && s.pattern.text().equals(pattern))
            {
                remove(s.filter);
                return;
            }
        }
    }

    Subscription byPattern(final String pattern)
    {
        for (final Subscription s : list)
        {
            if (s.pattern.text().equals(pattern))
            {
                return s;
            }
        }
        return null;
    }

    boolean isEmpty()
    {
        return byFilter.isEmpty();
    }

    /** @return whether some subscription delivers above QoS 0 (packet ids and acknowledgements are needed). */
    boolean anyQos()
    {
        return anyQos;
    }

    boolean anyNoLocal()
    {
        return anyNoLocal;
    }

    Iterable<Subscription> all()
    {
        return list;
    }

    private void refresh()
    {
        list.clear();
        list.addAll(byFilter.values());
        uniform = true;
        anyNoLocal = false;
        anyQos = false;
        uniformQos = list.isEmpty() ? 0 : list.get(0).qos;
        for (final Subscription s : list)
        {
            anyNoLocal |= s.noLocal;
            anyQos |= s.qos > 0;
            if (s.qos != uniformQos || s.noLocal || s.retainAsPublished || s.noRetained)
            {
                uniform = false;
            }
        }
    }

    /**
     * The QoS to deliver an update at, or {@link #NONE} when no subscription wants it.
     *
     * @param retained  a retained message a SUBSCRIBE brought (a SNAPSHOT entry).
     * @param ownEcho   the client's own retained write coming back (No Local applies).
     */
    int deliveryQos(final DirectBuffer address, final int offset, final int length, final boolean retained,
        final boolean ownEcho)
    {
        matchedRetainAsPublished = false;
        if (uniform)
        {
            return list.isEmpty() ? NONE : uniformQos;
        }
        int qos = NONE;
        for (int i = 0, n = list.size(); i < n; i++)
        {
            final Subscription s = list.get(i);
            if (retained && s.noRetained || ownEcho && s.noLocal || !s.pattern.matches(address, offset, length))
            {
                continue;
            }
            qos = Math.max(qos, s.qos);
            matchedRetainAsPublished |= s.retainAsPublished;
        }
        return qos;
    }

    /** @return whether a subscription matched by the last {@link #deliveryQos} asked for Retain As Published. */
    boolean retainAsPublished()
    {
        return matchedRetainAsPublished;
    }
}
