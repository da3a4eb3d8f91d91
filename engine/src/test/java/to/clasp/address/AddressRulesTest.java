package to.clasp.address;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static to.clasp.address.AddressRules.EMPTY;
import static to.clasp.address.AddressRules.EMPTY_SEGMENT;
import static to.clasp.address.AddressRules.MAX_ADDRESS_LENGTH;
import static to.clasp.address.AddressRules.NO_LEADING_SLASH;
import static to.clasp.address.AddressRules.TOO_LONG;
import static to.clasp.address.AddressRules.VALID;
import static to.clasp.address.AddressRules.WILDCARD_IN_ADDRESS;

class AddressRulesTest
{
    /** Both overloads must agree; the buffer one is checked at a non-zero offset with junk around it. */
    private static int address(final String s)
    {
        final int fromString = AddressRules.validateAddress(s);
        final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer buffer = padded(utf8);
        assertEquals(fromString, AddressRules.validateAddress(buffer, 3, utf8.length), "overloads disagree on " + s);
        return fromString;
    }

    private static int pattern(final String s)
    {
        final int fromString = AddressRules.validatePattern(s);
        final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer buffer = padded(utf8);
        assertEquals(fromString, AddressRules.validatePattern(buffer, 3, utf8.length), "overloads disagree on " + s);
        return fromString;
    }

    /** 3 bytes of '/' before and '*' after, so an off-by-one read of the neighbours changes the answer. */
    private static UnsafeBuffer padded(final byte[] utf8)
    {
        final byte[] bytes = new byte[utf8.length + 6];
        bytes[0] = bytes[1] = bytes[2] = '/';
        System.arraycopy(utf8, 0, bytes, 3, utf8.length);
        bytes[bytes.length - 3] = bytes[bytes.length - 2] = bytes[bytes.length - 1] = '*';
        return new UnsafeBuffer(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/a",
        "/a/b",
        "/a/b/c",
        "/sensors/temp-1",
        "/a/?",
        "/a/{b,c}",
        "/a/[x]",
        "/a.b/c d",
        "/café/é",
        "/日本/東京",
        "/🎛/x",
    })
    void validAddresses(final String a)
    {
        assertEquals(VALID, address(a), a);
        assertTrue(AddressRules.isValidAddress(a));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a/b|" + NO_LEADING_SLASH,
        "a|" + NO_LEADING_SLASH,
        "' /a'|" + NO_LEADING_SLASH,
        "/|" + EMPTY_SEGMENT,
        "//|" + EMPTY_SEGMENT,
        "//a|" + EMPTY_SEGMENT,
        "/a//b|" + EMPTY_SEGMENT,
        "/a/|" + EMPTY_SEGMENT,
        "/a/b/|" + EMPTY_SEGMENT,
        "/a/*|" + WILDCARD_IN_ADDRESS,
        "/a/**|" + WILDCARD_IN_ADDRESS,
        "/a/b*|" + WILDCARD_IN_ADDRESS,
        "/*|" + WILDCARD_IN_ADDRESS,
    })
    void invalidAddresses(final String a, final int reason)
    {
        assertEquals(reason, address(a), a);
        assertFalse(AddressRules.isValidAddress(a));
    }

    @Test
    void emptyAddressAndPattern()
    {
        assertEquals(EMPTY, address(""));
        assertEquals(EMPTY, pattern(""));
    }

    @Test
    void lengthLimitIsInUtf8Bytes()
    {
        final String ok = "/" + "a".repeat(MAX_ADDRESS_LENGTH - 1);
        final String over = "/" + "a".repeat(MAX_ADDRESS_LENGTH);
        assertEquals(VALID, address(ok));
        assertEquals(TOO_LONG, address(over));
        assertEquals(VALID, pattern(ok));
        assertEquals(TOO_LONG, pattern(over));

        // 'é' is 2 bytes: 511 of them + "/" + "a" = 1024 bytes, one more 'é' = 1026 bytes though only 513 chars.
        final String twoByteOk = "/a" + "é".repeat(511);
        final String twoByteOver = "/" + "é".repeat(512);
        assertEquals(1024, twoByteOk.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(VALID, address(twoByteOk));
        assertEquals(TOO_LONG, address(twoByteOver));
        assertEquals(TOO_LONG, pattern(twoByteOver));

        // 4-byte characters (surrogate pairs in Java).
        final String fourByteOk = "/" + "abc" + "🎛".repeat(255);
        assertEquals(1024, fourByteOk.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(VALID, address(fourByteOk));
        assertEquals(TOO_LONG, address(fourByteOk + "x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/",
        "/a",
        "/a/",
        "/a/*",
        "/a/**",
        "/**",
        "/*",
        "/a/**/b",
        "/a/*/**",
        "/zone5*",
        "/a/a*b*c",
        "/a/a**",
        "/a/***",
        "/a/?",
        "/a/{b,c}",
        "/a/[",
        "/a/(",
        "/**/**",
        "/日本/*",
    })
    void validPatterns(final String p)
    {
        assertEquals(VALID, pattern(p), p);
        assertTrue(AddressRules.isValidPattern(p));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a|" + NO_LEADING_SLASH,
        "*|" + NO_LEADING_SLASH,
        "**|" + NO_LEADING_SLASH,
        "//|" + EMPTY_SEGMENT,
        "//a|" + EMPTY_SEGMENT,
        "/a//b|" + EMPTY_SEGMENT,
        "/a//|" + EMPTY_SEGMENT,
        "/a/**//b|" + EMPTY_SEGMENT,
    })
    void invalidPatterns(final String p, final int reason)
    {
        assertEquals(reason, pattern(p), p);
        assertFalse(AddressRules.isValidPattern(p));
    }

    @Test
    void everyReasonHasText()
    {
        for (int reason = VALID; reason <= WILDCARD_IN_ADDRESS; reason++)
        {
            assertFalse(AddressRules.describe(reason).startsWith("unknown"), "reason " + reason);
        }
    }

    @Test
    void loneSurrogateCountsAsJavaEncodesIt()
    {
        final String s = "/" + "a".repeat(MAX_ADDRESS_LENGTH - 2) + '\uD800';
        assertEquals(MAX_ADDRESS_LENGTH, s.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(VALID, AddressRules.validateAddress(s));
    }

    /**
     * The buffer check scans eight bytes per step; compare it with the String overload (a plain char loop) over
     * random strings of '/', '*', 'a' and a multi-byte letter, at every alignment, so a slip at a word boundary (a
     * "//" or '*' straddling two words, a tail shorter than a word) cannot hide.
     */
    @Test
    void wordAtATimeScanAgreesWithTheCharScanAtEveryLengthAndAlignment()
    {
        final java.util.Random random = new java.util.Random(42);
        final char[] alphabet = {'/', '/', '*', 'a', 'b', '\u00e9'};
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        for (int n = 0; n < 200_000; n++)
        {
            final int length = random.nextInt(40);
            final StringBuilder sb = new StringBuilder();
            if (random.nextInt(8) != 0)
            {
                sb.append('/');
            }
            while (sb.length() < length)
            {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            final String s = sb.toString();
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            final int offset = random.nextInt(16);
            buffer.setMemory(0, buffer.capacity(), (byte)'/');
            buffer.putBytes(offset, utf8);
            assertEquals(AddressRules.validateAddress(s), AddressRules.validateAddress(buffer, offset, utf8.length),
                () -> "disagree on '" + s + "' at offset " + offset);
        }
    }
}
