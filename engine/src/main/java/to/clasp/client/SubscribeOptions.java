package to.clasp.client;

import to.clasp.protocol.SignalType;

/**
 * Options of a SUBSCRIBE: which signal types, at most how many updates per second, and the smallest numeric change
 * worth delivering. Immutable.
 */
public final class SubscribeOptions
{
    private static final SubscribeOptions ALL = new SubscribeOptions(SignalType.ALL_TYPES_MASK, -1, Double.NaN);

    private final int typeMask;
    private final long maxRate;
    private final double epsilon;

    private SubscribeOptions(final int typeMask, final long maxRate, final double epsilon)
    {
        this.typeMask = typeMask;
        this.maxRate = maxRate;
        this.epsilon = epsilon;
    }

    /** Every signal type, no rate limit, no epsilon. */
    public static SubscribeOptions all()
    {
        return ALL;
    }

    /** Only these signal types. */
    public static SubscribeOptions only(final Signal... signals)
    {
        int mask = 0;
        for (final Signal s : signals)
        {
            mask |= s.maskBit();
        }
        return new SubscribeOptions(mask == 0 ? SignalType.ALL_TYPES_MASK : mask, -1, Double.NaN);
    }

    /** Raw type mask (0x01 param, 0x02 event, 0x04 stream, 0x08 gesture, 0x10 timeline; 0xFF all). */
    public SubscribeOptions typeMask(final int mask)
    {
        return new SubscribeOptions(mask & 0xFF, maxRate, epsilon);
    }

    /** At most {@code perSecond} updates per second (the router conflates; the last value always arrives). */
    public SubscribeOptions maxRate(final long perSecond)
    {
        if (perSecond < 0 || perSecond > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("maxRate must be 0..2^32-1: " + perSecond);
        }
        return new SubscribeOptions(typeMask, perSecond, epsilon);
    }

    /** Skip numeric updates that change the value by less than {@code epsilon}. */
    public SubscribeOptions epsilon(final double epsilon)
    {
        if (!(epsilon >= 0))
        {
            throw new IllegalArgumentException("epsilon must be >= 0: " + epsilon);
        }
        return new SubscribeOptions(typeMask, maxRate, epsilon);
    }

    public int typeMask()
    {
        return typeMask;
    }

    /** @return max updates per second, or -1 for none. */
    public long maxRate()
    {
        return maxRate;
    }

    /** @return epsilon, or NaN for none. */
    public double epsilon()
    {
        return epsilon;
    }

    /** @return whether the subscription accepts this signal type (0 or 0xFF = all). */
    public boolean accepts(final Signal signal)
    {
        return typeMask == 0 || typeMask == SignalType.ALL_TYPES_MASK || (typeMask & signal.maskBit()) != 0;
    }
}
