package to.clasp.core;

import java.util.ArrayList;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Gesture move coalescing per (sender, address, gesture id) [better]: the first move of a gesture is forwarded at
 * once, then at most one move per interval (default 16 ms), latest wins; a pending move is flushed before the
 * gesture's END or CANCEL. START/END/CANCEL are forwarded at once. (The reference's trailing-edge debounce forwards
 * no move at all while a > 60 Hz stream lasts.)
 */
final class GestureCoalescer
{
    interface Forwarder
    {
        /** Fan a gesture frame out (excluding the sender). */
        void forward(int senderIndex, DirectBuffer address, int addressOffset, int addressLength,
            DirectBuffer frame, int frameOffset, int frameLength, boolean move, long nowNs);
    }

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
    private final Long2ObjectHashMap<Entry> entries = new Long2ObjectHashMap<>();
    private final ArrayList<Entry> free = new ArrayList<>();
    private Forwarder forwarder;

    GestureCoalescer(final TimerQueue timers, final long intervalNs)
    {
        this.timers = timers;
        this.intervalNs = intervalNs;
    }

    void forwarder(final Forwarder forwarder)
    {
        this.forwarder = forwarder;
    }

    /** START: forward now; a new gesture's first move goes out at once. */
    void start(final int sender, final long gestureId, final DirectBuffer address, final int addressOffset,
        final int addressLength, final DirectBuffer frame, final int frameOffset, final int frameLength,
        final long nowNs)
    {
        final Entry e = find(sender, gestureId, address, addressOffset, addressLength);
        if (null != e)
        {
            // A restarted gesture: whatever was pending belonged to the previous one; deliver it first (FIFO).
            flush(e, nowNs);
            e.forwardedMove = false;
        }
        forwarder.forward(sender, address, addressOffset, addressLength, frame, frameOffset, frameLength, false,
            nowNs);
    }

    /** MOVE: forward now if the interval allows, else hold as the pending move (latest wins). */
    void move(final int sender, final long gestureId, final DirectBuffer address, final int addressOffset,
        final int addressLength, final DirectBuffer frame, final int frameOffset, final int frameLength,
        final long nowNs)
    {
        Entry e = find(sender, gestureId, address, addressOffset, addressLength);
        if (null == e)
        {
            e = create(sender, gestureId, address, addressOffset, addressLength);
        }
        if (!e.forwardedMove || nowNs - e.lastForwardNs >= intervalNs)
        {
            e.pendingLength = 0;
            timers.cancel(e);
            e.forwardedMove = true;
            e.lastForwardNs = nowNs;
            forwarder.forward(sender, address, addressOffset, addressLength, frame, frameOffset, frameLength, true,
                nowNs);
            return;
        }
        e.pending = AddressKey.copy(e.pending, frame, frameOffset, frameLength);
        e.pendingLength = frameLength;
        timers.scheduleNoLaterThan(e, e.lastForwardNs + intervalNs);
    }

    /** END or CANCEL: flush the pending move, then forward, then forget the gesture. */
    void end(final int sender, final long gestureId, final DirectBuffer address, final int addressOffset,
        final int addressLength, final DirectBuffer frame, final int frameOffset, final int frameLength,
        final long nowNs)
    {
        final Entry e = find(sender, gestureId, address, addressOffset, addressLength);
        if (null != e)
        {
            flush(e, nowNs);
            release(e);
        }
        forwarder.forward(sender, address, addressOffset, addressLength, frame, frameOffset, frameLength, false,
            nowNs);
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
            forwarder.forward(e.senderIndex, e.address, 0, e.addressLength, e.pending, 0, length, true, nowNs);
        }
    }

    private static long key(final long addressHash, final int sender, final long gestureId)
    {
        return addressHash ^ (gestureId * 0x9E3779B97F4A7C15L) ^ ((long)sender << 40);
    }

    private Entry find(final int sender, final long gestureId, final DirectBuffer address, final int offset,
        final int length)
    {
        final long k = key(AddressKey.hash(address, offset, length), sender, gestureId);
        for (Entry e = entries.get(k); null != e; e = (Entry)e.nextInChain)
        {
            if (e.senderIndex == sender && e.gestureId == gestureId && e.sameAddress(address, offset, length))
            {
                return e;
            }
        }
        return null;
    }

    private Entry create(final int sender, final long gestureId, final DirectBuffer address, final int offset,
        final int length)
    {
        final Entry e = free.isEmpty() ? new Entry() : free.remove(free.size() - 1);
        final long hash = AddressKey.hash(address, offset, length);
        e.setAddress(address, offset, length, hash);
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
