package to.clasp.core;

import java.util.Arrays;

import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Every connection the core knows, by connection id (from the edges), by dense session index (used by the
 * subscription index and the param store; recycled) and by session id (for P2P addressing). Core thread only.
 */
final class SessionTable
{
    private final Long2ObjectHashMap<Session> byConnection = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Session> byIdHash = new Long2ObjectHashMap<>();
    private final IntArrayQueue freeIndices = new IntArrayQueue();
    private Session[] byIndex = new Session[64];
    private int nextIndex;
    private int openCount;

    int allocateIndex()
    {
        if (!freeIndices.isEmpty())
        {
            return freeIndices.poll();
        }
        final int i = nextIndex++;
        if (i == byIndex.length)
        {
            byIndex = Arrays.copyOf(byIndex, i * 2);
        }
        return i;
    }

    void add(final Session session)
    {
        byConnection.put(session.connectionId, session);
        byIndex[session.index] = session;
    }

    Session byConnection(final long connectionId)
    {
        return byConnection.get(connectionId);
    }

    /** @return one past the highest session index handed out (for scans with {@link #byIndex}). */
    int indexLimit()
    {
        return nextIndex;
    }

    Session byIndex(final int index)
    {
        return index >= 0 && index < byIndex.length ? byIndex[index] : null;
    }

    /**
     * Find an open session by its UUID parts (zero allocation for P2P lookups).
     */
    Session byId(final long msb, final long lsb)
    {
        Session s = byIdHash.get(msb ^ lsb);
        return null != s && s.idMsb == msb && s.idLsb == lsb ? s : null;
    }

    /** The session completed a handshake (or a replacement one) and has an id. */
    void opened(final Session session)
    {
        if (!session.countedOpen)
        {
            session.countedOpen = true;
            openCount++;
        }
        session.state = Session.OPEN;
        byIdHash.put(session.idMsb ^ session.idLsb, session);
    }

    /** The session's current id is being replaced. */
    void forgetId(final Session session)
    {
        if (null != session.id && byIdHash.get(session.idMsb ^ session.idLsb) == session)
        {
            byIdHash.remove(session.idMsb ^ session.idLsb);
        }
    }

    void remove(final Session session)
    {
        if (session.countedOpen)
        {
            session.countedOpen = false;
            openCount--;
        }
        forgetId(session);
        session.state = Session.CLOSED;
        byConnection.remove(session.connectionId);
        byIndex[session.index] = null;
        freeIndices.add(session.index);
    }

    int openCount()
    {
        return openCount;
    }

    int connectionCount()
    {
        return byConnection.size();
    }

    /** Snapshot of all sessions (for shutdown; allocates). */
    Session[] all()
    {
        return byConnection.values().toArray(new Session[0]);
    }
}
