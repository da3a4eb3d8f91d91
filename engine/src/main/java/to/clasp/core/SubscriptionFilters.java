package to.clasp.core;

import java.util.ArrayList;
import java.util.Arrays;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;

/**
 * Subscription options {@code maxRate} and {@code epsilon}, per subscription and per address.
 * <ul>
 * <li>epsilon: a numeric update whose absolute change from the last <em>delivered</em> value is below epsilon is
 *     skipped (non-numeric values always pass);</li>
 * <li>maxRate: at most that many updates per second per address; an update inside the interval replaces the pending
 *     one (latest wins) and is delivered when the interval ends, so the final value always arrives.</li>
 * </ul>
 * Subscriptions without options have no filter and cost nothing (the fan-out checks a per-session counter first).
 * <p>
 * State is kept per (subscription, address), created on first use and <b>bounded</b>: a filter remembers at most
 * {@link Router.Context#maxFilterAddresses()} addresses. At the bound it forgets the least recently used address
 * that has nothing pending; forgetting one loses only its epsilon reference and maxRate interval, so its next update
 * is delivered as a first one would be. Entries holding a value back are never forgotten (they drain within one
 * maxRate interval); when every entry holds one, an update to yet another address is delivered at once and leaves no
 * state. So a {@code /**} subscription with options over a million addresses costs at most the bound, not a million
 * entries.
 * <p>
 * When several subscriptions of one session match an address, {@link FanOut} offers each update to every one of
 * them (each applies its own rule and keeps its own state) and the session gets it, once, if any lets it through
 * (or any matching subscription has no options). Whenever the session does get a value — at once or later from a
 * held-back one — every matching filter of that session records it as delivered ({@link Filter#delivered}): the
 * value epsilon compares against, the start of a new maxRate interval, and the end of anything it held back.
 */
final class SubscriptionFilters
{
    /** Spare entries kept for reuse across filters (beyond it, evicted entries go to the GC). */
    private static final int MAX_SPARE_ENTRIES = 1024;

    interface Delivery
    {
        /**
         * Deliver a deferred frame to the session now. The entry's address, type bit and value say what it was, so
         * the session's other filters on that address can count it as delivered.
         */
        void deliver(Entry entry, UnsafeBuffer frame, int length, int cls, int paramId);
    }

    /** One subscription's options and per-address state. */
    final class Filter
    {
        final int sessionIndex;
        final long intervalNs;     // 0 = no rate limit
        final double epsilon;      // NaN = none
        private final Long2ObjectHashMap<Entry> entries = new Long2ObjectHashMap<>();
        private int entryCount;
        /** Entries with nothing pending, most recently used first: the eviction order. */
        private Entry idleHead;
        private Entry idleTail;
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
        boolean offer(final Broadcast b)
        {
            final Entry e = entry(b.address);
            if (null == e)
            {
                return true; // at the bound with every entry holding a value back: deliver, keep no state
            }
            if (!Double.isNaN(epsilon) && b.numeric && e.hasLastValue && Math.abs(b.number - e.lastValue) < epsilon)
            {
                // Inside the dead-band of what the subscriber has: a pending (older) update is superseded too.
                e.nothingPending();
                return false;
            }
            if (intervalNs > 0 && e.sentOnce && b.nowNs - e.lastSentNs < intervalNs)
            {
                e.hold(b);
                timers.scheduleNoLaterThan(e, e.lastSentNs + intervalNs);
                return false;
            }
            e.sent(b.nowNs, b.numeric, b.number);
            return true;
        }

        /**
         * The session received this update (through this or another of its subscriptions): it is now the last
         * delivered value for epsilon, starts a new maxRate interval, and supersedes anything this filter held back
         * for the address (which is older), so nothing older or duplicate follows.
         */
        void delivered(final Broadcast b)
        {
            final Entry e = entry(b.address);
            if (null != e)
            {
                e.sent(b.nowNs, b.numeric, b.number);
            }
        }

        /** @return addresses this filter keeps state for (≤ the bound). */
        int entryCount()
        {
            return entryCount;
        }

        /** The address's entry, created on first use; null when at the bound with nothing to forget. */
        private Entry entry(final AddressView address)
        {
            final long hash = address.hash();
            Entry e = entries.get(hash);
            while (null != e && !e.sameAddress(address))
            {
                e = (Entry)e.nextInChain;
            }
            if (null != e)
            {
                if (0 == e.pendingLength)
                {
                    e.unlinkIdle();
                    e.linkIdleHead();
                }
                return e;
            }
            if (entryCount >= maxEntries)
            {
                if (null == idleTail)
                {
                    return null;
                }
                forget(idleTail);
            }
            e = newEntry(this);
            e.setAddress(address);
            e.nextInChain = entries.get(hash);
            entries.put(hash, e);
            entryCount++;
            e.linkIdleHead();
            return e;
        }

        /** Drop an entry with nothing pending. */
        private void forget(final Entry e)
        {
            e.unlinkIdle();
            final Entry head = entries.get(e.hash);
            if (head == e)
            {
                if (null == e.nextInChain)
                {
                    entries.remove(e.hash);
                }
                else
                {
                    entries.put(e.hash, (Entry)e.nextInChain);
                }
            }
            else
            {
                Entry p = head;
                while (p.nextInChain != e)
                {
                    p = (Entry)p.nextInChain;
                }
                p.nextInChain = e.nextInChain;
            }
            entryCount--;
            recycle(e);
        }

        void deactivate()
        {
            active = false;
            for (final Entry head : entries.values())
            {
                Entry x = head;
                while (null != x)
                {
                    final Entry next = (Entry)x.nextInChain;
                    timers.cancel(x);
                    recycle(x);
                    x = next;
                }
            }
            entries.clear();
            entryCount = 0;
            idleHead = null;
            idleTail = null;
        }
    }

    final class Entry extends AddressKey
    {
        Filter filter;
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
        private Entry idlePrev;
        private Entry idleNext;
        private boolean idle;

        /** Hold the message back until the interval ends (latest wins). */
        void hold(final Broadcast b)
        {
            pending = AddressKey.copy(pending, b.frame, b.frameOffset, b.frameLength);
            pendingLength = b.frameLength;
            pendingTypeBit = b.typeBit;
            pendingClass = b.cls;
            pendingParamId = b.paramId;
            pendingNumeric = b.numeric;
            pendingValue = b.number;
            unlinkIdle();
        }

        /** The session got a value now: the new epsilon reference and interval start; nothing older follows. */
        void sent(final long nowNs, final boolean numeric, final double value)
        {
            sentOnce = true;
            lastSentNs = nowNs;
            hasLastValue = numeric;
            lastValue = value;
            nothingPending();
        }

        void nothingPending()
        {
            timers.cancel(this);
            if (0 != pendingLength)
            {
                pendingLength = 0;
                linkIdleHead();
            }
        }

        void onTimer(final long nowNs)
        {
            if (!filter.active || 0 == pendingLength)
            {
                return;
            }
            final int length = pendingLength;
            sent(nowNs, pendingNumeric, pendingValue);
            delivery.deliver(this, pending, length, pendingClass, pendingParamId);
        }

        private void linkIdleHead()
        {
            idle = true;
            idlePrev = null;
            idleNext = filter.idleHead;
            if (null != idleNext)
            {
                idleNext.idlePrev = this;
            }
            else
            {
                filter.idleTail = this;
            }
            filter.idleHead = this;
        }

        private void unlinkIdle()
        {
            if (!idle)
            {
                return;
            }
            idle = false;
            if (null == idlePrev)
            {
                filter.idleHead = idleNext;
            }
            else
            {
                idlePrev.idleNext = idleNext;
            }
            if (null == idleNext)
            {
                filter.idleTail = idlePrev;
            }
            else
            {
                idleNext.idlePrev = idlePrev;
            }
            idlePrev = null;
            idleNext = null;
        }
    }

    private final TimerQueue timers;
    private final int maxEntries;
    private final ArrayList<Entry> spare = new ArrayList<>();
    private Delivery delivery;
    private Filter[] byHandle = new Filter[64];

    /**
     * @param maxEntries most addresses one filter keeps state for ({@link Router.Context#maxFilterAddresses()}).
     */
    SubscriptionFilters(final TimerQueue timers, final int maxEntries)
    {
        if (maxEntries < 1)
        {
            throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
        }
        this.timers = timers;
        this.maxEntries = maxEntries;
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

    private Entry newEntry(final Filter filter)
    {
        final Entry e = spare.isEmpty() ? new Entry() : spare.remove(spare.size() - 1);
        e.filter = filter;
        return e;
    }

    private void recycle(final Entry e)
    {
        e.filter = null;
        e.nextInChain = null;
        e.sentOnce = false;
        e.hasLastValue = false;
        e.pendingLength = 0;
        e.idle = false;
        e.idlePrev = null;
        e.idleNext = null;
        if (spare.size() < MAX_SPARE_ENTRIES)
        {
            spare.add(e);
        }
    }
}
