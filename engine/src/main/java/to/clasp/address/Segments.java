package to.clasp.address;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The per-segment rules, shared by {@link Pattern#matches} and the {@link SubscriptionIndex} trie so that the two
 * cannot disagree (the reference router has two matchers that do).
 * <p>
 * A segment is the bytes between two {@code '/'} (or the end). Its kind is decided once, when a pattern is
 * compiled:
 * <ul>
 *   <li>{@link #ONE}: exactly {@code *}; matches one non-empty segment.</li>
 *   <li>{@link #ANY}: exactly {@code **}; matches zero or more segments (handled by the callers, not here).</li>
 *   <li>{@link #GLOB}: any other segment containing {@code *}; each {@code *} matches a run (possibly empty) of
 *   bytes within the one segment. {@code a**} and {@code ***} are globs too; a run of stars means the same as
 *   one star.</li>
 *   <li>{@link #LITERAL}: byte-for-byte equal. {@code ?}, {@code [}, {@code {}, {@code \} are ordinary bytes.</li>
 * </ul>
 */
final class Segments
{
    static final byte LITERAL = 0;
    static final byte ONE = 1;
    static final byte ANY = 2;
    static final byte GLOB = 3;

    /** Reads a byte[] eight bytes at a time in the same (native) order as {@link DirectBuffer#getLong(int)}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Segments()
    {
    }

    static byte kindOf(final DirectBuffer buffer, final int start, final int end)
    {
        final int length = end - start;
        boolean hasStar = false;
        for (int i = start; i < end; i++)
        {
            if (buffer.getByte(i) == AddressRules.STAR)
            {
                hasStar = true;
                break;
            }
        }

        if (!hasStar)
        {
            return LITERAL;
        }
        if (length == 1)
        {
            return ONE;
        }
        if (length == 2 && buffer.getByte(start) == AddressRules.STAR && buffer.getByte(start + 1) == AddressRules.STAR)
        {
            return ANY;
        }
        return GLOB;
    }

    /**
     * Does one pattern segment of kind {@code kind} (never {@link #ANY}) match the address segment
     * {@code [as, ae)}?
     */
    static boolean matchesOne(
        final byte kind,
        final DirectBuffer pattern,
        final int ps,
        final int pe,
        final DirectBuffer address,
        final int as,
        final int ae)
    {
        switch (kind)
        {
            case LITERAL:
                return pe - ps == ae - as && equal(pattern, ps, address, as, ae - as);
            case ONE:
                return ae > as;
            case GLOB:
                return globMatches(pattern, ps, pe, address, as, ae);
            default:
                throw new IllegalStateException("segment kind " + kind);
        }
    }

    /**
     * Glob match within one segment: {@code *} in {@code [gs, ge)} matches any run of bytes of {@code [ts, te)}.
     * <p>
     * The classic two-pointer algorithm: on a mismatch, retry from the most recent star with one more byte
     * swallowed. That is enough because every non-star consumes exactly one byte; worst case O(glob × text),
     * no recursion, no allocation. UTF-8 needs no special care: a literal byte run that starts with a lead byte
     * can only match at a character boundary.
     * <p>
     * {@link Pattern#covers} also runs this with a glob as the text: a literal byte of {@code g} is never
     * {@code '*'}, so a {@code '*'} in the text can only be swallowed by a star of {@code g}, which is exactly
     * the condition for "every expansion of the text glob is matched by {@code g}".
     */
    static boolean globMatches(
        final DirectBuffer g, final int gs, final int ge, final DirectBuffer t, final int ts, final int te)
    {
        int gi = gs;
        int ti = ts;
        int star = -1;
        int mark = ts;

        while (ti < te)
        {
            final byte gb = gi < ge ? g.getByte(gi) : 0;
            if (gi < ge && gb == AddressRules.STAR)
            {
                star = gi++;
                mark = ti;
            }
            else if (gi < ge && gb == t.getByte(ti))
            {
                gi++;
                ti++;
            }
            else if (star >= 0)
            {
                gi = star + 1;
                ti = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (gi < ge && g.getByte(gi) == AddressRules.STAR)
        {
            gi++;
        }
        return gi == ge;
    }

    static boolean equal(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (a.getLong(aOffset + i) != b.getLong(bOffset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    /** Equality of {@code a[aOffset, aOffset + length)} and {@code b[0, length)}; b is a cache key. */
    static boolean equal(final DirectBuffer a, final int aOffset, final byte[] b, final int length)
    {
        if (length >= Long.BYTES)
        {
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES)
            {
                if (a.getLong(aOffset + i) != (long)LONGS.get(b, i))
                {
                    return false;
                }
            }
            // The tail as the last eight bytes, overlapping what was already compared.
            return i == length ||
                a.getLong(aOffset + length - Long.BYTES) == (long)LONGS.get(b, length - Long.BYTES);
        }
        for (int i = 0; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Index of the next {@code '/'} in {@code [from, end)}, or {@code end}. */
    static int segmentEnd(final DirectBuffer buffer, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            if (buffer.getByte(i) == AddressRules.SLASH)
            {
                return i;
            }
        }
        return end;
    }
}
