package to.clasp.address;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The subscriptions matching one address, as {@link SubscriptionIndex#match} returns them: each matching
 * subscription once, grouped by session, and each session once with the union of its matched subscriptions'
 * type masks.
 * <p>
 * The core uses it in two steps: "send to session {@code i} if {@code sessionAccepts(i, TYPE_PARAM)}", then, for
 * per-subscription options, walk {@code [sessionFirstSubscription(i), sessionFirstSubscription(i) +
 * sessionSubscriptionCount(i))}.
 * <p>
 * An instance is owned by the index (it is a cache entry or the index's scratch result) and is only valid until
 * the next call to any method of that index. Do not keep it. A cache entry stays current as subscriptions come and
 * go: the index patches it in place ({@link #add}, {@link #remove}), so the order of sessions and of subscriptions
 * within a session is the order of arrival, not the walk's.
 */
public final class MatchResult
{
    private static final int[] EMPTY = new int[0];
    private static final byte[] EMPTY_KEY = new byte[0];

    // Cache-entry part: the key this result is for, its hash, and its id in the cache (for the address directory).
    byte[] key = EMPTY_KEY;
    /** {@link #key} as a buffer (for {@link Pattern#matches} and the address directory). */
    final UnsafeBuffer keyBuffer = new UnsafeBuffer(EMPTY_KEY);
    int keyLength;
    int hash;
    int cacheId = -1;
    MatchResult nextFree;

    // Result part; sized by ensureCapacity, so lengths may exceed the counts.
    int subscriptionCount;
    int[] subscriptions = EMPTY;
    int[] subscriptionTypeMasks = EMPTY;
    int[] subscriptionSessions = EMPTY;

    int sessionCount;
    int[] sessions = EMPTY;
    int[] sessionTypeMasks = EMPTY;
    int[] sessionStarts = EMPTY;

    MatchResult()
    {
    }

    /** Number of distinct sessions with at least one matching subscription. */
    public int sessionCount()
    {
        return sessionCount;
    }

    /** The {@code i}-th session's index. */
    public int session(final int i)
    {
        return sessions[i];
    }

    /** Union of the type masks of session {@code i}'s matching subscriptions. */
    public int sessionTypeMask(final int i)
    {
        return sessionTypeMasks[i];
    }

    /** Does any matching subscription of session {@code i} allow signal type {@code typeBit}? */
    public boolean sessionAccepts(final int i, final int typeBit)
    {
        return (sessionTypeMasks[i] & typeBit) != 0;
    }

    /** Position (for {@link #subscription(int)}) of session {@code i}'s first matching subscription. */
    public int sessionFirstSubscription(final int i)
    {
        return sessionStarts[i];
    }

    /** How many of session {@code i}'s subscriptions match. */
    public int sessionSubscriptionCount(final int i)
    {
        return sessionStarts[i + 1] - sessionStarts[i];
    }

    /** Number of matching subscriptions (each once, however many ways its pattern matches). */
    public int subscriptionCount()
    {
        return subscriptionCount;
    }

    /** The handle (see {@link SubscriptionIndex#add}) of the {@code j}-th matching subscription. */
    public int subscription(final int j)
    {
        return subscriptions[j];
    }

    /** Session index of the {@code j}-th matching subscription. */
    public int subscriptionSession(final int j)
    {
        return subscriptionSessions[j];
    }

    /** Type mask (normalised: 0 became 0xFF) of the {@code j}-th matching subscription. */
    public int subscriptionTypeMask(final int j)
    {
        return subscriptionTypeMasks[j];
    }

    boolean isEmpty()
    {
        return subscriptionCount == 0;
    }

    /**
     * Patch in a subscription that now matches this result's address (a new subscription): appended to its session's
     * group, or as a new group at the end. Growing arrays may allocate.
     *
     * @param sessionIsNew the caller knows the session has no group here (its only subscription is this one): the
     *                     search of the groups, linear in the sessions sharing this address, is skipped.
     * @return the change in {@link #footprint()}.
     */
    long add(final int handle, final int session, final int typeMask, final boolean sessionIsNew)
    {
        int group = sessionIsNew ? -1 : indexOfSession(session);
        final long grown;
        if (group < 0)
        {
            grown = ensureRoomForOneMore(true);
            group = sessionCount++;
            sessions[group] = session;
            sessionTypeMasks[group] = 0;
            sessionStarts[group + 1] = sessionStarts[group];
        }
        else
        {
            grown = ensureRoomForOneMore(false);
        }

        // Open a hole at the end of the group: everything after it moves one place right.
        final int at = sessionStarts[group + 1];
        final int tail = subscriptionCount - at;
        if (tail > 0)
        {
            System.arraycopy(subscriptions, at, subscriptions, at + 1, tail);
            System.arraycopy(subscriptionTypeMasks, at, subscriptionTypeMasks, at + 1, tail);
            System.arraycopy(subscriptionSessions, at, subscriptionSessions, at + 1, tail);
        }
        subscriptions[at] = handle;
        subscriptionTypeMasks[at] = typeMask;
        subscriptionSessions[at] = session;
        subscriptionCount++;
        for (int g = group + 1; g <= sessionCount; g++)
        {
            sessionStarts[g]++;
        }
        sessionTypeMasks[group] |= typeMask;
        return grown;
    }

    /**
     * Patch out a subscription that no longer exists; its session's mask becomes the union of what is left, and a
     * session left without subscriptions is dropped. Nothing happens when the handle is not listed.
     */
    void remove(final int handle, final int session)
    {
        final int group = indexOfSession(session);
        if (group < 0)
        {
            return;
        }
        final int start = sessionStarts[group];
        final int end = sessionStarts[group + 1];
        int at = -1;
        int mask = 0;
        for (int j = start; j < end; j++)
        {
            if (subscriptions[j] == handle)
            {
                at = j;
            }
            else
            {
                mask |= subscriptionTypeMasks[j];
            }
        }
        if (at < 0)
        {
            return;
        }

        final int tail = subscriptionCount - at - 1;
        System.arraycopy(subscriptions, at + 1, subscriptions, at, tail);
        System.arraycopy(subscriptionTypeMasks, at + 1, subscriptionTypeMasks, at, tail);
        System.arraycopy(subscriptionSessions, at + 1, subscriptionSessions, at, tail);
        subscriptionCount--;
        for (int g = group + 1; g <= sessionCount; g++)
        {
            sessionStarts[g]--;
        }

        if (end - start == 1)
        {
            // The group is empty now: close it up (its start equals the next group's).
            final int after = sessionCount - group - 1;
            System.arraycopy(sessions, group + 1, sessions, group, after);
            System.arraycopy(sessionTypeMasks, group + 1, sessionTypeMasks, group, after);
            System.arraycopy(sessionStarts, group + 1, sessionStarts, group, after + 1);
            sessionCount--;
        }
        else
        {
            sessionTypeMasks[group] = mask;
        }
    }

    private int indexOfSession(final int session)
    {
        // From the end: a new session's group is appended there, so the sessions that come and go (a client
        // subscribing and unsubscribing while many long-lived subscribers share the address) are found first.
        final int[] sessions = this.sessions;
        for (int g = sessionCount - 1; g >= 0; g--)
        {
            if (sessions[g] == session)
            {
                return g;
            }
        }
        return -1;
    }

    /** Key equality for the cache: {@code buffer[offset, offset + length)} is this entry's address. */
    boolean isFor(final DirectBuffer buffer, final int offset, final int length, final int hash)
    {
        return this.hash == hash && keyLength == length && Segments.equal(buffer, offset, key, length);
    }

    /** Bytes this entry keeps alive, for the cache's memory budget. */
    long footprint()
    {
        return 96L + key.length +
            4L * (subscriptions.length + subscriptionTypeMasks.length + subscriptionSessions.length +
            sessions.length + sessionTypeMasks.length + sessionStarts.length);
    }

    static long footprint(final int keyLength, final int subscriptionCount, final int sessionCount)
    {
        return 96L + keyLength + 4L * (3L * subscriptionCount + 3L * sessionCount + 1);
    }

    /**
     * Grow (never shrink) the arrays to at least these sizes, keeping their contents; returns the change in
     * {@link #footprint()}.
     */
    long ensureCapacity(final int keyLength, final int subscriptionCount, final int sessionCount)
    {
        final long before = footprint();
        if (key.length < keyLength)
        {
            key = new byte[keyLength];
            keyBuffer.wrap(key);
        }
        if (subscriptions.length < subscriptionCount)
        {
            subscriptions = Arrays.copyOf(subscriptions, subscriptionCount);
            subscriptionTypeMasks = Arrays.copyOf(subscriptionTypeMasks, subscriptionCount);
            subscriptionSessions = Arrays.copyOf(subscriptionSessions, subscriptionCount);
        }
        if (sessions.length < sessionCount)
        {
            sessions = Arrays.copyOf(sessions, sessionCount);
            sessionTypeMasks = Arrays.copyOf(sessionTypeMasks, sessionCount);
        }
        if (sessionStarts.length < sessionCount + 1)
        {
            sessionStarts = Arrays.copyOf(sessionStarts, sessionCount + 1);
        }
        return footprint() - before;
    }

    /** Room for one more subscription (and session): grows by half again, so patching one at a time is amortised. */
    private long ensureRoomForOneMore(final boolean newSession)
    {
        final int subs = subscriptionCount + 1;
        final int groups = sessionCount + (newSession ? 1 : 0);
        return ensureCapacity(0,
            subscriptions.length < subs ? Math.max(subs, subscriptions.length + (subscriptions.length >> 1)) : subs,
            sessions.length < groups ? Math.max(groups, sessions.length + (sessions.length >> 1)) : groups);
    }
}
