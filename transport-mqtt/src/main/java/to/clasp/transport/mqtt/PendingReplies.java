package to.clasp.transport.mqtt;

import java.util.ArrayDeque;
import java.util.Iterator;

import org.agrona.DirectBuffer;

/**
 * MQTT requests waiting for the core's verdict, answered to the client in the order they arrived (MQTT wants
 * PUBACKs and PUBRECs in PUBLISH order). The core answers CLASP frames in the order it handles them, per session,
 * and only some of them at all, so each kind is resolved by what the core does send:
 * <ul>
 *     <li>a retained PUBLISH (CLASP SET at QoS 1): by its ACK (the write is stored; with a journal, recorded) or by
 *     an ERROR naming its address;</li>
 *     <li>a non-retained PUBLISH (CLASP PUBLISH), a SUBSCRIBE, a PINGREQ: by an ERROR naming the address (or pattern),
 *     or else by the PONG of the CLASP PING the edge sends after each read batch that holds one — the core handled
 *     everything before that PING by then, and an error would have come first;</li>
 *     <li>UNSUBSCRIBE never fails in CLASP: it is resolved when added, and only waits for its turn.</li>
 * </ul>
 * With {@code --rate-limit} the core may drop frames without a per-frame answer (one {@code ERROR 429} per second);
 * while that happens, whatever a barrier resolves without a positive answer is reported as refused ("message rate too
 * high" to v5 clients), never as delivered. Single-threaded (the edge's loop).
 */
final class PendingReplies
{
    static final int PUBLISH_SET = 1;
    static final int PUBLISH_EVENT = 2;
    static final int SUBSCRIBE = 3;
    static final int UNSUBSCRIBE = 4;
    static final int PING = 5;
    private static final int BARRIER = 6;

    /** Not answered yet. */
    static final int UNRESOLVED = -1;
    /** Answered: the core accepted it. */
    static final int OK = 0;
    /** The CLASP error code used when a barrier resolves an entry while the core was dropping frames. */
    static final int RATE_LIMITED = 429;
    /** How long after an ERROR 429 the core may still be dropping (it reports at most once a second). */
    private static final long RATE_LIMIT_WINDOW_NS = 1_100_000_000L;

    /** One request. {@code error} is {@link #UNRESOLVED}, {@link #OK} or the CLASP error code. */
    static final class Entry
    {
        int kind;
        int packetId;
        int qos;
        /** PUBLISH: the topic; resolves ACK/ERROR by address. */
        String topic;
        /** SUBSCRIBE: one CLASP pattern per filter (null when the edge refused the filter itself). */
        String[] patterns;
        /** SUBSCRIBE/UNSUBSCRIBE: per filter, the granted QoS (≥ 0), or a negated CLASP error / MQTT reason. */
        int[] codes;
        int error = UNRESOLVED;
        /** The connection the answer belongs to; answers for an earlier connection are dropped. */
        Object owner;
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final TopicMapping mapping;
    private int barriers;
    private boolean rateLimited;
    private long rateLimitedUntilNs;

    PendingReplies(final TopicMapping mapping)
    {
        this.mapping = mapping;
    }

    void add(final Entry entry)
    {
        entries.addLast(entry);
    }

    /** The edge sent a CLASP PING after the entries added so far. */
    void barrier()
    {
        final Entry e = new Entry();
        e.kind = BARRIER;
        entries.addLast(e);
        barriers++;
    }

    /** @return requests (barriers excluded) not yet answered to the client. */
    int size()
    {
        return entries.size() - barriers;
    }

    boolean isEmpty()
    {
        return entries.isEmpty();
    }

    /** @return how many QoS 1/2 PUBLISHes wait for a verdict (counted against the receive maximum). */
    int publishesWaiting()
    {
        int n = 0;
        for (final Entry e : entries)
        {
            if (e.kind == PUBLISH_SET || e.kind == PUBLISH_EVENT)
            {
                n++;
            }
        }
        return n;
    }

    /** @return whether a QoS 2 PUBLISH with this id is still waiting for its verdict. */
    boolean hasPublish(final int packetId)
    {
        for (final Entry e : entries)
        {
            if ((e.kind == PUBLISH_SET || e.kind == PUBLISH_EVENT) && e.packetId == packetId)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A CLASP ACK for a SET: resolves the oldest retained PUBLISH of that address.
     */
    void onAck(final DirectBuffer address, final int offset, final int length)
    {
        for (final Entry e : entries)
        {
            if (e.kind == PUBLISH_SET && e.error == UNRESOLVED && mapping.isAddressOf(address, offset, length, e.topic))
            {
                e.error = OK;
                return;
            }
        }
    }

    /**
     * A CLASP ERROR. With an address it resolves the oldest unresolved request about that address or pattern;
     * a rate-limit ERROR without one opens the window in which barriers refuse what they resolve.
     *
     * @return false when no request matched (an error about a QoS 0 publish, or one the edge does not track).
     */
    boolean onError(final int code, final DirectBuffer address, final int offset, final int length, final long nowNs)
    {
        if (address == null)
        {
            if (code == RATE_LIMITED)
            {
                rateLimited = true;
                rateLimitedUntilNs = nowNs + RATE_LIMIT_WINDOW_NS;
            }
            return false;
        }
        for (final Entry e : entries)
        {
            if ((e.kind == PUBLISH_SET || e.kind == PUBLISH_EVENT) && e.error == UNRESOLVED &&
                mapping.isAddressOf(address, offset, length, e.topic))
            {
                e.error = code;
                return true;
            }
            if (e.kind == SUBSCRIBE)
            {
                for (int i = 0; i < e.patterns.length; i++)
                {
                    if (e.patterns[i] != null && e.codes[i] >= 0 &&
                        TopicMapping.sameText(address, offset, length, e.patterns[i]))
                    {
                        e.codes[i] = -code;
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The PONG of the oldest barrier: everything before it that only waited for the barrier is resolved.
     */
    void onPong(final long nowNs)
    {
        if (barriers == 0)
        {
            return; // a PONG the edge did not ask for (e.g. an answer to its keep-alive)
        }
        final boolean dropping = rateLimited && nowNs - rateLimitedUntilNs < 0;
        final Iterator<Entry> it = entries.iterator();
        while (it.hasNext())
        {
            final Entry e = it.next();
            if (e.kind == BARRIER)
            {
                it.remove();
                barriers--;
                return;
            }
            if (e.error != UNRESOLVED)
            {
                continue;
            }
            if (e.kind == PUBLISH_EVENT || e.kind == SUBSCRIBE || e.kind == PING)
            {
                e.error = dropping && e.kind != PING ? RATE_LIMITED : OK;
            }
            else if (e.kind == PUBLISH_SET && dropping)
            {
                e.error = RATE_LIMITED;
            }
        }
    }

    /**
     * @return the oldest request if it is resolved (removed), else null. Barriers at the head are skipped only
     * once answered, so this never reorders.
     */
    Entry pollResolved()
    {
        final Entry head = entries.peekFirst();
        if (head == null || head.kind == BARRIER || head.error == UNRESOLVED)
        {
            return null;
        }
        return entries.pollFirst();
    }

    /** Forget every request (the session ended). */
    void clear()
    {
        entries.clear();
        barriers = 0;
    }
}
