package to.clasp.core;

import java.util.ArrayList;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;
import to.clasp.address.SubscriptionIndex;

/**
 * Gesture move coalescing per (sender, address, gesture id) [better]: the first move of a gesture is forwarded at
 * once, then at most one move per interval (default 16 ms), latest wins; a pending move is flushed before the
 * gesture's END or CANCEL. START/END/CANCEL are forwarded at once. (The reference's trailing-edge debounce forwards
 * no move at all while a > 60 Hz stream lasts.) Each method gets the gesture's {@link Broadcast} (address, sender to
 * exclude, frame) as {@link PublishHandler} filled it.
 */
final class GestureCoalescer
{
    private final class Entry extends AddressKey
    {
        int senderIndex;
        long gestureId;
        boolean forwardedMove;
        long lastForwardNs;
        UnsafeBuffer pending;
        int pendingLength;

        void onTimer(final long nowNs)
        {
            flush(this, nowNs);
        }
    }

    private final TimerQueue timers;
    private final long intervalNs;
    private final FanOut fanOut;
    private final Long2ObjectHashMap<Entry> entries = new Long2ObjectHashMap<>();
    private final ArrayList<Entry> free = new ArrayList<>();
    /** A held-back move going out late. */
    private final Broadcast flushed = new Broadcast();
    private final AddressView flushedAddress = new AddressView();

    GestureCoalescer(final TimerQueue timers, final long intervalNs, final FanOut fanOut)
    {
        this.timers = timers;
        this.intervalNs = intervalNs;
        this.fanOut = fanOut;
    }

    /** START: forward now; a new gesture's first move goes out at once. */
    void start(final long gestureId, final Broadcast b)
    {
        final Entry e = find(b.excludeSession, gestureId, b.address);
        if (null != e)
        {
            // A restarted gesture: whatever was pending belonged to the previous one; deliver it first (FIFO).
            flush(e, b.nowNs);
            e.forwardedMove = false;
        }
        fanOut.broadcast(b);
    }

    /** MOVE: forward now if the interval allows, else hold as the pending move (latest wins). */
    void move(final long gestureId, final Broadcast b)
    {
        final int sender = b.excludeSession;
        Entry e = find(sender, gestureId, b.address);
        if (null == e)
        {
            e = create(sender, gestureId, b.address);
        }
        if (!e.forwardedMove || b.nowNs - e.lastForwardNs >= intervalNs)
        {
            e.pendingLength = 0;
            timers.cancel(e);
            e.forwardedMove = true;
            e.lastForwardNs = b.nowNs;
            fanOut.broadcast(b);
            return;
        }
        e.pending = AddressKey.copy(e.pending, b.frame, b.frameOffset, b.frameLength);
        e.pendingLength = b.frameLength;
        timers.scheduleNoLaterThan(e, e.lastForwardNs + intervalNs);
    }

    /** END or CANCEL: flush the pending move, then forward, then forget the gesture. */
    void end(final long gestureId, final Broadcast b)
    {
        final Entry e = find(b.excludeSession, gestureId, b.address);
        if (null != e)
        {
            flush(e, b.nowNs);
            release(e);
        }
        fanOut.broadcast(b);
    }

    /** Forget every gesture of a session that went away. */
    void removeSession(final int sender)
    {
        if (entries.isEmpty())
        {
            return;
        }
        final ArrayList<Entry> doomed = new ArrayList<>();
        for (final Entry head : entries.values())
        {
            for (Entry e = head; null != e; e = (Entry)e.nextInChain)
            {
                if (e.senderIndex == sender)
                {
                    doomed.add(e);
                }
            }
        }
        for (final Entry e : doomed)
        {
            release(e);
        }
    }

    int activeGestures()
    {
        int n = 0;
        for (final Entry head : entries.values())
        {
            for (Entry e = head; null != e; e = (Entry)e.nextInChain)
            {
                n++;
            }
        }
        return n;
    }

    private void flush(final Entry e, final long nowNs)
    {
        timers.cancel(e);
        if (e.pendingLength > 0)
        {
            final int length = e.pendingLength;
            e.pendingLength = 0;
            e.lastForwardNs = nowNs;
            fanOut.broadcast(flushed
                .to(e.viewAddress(flushedAddress), SubscriptionIndex.TYPE_GESTURE, e.senderIndex)
                .frame(e.pending, 0, length, Outbox.CLASS_STREAM, -1)
                .value(false, 0, nowNs));
        }
    }

    private static long key(final long addressHash, final int sender, final long gestureId)
    {
        return addressHash ^ (gestureId * 0x9E3779B97F4A7C15L) ^ ((long)sender << 40);
    }

    private Entry find(final int sender, final long gestureId, final AddressView address)
    {
        final long k = key(address.hash(), sender, gestureId);
        for (Entry e = entries.get(k); null != e; e = (Entry)e.nextInChain)
        {
            if (e.senderIndex == sender && e.gestureId == gestureId && e.sameAddress(address))
            {
                return e;
            }
        }
        return null;
    }

    private Entry create(final int sender, final long gestureId, final AddressView address)
    {
        final Entry e = free.isEmpty() ? new Entry() : free.remove(free.size() - 1);
        final long hash = address.hash();
        e.setAddress(address);
        e.senderIndex = sender;
        e.gestureId = gestureId;
        e.forwardedMove = false;
        e.pendingLength = 0;
        final long k = key(hash, sender, gestureId);
        e.nextInChain = entries.get(k);
        entries.put(k, e);
        return e;
    }

    private void release(final Entry e)
    {
        timers.cancel(e);
        final long k = key(e.hash, e.senderIndex, e.gestureId);
        Entry head = entries.get(k);
        if (head == e)
        {
            if (null == e.nextInChain)
            {
                entries.remove(k);
            }
            else
            {
                entries.put(k, (Entry)e.nextInChain);
            }
        }
        else
        {
            for (Entry p = head; null != p; p = (Entry)p.nextInChain)
            {
                if (p.nextInChain == e)
                {
                    p.nextInChain = e.nextInChain;
                    break;
                }
            }
        }
        e.nextInChain = null;
        e.pendingLength = 0;
        if (free.size() < 1024)
        {
            free.add(e);
        }
    }
}
