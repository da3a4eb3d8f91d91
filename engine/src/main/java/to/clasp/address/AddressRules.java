package to.clasp.address;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * Syntax rules for addresses (SET / PUBLISH / GET) and subscription patterns (SUBSCRIBE, scopes).
 * <p>
 * Both checks work on the UTF-8 bytes in place and allocate nothing, so the core can validate every inbound
 * frame. UTF-8 validity itself is the codec's job; these rules only look at {@code '/'} and {@code '*'}, which
 * are single ASCII bytes and can never occur inside a multi-byte sequence, so a byte scan is exact.
 * <p>
 * Every method returns {@link #VALID} or a reason code; {@link #describe(int)} turns a code into text for the
 * ERROR message (200 "invalid address" / 202 "invalid pattern").
 *
 * <h2>Addresses</h2>
 * Start with {@code '/'}, contain no {@code '*'}, have no empty segment, at most {@link #MAX_ADDRESS_LENGTH}
 * bytes. The empty-segment rule rejects {@code /a//b} and {@code /a/} and also {@code /} alone: after the
 * leading slash it is one empty segment, so treating it any other way would be a special case that every
 * matcher would then have to agree on.
 *
 * <h2>Patterns</h2>
 * Non-empty, start with {@code '/'}, at most {@link #MAX_ADDRESS_LENGTH} bytes, no empty segment except the last
 * one (so {@code /a/} and {@code /} are accepted, as in the reference; they match only the literal addresses
 * {@code /a/} and {@code /}, which address validation rejects, so in practice they match nothing).
 * {@code *} and {@code **} are allowed anywhere; any other segment containing {@code *} is an in-segment glob.
 */
public final class AddressRules
{
    /** Longest address or pattern accepted, in UTF-8 bytes. */
    public static final int MAX_ADDRESS_LENGTH = 1024;

    public static final int VALID = 0;
    /** Zero bytes. */
    public static final int EMPTY = 1;
    /** First byte is not {@code '/'}. */
    public static final int NO_LEADING_SLASH = 2;
    /** More than {@link #MAX_ADDRESS_LENGTH} bytes. */
    public static final int TOO_LONG = 3;
    /** An empty segment ({@code //}, a trailing {@code /} in an address, or an empty segment before the last in a pattern). */
    public static final int EMPTY_SEGMENT = 4;
    /** An address contains {@code '*'}. */
    public static final int WILDCARD_IN_ADDRESS = 5;

    static final byte SLASH = '/';
    static final byte STAR = '*';

    private AddressRules()
    {
    }

    /**
     * Check an address for SET, PUBLISH or GET.
     *
     * @return {@link #VALID} or a reason code.
     */
    public static int validateAddress(final DirectBuffer buffer, final int offset, final int length)
    {
        return scanAddress(buffer, offset, length, null);
    }

    /**
     * The one address scan: validates and, in the same pass over the words, computes the {@link AddressHash}, which
     * it hands to {@code out} when the address is valid ({@link AddressView#wrap}).
     */
    static int scanAddress(final DirectBuffer buffer, final int offset, final int length, final AddressView out)
    {
        if (length <= 0)
        {
            return EMPTY;
        }
        if (length > MAX_ADDRESS_LENGTH)
        {
            return TOO_LONG;
        }
        if (buffer.getByte(offset) != SLASH)
        {
            return NO_LEADING_SLASH;
        }

        // Eight bytes per step (SWAR): the hot path of every SET and PUBLISH. The first word includes the leading
        // '/', so a '/' right after it is caught as an empty segment.
        final int end = offset + length;
        int i = offset;
        long carry = 0; // 0x80 in byte 0 when the previous word ended with '/'
        long h = AddressHash.start(length);
        for (; i + Long.BYTES <= end; i += Long.BYTES)
        {
            final long word = buffer.getLong(i, ByteOrder.LITTLE_ENDIAN);
            final long slashes = zeroBytes(word ^ SLASHES);
            if (zeroBytes(word ^ STARS) != 0 || (slashes & ((slashes << 8) | carry)) != 0)
            {
                return firstFault(buffer, offset, i, end); // something to report: find which comes first
            }
            carry = (slashes >>> 56) & 0x80;
            h = AddressHash.step(h, word);
        }

        final int reason = firstFault(buffer, offset, i, end);
        if (VALID == reason && null != out)
        {
            out.hash(AddressHash.finish(AddressHash.tail(h, buffer, offset, length, i - offset)));
        }
        return reason;
    }

    /** Byte by byte from {@code from} (the words before it are clean): the first fault, or {@link #VALID}. */
    private static int firstFault(final DirectBuffer buffer, final int offset, final int from, final int end)
    {
        byte previous = from == offset ? SLASH : buffer.getByte(from - 1);
        for (int i = Math.max(from, offset + 1); i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == STAR)
            {
                return WILDCARD_IN_ADDRESS;
            }
            if (b == SLASH && previous == SLASH)
            {
                return EMPTY_SEGMENT;
            }
            previous = b;
        }

        // A trailing slash (including "/" alone) leaves an empty last segment.
        return previous == SLASH ? EMPTY_SEGMENT : VALID;
    }

    private static final long STARS = 0x2A2A_2A2A_2A2A_2A2AL;
    private static final long SLASHES = 0x2F2F_2F2F_2F2F_2F2FL;
    private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;

    /**
     * @return 0x80 in exactly the bytes of {@code x} that are zero (no false positives, unlike the shorter
     * {@code (x - 0x01..) & ~x & 0x80..} test, which may flag a 0x01 byte above a zero byte).
     */
    static long zeroBytes(final long x)
    {
        return ~(((x & LOW7) + LOW7) | x | LOW7);
    }

    /** {@link #validateAddress(DirectBuffer, int, int)} for a String; the length rule applies to its UTF-8 encoding. */
    public static int validateAddress(final CharSequence address)
    {
        final int length = address.length();
        if (length == 0)
        {
            return EMPTY;
        }
        if (utf8Length(address) > MAX_ADDRESS_LENGTH)
        {
            return TOO_LONG;
        }
        if (address.charAt(0) != '/')
        {
            return NO_LEADING_SLASH;
        }

        char previous = '/';
        for (int i = 1; i < length; i++)
        {
            final char c = address.charAt(i);
            if (c == '*')
            {
                return WILDCARD_IN_ADDRESS;
            }
            if (c == '/' && previous == '/')
            {
                return EMPTY_SEGMENT;
            }
            previous = c;
        }

        return previous == '/' ? EMPTY_SEGMENT : VALID;
    }

    public static boolean isValidAddress(final DirectBuffer buffer, final int offset, final int length)
    {
        return validateAddress(buffer, offset, length) == VALID;
    }

    public static boolean isValidAddress(final CharSequence address)
    {
        return validateAddress(address) == VALID;
    }

    /**
     * Check a SUBSCRIBE pattern (or the pattern of a scope).
     *
     * @return {@link #VALID} or a reason code.
     */
    public static int validatePattern(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= 0)
        {
            return EMPTY;
        }
        if (length > MAX_ADDRESS_LENGTH)
        {
            return TOO_LONG;
        }
        if (buffer.getByte(offset) != SLASH)
        {
            return NO_LEADING_SLASH;
        }

        // Every '/' after the first closes a segment; that segment must not be empty. The last segment is never
        // closed by a '/', so it may be empty.
        byte previous = SLASH;
        for (int i = offset + 1, end = offset + length; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == SLASH && previous == SLASH)
            {
                return EMPTY_SEGMENT;
            }
            previous = b;
        }

        return VALID;
    }

    /** {@link #validatePattern(DirectBuffer, int, int)} for a String; the length rule applies to its UTF-8 encoding. */
    public static int validatePattern(final CharSequence pattern)
    {
        final int length = pattern.length();
        if (length == 0)
        {
            return EMPTY;
        }
        if (utf8Length(pattern) > MAX_ADDRESS_LENGTH)
        {
            return TOO_LONG;
        }
        if (pattern.charAt(0) != '/')
        {
            return NO_LEADING_SLASH;
        }

        char previous = '/';
        for (int i = 1; i < length; i++)
        {
            final char c = pattern.charAt(i);
            if (c == '/' && previous == '/')
            {
                return EMPTY_SEGMENT;
            }
            previous = c;
        }

        return VALID;
    }

    public static boolean isValidPattern(final DirectBuffer buffer, final int offset, final int length)
    {
        return validatePattern(buffer, offset, length) == VALID;
    }

    public static boolean isValidPattern(final CharSequence pattern)
    {
        return validatePattern(pattern) == VALID;
    }

    /** Human-readable text for a reason code, for ERROR messages and logs. */
    public static String describe(final int reason)
    {
        switch (reason)
        {
            case VALID:
                return "valid";
            case EMPTY:
                return "empty";
            case NO_LEADING_SLASH:
                return "must start with '/'";
            case TOO_LONG:
                return "longer than " + MAX_ADDRESS_LENGTH + " bytes";
            case EMPTY_SEGMENT:
                return "empty segment";
            case WILDCARD_IN_ADDRESS:
                return "'*' not allowed in an address";
            default:
                return "unknown reason " + reason;
        }
    }

    /**
     * Length of the UTF-8 encoding Java's own encoder would produce (a lone surrogate becomes one {@code '?'}
     * byte), without encoding.
     */
    static int utf8Length(final CharSequence s)
    {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                bytes += 1;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }
}
