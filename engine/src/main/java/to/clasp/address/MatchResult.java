package to.clasp.address;

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
 * the next call to any method of that index. Do not keep it.
 */
public final class MatchResult
{
    private static final int[] EMPTY = new int[0];
    private static final byte[] EMPTY_KEY = new byte[0];

    // Cache-entry part: the key this result was computed for and under which generation.
    byte[] key = EMPTY_KEY;
    int keyLength;
    int hash;
    long generation = -1;
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

    /** Grow (never shrink) the arrays; returns the change in {@link #footprint()}. */
    long ensureCapacity(final int keyLength, final int subscriptionCount, final int sessionCount)
    {
        final long before = footprint();
        if (key.length < keyLength)
        {
            key = new byte[keyLength];
        }
        if (subscriptions.length < subscriptionCount)
        {
            subscriptions = new int[subscriptionCount];
            subscriptionTypeMasks = new int[subscriptionCount];
            subscriptionSessions = new int[subscriptionCount];
        }
        if (sessions.length < sessionCount)
        {
            sessions = new int[sessionCount];
            sessionTypeMasks = new int[sessionCount];
        }
        if (sessionStarts.length < sessionCount + 1)
        {
            sessionStarts = new int[sessionCount + 1];
        }
        return footprint() - before;
    }
}
