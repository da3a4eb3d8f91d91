package to.clasp.client;

import to.clasp.protocol.SignalType;

/**
 * What a REPLAY asks for besides its pattern: a time range (router clock, µs since the epoch, both ends included), at
 * most how many entries (the router's default is 1 000, its maximum 100 000) and which signal types. Immutable.
 */
public final class ReplayOptions
{
    private static final ReplayOptions ALL = new ReplayOptions(-1, -1, -1, SignalType.ALL_TYPES_MASK);

    private final long fromMicros;
    private final long toMicros;
    private final long limit;
    private final int typeMask;

    private ReplayOptions(final long fromMicros, final long toMicros, final long limit, final int typeMask)
    {
        this.fromMicros = fromMicros;
        this.toMicros = toMicros;
        this.limit = limit;
        this.typeMask = typeMask;
    }

    /** Every entry the journal keeps (up to the router's default limit), every signal type. */
    public static ReplayOptions all()
    {
        return ALL;
    }

    /** Entries written at or after this instant (µs since the epoch, router clock). */
    public ReplayOptions from(final long micros)
    {
        return new ReplayOptions(requireTime(micros), toMicros, limit, typeMask);
    }

    /** Entries written at or before this instant (µs since the epoch, router clock). */
    public ReplayOptions to(final long micros)
    {
        return new ReplayOptions(fromMicros, requireTime(micros), limit, typeMask);
    }

    /** At most this many entries (the router caps it at 100 000). */
    public ReplayOptions limit(final long entries)
    {
        if (entries < 1 || entries > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("limit must be 1..2^32-1: " + entries);
        }
        return new ReplayOptions(fromMicros, toMicros, entries, typeMask);
    }

    /** Only these signal types (params are {@link Signal#PARAM}; events need the router's --journal-events). */
    public ReplayOptions only(final Signal... signals)
    {
        int mask = 0;
        for (final Signal s : signals)
        {
            mask |= s.maskBit();
        }
        return new ReplayOptions(fromMicros, toMicros, limit, 0 == mask ? SignalType.ALL_TYPES_MASK : mask);
    }

    private static long requireTime(final long micros)
    {
        if (micros < 0)
        {
            throw new IllegalArgumentException("time must be >= 0 µs: " + micros);
        }
        return micros;
    }

    /** @return the range's start in µs, or null for none. */
    public Long fromMicros()
    {
        return fromMicros < 0 ? null : fromMicros;
    }

    /** @return the range's end in µs, or null for none. */
    public Long toMicros()
    {
        return toMicros < 0 ? null : toMicros;
    }

    /** @return the entry limit, or null for the router's default. */
    public Long limit()
    {
        return limit < 0 ? null : limit;
    }

    /** @return the type mask (0x01 param, 0x02 event, 0x04 stream, 0x08 gesture, 0x10 timeline). */
    public int typeMask()
    {
        return typeMask;
    }
}
