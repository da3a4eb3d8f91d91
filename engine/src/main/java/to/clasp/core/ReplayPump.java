package to.clasp.core;

import java.util.ArrayList;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressRules;
import to.clasp.address.Pattern;
import to.clasp.journal.ReplayJob;
import to.clasp.journal.ReplayService;
import to.clasp.protocol.Qos;
import to.clasp.protocol.ReplayDecoder;

/**
 * REPLAY (0x24) on the core thread: validates the request, hands it to the {@link ReplayService} (which reads the
 * journal on its own thread) and moves the frames it produces into the session's outbound queue while the session is
 * below its soft limit — the snapshot rule, so a replay never pushes a session into the slow-consumer policy and a
 * slow reader only slows its own replay. At most {@value #BYTES_PER_CYCLE} bytes per replay per duty cycle, so a
 * million-entry replay costs other sessions a bounded slice of each cycle. When it is done: ACK{address = pattern} if
 * the REPLAY's QoS ≥ 1, so a client knows the replay is complete. Without a journal: ERROR 501.
 */
final class ReplayPump
{
    static final int BYTES_PER_CYCLE = 64 * 1024;
    static final String BUSY = "replay busy: too many replays waiting";

    /** One replay in progress for one session. */
    private static final class Active
    {
        Session session;
        long idMsb;
        long idLsb;
        ReplayJob job;
        int qos;
        UnsafeBuffer pattern;
        boolean done;
    }

    private final ReplayService service;
    private final Outbox outbox;
    private final Replies replies;
    private final SessionAuth auth;
    private final ArrayList<Active> active = new ArrayList<>();
    private final MessageHandler sender = this::onMessage;
    private Active current;
    private int sentBytes;

    /** @param service the journal's replay reader, or null without a journal. */
    ReplayPump(final ReplayService service, final Outbox outbox, final Replies replies, final SessionAuth auth)
    {
        this.auth = auth;
        this.service = service;
        this.outbox = outbox;
        this.replies = replies;
    }

    void onReplay(final Session s, final ReplayDecoder replay, final DirectBuffer payload, final int qos,
        final long nowNs)
    {
        final int po = replay.patternOffset();
        final int pl = replay.patternLength();
        if (null == service)
        {
            replies.error(s, 501, Replies.NO_JOURNAL, payload, po, pl);
            return;
        }
        if (AddressRules.VALID != AddressRules.validatePattern(payload, po, pl))
        {
            replies.error(s, 202, Replies.INVALID_PATTERN, payload, po, pl);
            return;
        }
        final Pattern pattern = Pattern.compile(payload, po, pl);
        if (!s.scopes.canSubscribe(pattern))
        {
            // As for SUBSCRIBE: one read scope must cover the whole pattern, so every replayed entry is readable.
            auth.forbiddenRead(s, nowNs, "REPLAY", SessionAuth.FORBIDDEN_PATTERN, payload, po, pl);
            return;
        }
        final ReplayJob job = new ReplayJob(pattern, replay.hasFrom(), replay.from(), replay.hasTo(), replay.to(),
            replay.hasLimit() ? replay.limit() : ReplayJob.DEFAULT_LIMIT, replay.typeMask());
        if (!service.submit(job))
        {
            replies.error(s, 503, BUSY, payload, po, pl);
            return;
        }
        final Active a = new Active();
        a.session = s;
        a.idMsb = s.idMsb;
        a.idLsb = s.idLsb;
        a.job = job;
        a.qos = qos;
        final byte[] copy = new byte[pl];
        payload.getBytes(po, copy);
        a.pattern = new UnsafeBuffer(copy);
        active.add(a);
    }

    /**
     * Once per duty cycle: move replay frames into their sessions' queues.
     *
     * @return work done.
     */
    int pump()
    {
        int work = 0;
        for (int i = active.size() - 1; i >= 0; i--)
        {
            final Active a = active.get(i);
            final Session s = a.session;
            if (s.isGone() || s.idMsb != a.idMsb || s.idLsb != a.idLsb)
            {
                a.job.cancel();
                removeAt(i);
                continue;
            }
            current = a;
            sentBytes = 0;
            while (!a.done && sentBytes < BYTES_PER_CYCLE && outbox.hasRoom(s))
            {
                final int n = a.job.drain(sender, 64);
                work += n;
                if (0 == n)
                {
                    if (!a.job.awaitFrames())
                    {
                        break;
                    }
                }
            }
            if (!a.done && !outbox.hasRoom(s))
            {
                outbox.revisitLater(s);
            }
            if (a.done)
            {
                if (a.qos >= Qos.CONFIRM)
                {
                    replies.ack(s, a.pattern, 0, a.pattern.capacity(), false, 0);
                }
                removeAt(i);
                work++;
            }
        }
        current = null;
        return work;
    }

    private void onMessage(final int type, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        if (ReplayJob.DONE == type)
        {
            current.done = true;
            return;
        }
        outbox.send(current.session, buffer, index, length, Outbox.CLASS_CONTROL, -1);
        sentBytes += length;
    }

    private void removeAt(final int i)
    {
        final int last = active.size() - 1;
        active.set(i, active.get(last));
        active.remove(last);
    }

    /** @return whether a replay has frames waiting for a session with room (the core should not sleep). */
    boolean hasFrames()
    {
        for (int i = 0, n = active.size(); i < n; i++)
        {
            final Active a = active.get(i);
            if (a.job.hasFrames() && outbox.hasRoom(a.session))
            {
                return true;
            }
        }
        return false;
    }

    /** @return replays in progress. */
    int activeCount()
    {
        return active.size();
    }
}
