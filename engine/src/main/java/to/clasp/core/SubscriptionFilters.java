package to.clasp.core;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.protocol.ValueView;

/**
 * Subscription options {@code maxRate} and {@code epsilon}, per subscription and per address.
 * <ul>
 * <li>epsilon: a numeric update whose absolute change from the last <em>delivered</em> value is below epsilon is
 *     skipped (non-numeric values always pass);</li>
 * <li>maxRate: at most that many updates per second per address; an update inside the interval replaces the pending
 *     one (latest wins) and is delivered when the interval ends, so the final value always arrives.</li>
 * </ul>
 * Subscriptions without options have no filter and cost nothing (the fan-out checks a per-session counter first).
 * State is created per (subscription, address) on first use; it lives until the subscription goes.
 * <p>
 * When several subscriptions of one session match an address, {@link FanOut} offers each update to every one of
 * them (each applies its own rule and keeps its own state) and the session gets it, once, if any lets it through
 * (or any matching subscription has no options). Whenever the session does get a value — at once or later from a
 * held-back one — every matching filter of that session records it as delivered ({@link Filter#delivered}): the
 * value epsilon compares against, the start of a new maxRate interval, and the end of anything it held back.
 */
final class SubscriptionFilters
{
    interface Delivery
    {
        /**
         * Deliver a deferred frame to the session now. The entry's address, type bit and value say what it was, so
         * the session's other filters on that address can count it as delivered.
         */
        void deliver(Entry entry, DirectBuffer frame, int length, int cls, int paramId);
    }

    /** One subscription's options and per-address state. */
    final class Filter
    {
        final int sessionIndex;
        final long intervalNs;     // 0 = no rate limit
        final double epsilon;      // NaN = none
        final Long2ObjectHashMap<Entry> entries = new Long2ObjectHashMap<>();
        boolean active = true;

        Filter(final int sessionIndex, final long maxRate, final double epsilon)
        {
            this.sessionIndex = sessionIndex;
            this.intervalNs = maxRate > 0 ? Math.max(1, 1_000_000_000L / maxRate) : 0;
            this.epsilon = epsilon;
        }

        /**
         * @return {@code true} to deliver now; {@code false} if skipped or deferred.
         */
        boolean offer(final long nowNs, final DirectBuffer address, final int addressOffset, final int addressLength,
            final int typeBit, final ValueView value, final DirectBuffer frame, final int frameOffset,
            final int frameLength, final int cls, final int paramId)
        {
            final Entry e = entry(address, addressOffset, addressLength);
            final boolean numeric = null != value && value.isNumeric();
            final double v = numeric ? value.asDouble() : 0;
            if (!Double.isNaN(epsilon) && numeric && e.hasLastValue && Math.abs(v - e.lastValue) < epsilon)
            {
                // Inside the dead-band of what the subscriber has: a pending (older) update is superseded too.
                e.pendingLength = 0;
                timers.cancel(e);
                return false;
            }
            if (intervalNs > 0 && e.sentOnce && nowNs - e.lastSentNs < intervalNs)
            {
                e.pending = AddressKey.copy(e.pending, frame, frameOffset, frameLength);
                e.pendingLength = frameLength;
                e.pendingTypeBit = typeBit;
                e.pendingClass = cls;
                e.pendingParamId = paramId;
                e.pendingNumeric = numeric;
                e.pendingValue = v;
                timers.scheduleNoLaterThan(e, e.lastSentNs + intervalNs);
                return false;
            }
            e.sentOnce = true;
            e.lastSentNs = nowNs;
            e.hasLastValue = numeric;
            e.lastValue = v;
            e.pendingLength = 0;
            timers.cancel(e);
            return true;
        }

        /**
         * The session received this update (through this or another of its subscriptions): it is now the last
         * delivered value for epsilon, starts a new maxRate interval, and supersedes anything this filter held back
         * for the address (which is older), so nothing older or duplicate follows.
         */
        void delivered(final long nowNs, final DirectBuffer address, final int addressOffset, final int addressLength,
            final boolean numeric, final double value)
        {
            final Entry e = entry(address, addressOffset, addressLength);
            e.sentOnce = true;
            e.lastSentNs = nowNs;
            e.hasLastValue = numeric;
            e.lastValue = value;
            e.pendingLength = 0;
            timers.cancel(e);
        }

        private Entry entry(final DirectBuffer address, final int addressOffset, final int addressLength)
        {
            final long hash = AddressKey.hash(address, addressOffset, addressLength);
            Entry e = entries.get(hash);
            while (null != e && !e.sameAddress(address, addressOffset, addressLength))
            {
                e = (Entry)e.nextInChain;
            }
            if (null == e)
            {
                e = new Entry(this);
                e.setAddress(address, addressOffset, addressLength, hash);
                e.nextInChain = entries.get(hash);
                entries.put(hash, e);
            }
            return e;
        }

        void deactivate()
        {
            active = false;
            for (final Entry e : entries.values())
            {
                Entry x = e;
                while (null != x)
                {
                    timers.cancel(x);
                    x = (Entry)x.nextInChain;
                }
            }
            entries.clear();
        }
    }

    final class Entry extends AddressKey
    {
        final Filter filter;
        boolean sentOnce;
        long lastSentNs;
        boolean hasLastValue;
        double lastValue;
        UnsafeBuffer pending;
        int pendingLength;
        int pendingTypeBit;
        int pendingClass;
        int pendingParamId;
        boolean pendingNumeric;
        double pendingValue;

        Entry(final Filter filter)
        {
            this.filter = filter;
        }

        void onTimer(final long nowNs)
        {
            if (!filter.active || 0 == pendingLength)
            {
                return;
            }
            final int length = pendingLength;
            pendingLength = 0;
            sentOnce = true;
            lastSentNs = nowNs;
            hasLastValue = pendingNumeric;
            lastValue = pendingValue;
            delivery.deliver(this, pending, length, pendingClass, pendingParamId);
        }
    }

    private final TimerQueue timers;
    private Delivery delivery;
    private Filter[] byHandle = new Filter[64];

    SubscriptionFilters(final TimerQueue timers)
    {
        this.timers = timers;
    }

    void delivery(final Delivery delivery)
    {
        this.delivery = delivery;
    }

    /**
     * Set the options of a (new or replaced) subscription handle.
     *
     * @return {@code true} if the subscription has a filter.
     */
    boolean register(final int handle, final int sessionIndex, final long maxRate, final double epsilon)
    {
        clear(handle);
        if (maxRate <= 0 && Double.isNaN(epsilon))
        {
            return false;
        }
        if (handle >= byHandle.length)
        {
            byHandle = Arrays.copyOf(byHandle, Math.max(handle + 1, byHandle.length * 2));
        }
        byHandle[handle] = new Filter(sessionIndex, maxRate, epsilon);
        return true;
    }

    /**
     * Drop a handle's filter (subscription removed or replaced).
     *
     * @return {@code true} if it had one.
     */
    boolean clear(final int handle)
    {
        if (handle >= 0 && handle < byHandle.length && null != byHandle[handle])
        {
            byHandle[handle].deactivate();
            byHandle[handle] = null;
            return true;
        }
        return false;
    }

    Filter get(final int handle)
    {
        return handle >= 0 && handle < byHandle.length ? byHandle[handle] : null;
    }
}
