package to.clasp.address;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A compiled subscription (or scope) pattern: the one definition of "does this pattern match this address" used
 * for live delivery, subscribe snapshots and auth scopes.
 * <p>
 * Semantics (see {@code docs/matching.md}):
 * <ul>
 *   <li>An address {@code /s1/s2/...} is the list of segments after the leading {@code '/'}; {@code /} is one
 *   empty segment, {@code /a/} is {@code [a, ""]}. An address not starting with {@code '/'} matches nothing.</li>
 *   <li>{@code *} (whole segment) matches exactly one non-empty segment.</li>
 *   <li>{@code **} (whole segment) matches zero or more segments, anywhere, any number of times:
 *   {@code /a/**} matches {@code /a}, {@code /a/b}, {@code /a/b/c}; {@code /**} matches everything incl.
 *   {@code /}. Consecutive {@code **} are collapsed at compile time (they mean the same).</li>
 *   <li>Any other segment containing {@code *} is a glob within the segment: {@code /a/b*} matches {@code /a/b}
 *   and {@code /a/bc}, never {@code /a/b/c}.</li>
 *   <li>Everything else is literal, including {@code ?}, {@code [}, {@code {}. A trailing empty segment
 *   ({@code /a/}) is a literal empty segment: it matches only the address {@code /a/}, which address
 *   validation rejects, so such a pattern matches no storable address.</li>
 * </ul>
 * Instances are immutable and thread-safe. Compilation allocates; matching does not.
 */
public final class Pattern
{
    /** The text as given; decoded from {@link #bytes} on first use for patterns compiled from a frame (a SUBSCRIBE
     * compiles one per message and rarely needs the String). Racy single-check: a String is immutable. */
    private String text;
    private final UnsafeBuffer bytes;
    private final int segmentCount;
    private final byte[] kinds;
    private final int[] starts;
    private final int[] ends;
    private final boolean exact;
    /** {@link #GENERAL}, {@link #EXACT}, {@link #PREFIX_ANY} or {@link #PREFIX_ONE}: how {@link #matches} runs. */
    private final byte shape;
    /** Bytes of the text {@link #matches} compares literally: all (EXACT), up to the slash before the last segment
     * (PREFIX_ANY: {@code /a/b} of {@code /a/b/**}), or up to and with it (PREFIX_ONE: {@code /a/b/} of
     * {@code /a/b/*}). */
    private final int prefixLength;

    // The shapes of scope and subscription patterns people write most ({@code /app/in/x}, {@code /app/**},
    // {@code /app/*}) match with one byte comparison of the literal prefix instead of the segment walk: a write scope
    // check runs per SET on the core (#13), and a subscription change checks its pattern against cached addresses.
    private static final byte GENERAL = 0;
    private static final byte EXACT = 1;
    private static final byte PREFIX_ANY = 2;
    private static final byte PREFIX_ONE = 3;

    private Pattern(final String text, final byte[] utf8)
    {
        this.text = text;
        this.bytes = new UnsafeBuffer(utf8);

        final int length = utf8.length;
        int maxSegments = 0;
        for (final byte b : utf8)
        {
            if (b == AddressRules.SLASH)
            {
                maxSegments++;
            }
        }

        final byte[] kinds = new byte[maxSegments];
        final int[] starts = new int[maxSegments];
        final int[] ends = new int[maxSegments];
        int count = 0;
        boolean exact = true;
        for (int start = 1; start <= length; )
        {
            final int end = Segments.segmentEnd(bytes, start, length);
            final byte kind = Segments.kindOf(bytes, start, end);
            // "**/**" means the same as "**": keeping one keeps the trie small and the walk linear.
            if (!(kind == Segments.ANY && count > 0 && kinds[count - 1] == Segments.ANY))
            {
                kinds[count] = kind;
                starts[count] = start;
                ends[count] = end;
                count++;
            }
            exact &= kind == Segments.LITERAL;
            start = end + 1;
        }

        this.segmentCount = count;
        // Trimmed only when "**" runs were collapsed (a SUBSCRIBE compiles a pattern per message: no copies then).
        this.kinds = count == maxSegments ? kinds : Arrays.copyOf(kinds, count);
        this.starts = count == maxSegments ? starts : Arrays.copyOf(starts, count);
        this.ends = count == maxSegments ? ends : Arrays.copyOf(ends, count);
        this.exact = exact;

        // Literal segments, then at most one wildcard, as the last segment: a prefix test.
        boolean literalHead = true;
        for (int i = 0; i < count - 1; i++)
        {
            literalHead &= kinds[i] == Segments.LITERAL;
        }
        final byte last = count > 0 ? kinds[count - 1] : Segments.LITERAL;
        if (exact)
        {
            shape = EXACT;
            prefixLength = length;
        }
        else if (literalHead && last == Segments.ANY)
        {
            shape = PREFIX_ANY;
            prefixLength = starts[count - 1] - 1;
        }
        else if (literalHead && last == Segments.ONE)
        {
            shape = PREFIX_ONE;
            prefixLength = starts[count - 1];
        }
        else
        {
            shape = GENERAL;
            prefixLength = 0;
        }
    }

    /**
     * Compile a pattern.
     *
     * @throws IllegalArgumentException when {@link AddressRules#validatePattern(CharSequence)} rejects it.
     */
    public static Pattern compile(final CharSequence pattern)
    {
        final int reason = AddressRules.validatePattern(pattern);
        if (reason != AddressRules.VALID)
        {
            throw new IllegalArgumentException("invalid pattern: " + AddressRules.describe(reason));
        }
        final String text = pattern.toString();
        return new Pattern(text, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Compile a pattern from UTF-8 bytes (copied).
     *
     * @throws IllegalArgumentException when {@link AddressRules#validatePattern(DirectBuffer, int, int)} rejects it.
     */
    public static Pattern compile(final DirectBuffer buffer, final int offset, final int length)
    {
        final int reason = AddressRules.validatePattern(buffer, offset, length);
        if (reason != AddressRules.VALID)
        {
            throw new IllegalArgumentException("invalid pattern: " + AddressRules.describe(reason));
        }
        final byte[] utf8 = new byte[length];
        buffer.getBytes(offset, utf8);
        return new Pattern(null, utf8);
    }

    /** The pattern as given. */
    public String text()
    {
        String t = text;
        if (null == t)
        {
            t = bytes.getStringWithoutLengthUtf8(0, bytes.capacity());
            text = t;
        }
        return t;
    }

    /** The pattern's UTF-8 bytes (read-only view; do not write). */
    public DirectBuffer bytes()
    {
        return bytes;
    }

    /** True when the pattern has no wildcard at all, i.e. it matches at most one address: itself. */
    public boolean isExact()
    {
        return exact;
    }

    int segmentCount()
    {
        return segmentCount;
    }

    byte kind(final int segment)
    {
        return kinds[segment];
    }

    int start(final int segment)
    {
        return starts[segment];
    }

    int end(final int segment)
    {
        return ends[segment];
    }

    /** Does the address in {@code buffer[offset, offset + length)} (UTF-8) match? Allocation-free. */
    public boolean matches(final DirectBuffer address, final int offset, final int length)
    {
        if (length <= 0 || address.getByte(offset) != AddressRules.SLASH)
        {
            return false;
        }
        switch (shape)
        {
            case EXACT:
                return length == prefixLength && Segments.equal(bytes, 0, address, offset, length);
            case PREFIX_ANY:
                // /a/b/** : /a/b itself, or /a/b followed by a slash and anything.
                return (length == prefixLength ||
                    (length > prefixLength && address.getByte(offset + prefixLength) == AddressRules.SLASH)) &&
                    Segments.equal(bytes, 0, address, offset, prefixLength);
            case PREFIX_ONE:
                // /a/b/* : /a/b/ followed by one non-empty segment.
                return length > prefixLength && Segments.equal(bytes, 0, address, offset, prefixLength) &&
                    Segments.segmentEnd(address, offset + prefixLength, offset + length) == offset + length;
            default:
                return matchesSegments(address, offset, length);
        }
    }

    /** {@link #matches} by the segment walk, for any pattern (the fast shapes' reference; tests compare the two). */
    boolean matchesSegments(final DirectBuffer address, final int offset, final int length)
    {
        if (length <= 0 || address.getByte(offset) != AddressRules.SLASH)
        {
            return false;
        }

        // Wildcard matching with segments as the "characters": every kind but ANY consumes exactly one segment,
        // so on a mismatch it is enough to retry from the most recent ANY with one more segment swallowed
        // (the classic two-pointer glob algorithm). O(segments × pattern segments), no recursion.
        final int end = offset + length;
        int p = 0;
        int pos = offset + 1; // start of the current address segment; end + 1 once all are consumed
        int anyP = -1;
        int anyPos = -1;

        while (pos <= end)
        {
            final int segEnd = Segments.segmentEnd(address, pos, end);
            if (p < segmentCount)
            {
                final byte kind = kinds[p];
                if (kind == Segments.ANY)
                {
                    anyP = p++;
                    anyPos = pos;
                    continue;
                }
                if (Segments.matchesOne(kind, bytes, starts[p], ends[p], address, pos, segEnd))
                {
                    p++;
                    pos = segEnd + 1;
                    continue;
                }
            }
            if (anyP < 0)
            {
                return false;
            }
            // Let the last ** swallow one more segment and retry the rest of the pattern after it.
            p = anyP + 1;
            anyPos = Segments.segmentEnd(address, anyPos, end) + 1;
            pos = anyPos;
        }

        while (p < segmentCount && kinds[p] == Segments.ANY)
        {
            p++;
        }
        return p == segmentCount;
    }

    /** {@link #matches(DirectBuffer, int, int)} on the UTF-8 encoding of a String (allocates; not for hot paths). */
    public boolean matches(final CharSequence address)
    {
        final byte[] utf8 = address.toString().getBytes(StandardCharsets.UTF_8);
        return matches(new UnsafeBuffer(utf8), 0, utf8.length);
    }

    /**
     * Is every address matched by {@code requested} also matched by {@code granted}? Used for SUBSCRIBE scope
     * checks ({@code read:/a/*} must not allow {@code /a/**}).
     * <p>
     * Sound but deliberately not complete: {@code true} is only returned when inclusion is proved for every
     * segment sequence (not only for valid addresses). So {@code /*&#47;**} does not cover {@code /**&#47;x}
     * (the requested {@code **} could produce an empty first segment), even though no valid address tells them
     * apart. When unsure: false.
     * <p>
     * Algorithm: dynamic programming over suffixes, C(i, j) = "granted[i..] covers requested[j..]":
     * <ul>
     *   <li>requested exhausted: granted[i..] must accept the empty sequence, i.e. be all {@code **};</li>
     *   <li>granted exhausted (requested not): false (requested still produces at least one segment);</li>
     *   <li>granted[i] is {@code **}: C(i+1, j) (it matches nothing here) or C(i, j+1) (it absorbs whatever
     *   requested[j] produces, one segment or many);</li>
     *   <li>requested[j] is {@code **} but granted[i] is not: false (one segment cannot absorb many);</li>
     *   <li>otherwise both consume one segment: segmentCovers(granted[i], requested[j]) and C(i+1, j+1).</li>
     * </ul>
     * segmentCovers: {@code *} covers any literal but the empty one, {@code *}, and a glob with a non-star byte
     * (never empty); a literal covers only the same literal; a glob covers what it glob-matches, where a
     * {@code *} of a requested glob may only be swallowed by a {@code *} of the granted glob.
     * O(|granted| × |requested|) time, O(|requested|) space (two rows of the table).
     */
    public static boolean covers(final Pattern granted, final Pattern requested)
    {
        return covers(granted, requested, new boolean[coversScratchLength(requested)]);
    }

    /**
     * The scratch length {@link #covers(Pattern, Pattern, boolean[])} needs for {@code requested}; never more than
     * {@code 2 * (MAX_SEGMENTS + 1)}.
     */
    public static int coversScratchLength(final Pattern requested)
    {
        return 2 * (requested.segmentCount + 1);
    }

    /** Most segments a valid pattern can have ({@code /a/a/.../a/} in {@link AddressRules#MAX_ADDRESS_LENGTH} bytes). */
    public static final int MAX_SEGMENTS = AddressRules.MAX_ADDRESS_LENGTH / 2 + 1;

    /**
     * {@link #covers(Pattern, Pattern)} without allocating: {@code scratch} holds two rows of the table and must be
     * at least {@link #coversScratchLength(Pattern) coversScratchLength(requested)} long (its contents are
     * overwritten). For callers that check many SUBSCRIBEs against the same scopes (a session's scope checker).
     */
    public static boolean covers(final Pattern granted, final Pattern requested, final boolean[] scratch)
    {
        final int gn = granted.segmentCount;
        final int rn = requested.segmentCount;
        final int width = rn + 1;
        if (scratch.length < 2 * width)
        {
            throw new IllegalArgumentException("scratch too short: " + scratch.length + " < " + 2 * width);
        }

        // Row i of C lives at offset (i & 1) * width; row i + 1 (already computed) at the other half.
        // i == gn: only the empty requested suffix is covered.
        int next = (gn & 1) * width;
        java.util.Arrays.fill(scratch, next, next + width, false);
        scratch[next + rn] = true;

        for (int i = gn - 1; i >= 0; i--)
        {
            final int cur = (i & 1) * width;
            final byte gk = granted.kinds[i];
            scratch[cur + rn] = gk == Segments.ANY && scratch[next + rn];
            for (int j = rn - 1; j >= 0; j--)
            {
                final byte rk = requested.kinds[j];
                final boolean value;
                if (gk == Segments.ANY)
                {
                    value = scratch[next + j] || scratch[cur + j + 1];
                }
                else if (rk == Segments.ANY)
                {
                    value = false;
                }
                else
                {
                    value = scratch[next + j + 1] && segmentCovers(granted, i, requested, j);
                }
                scratch[cur + j] = value;
            }
            next = cur;
        }

        return scratch[next];
    }

    private static boolean segmentCovers(final Pattern g, final int i, final Pattern r, final int j)
    {
        final byte gk = g.kinds[i];
        final byte rk = r.kinds[j];
        final int rs = r.starts[j];
        final int re = r.ends[j];
        switch (gk)
        {
            case Segments.ONE:
                if (rk == Segments.ONE)
                {
                    return true;
                }
                // A literal or glob is non-empty-only when it has at least one byte that is not '*'.
                for (int k = rs; k < re; k++)
                {
                    if (r.bytes.getByte(k) != AddressRules.STAR)
                    {
                        return true;
                    }
                }
                return false;
            case Segments.LITERAL:
                return rk == Segments.LITERAL &&
                    g.ends[i] - g.starts[i] == re - rs &&
                    Segments.equal(g.bytes, g.starts[i], r.bytes, rs, re - rs);
            case Segments.GLOB:
                if (rk == Segments.ONE)
                {
                    // '*' is any non-empty segment: only an all-star glob covers that.
                    return allStars(g, i);
                }
                return Segments.globMatches(g.bytes, g.starts[i], g.ends[i], r.bytes, rs, re);
            default:
                return false;
        }
    }

    private static boolean allStars(final Pattern p, final int segment)
    {
        for (int k = p.starts[segment]; k < p.ends[segment]; k++)
        {
            if (p.bytes.getByte(k) != AddressRules.STAR)
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Pattern && ((Pattern)o).bytes.equals(bytes);
    }

    @Override
    public int hashCode()
    {
        return bytes.hashCode();
    }

    @Override
    public String toString()
    {
        return text();
    }
}
