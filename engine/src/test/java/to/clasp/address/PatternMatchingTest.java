package to.clasp.address;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pattern × address, answered by all three ways this project matches: {@link Pattern#matches(CharSequence)},
 * {@link Pattern#matches(org.agrona.DirectBuffer, int, int)} at an offset, and the {@link SubscriptionIndex}
 * trie (with and without the cache). They must agree on every row.
 */
class PatternMatchingTest
{
    /** wire-protocol.md §8.2, every row, with this project's answer (one segment matcher, `*` non-empty). */
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/a/*      | /a/b      | true",
        "/a/*      | /a        | false",
        "/a/*      | /a/       | false",   // reference trie: yes; here '*' needs a non-empty segment
        "/a/*      | /a/b/c    | false",
        "/a/**     | /a        | true",
        "/a/**     | /a/b/c    | true",
        "/a/**     | /ab       | false",
        "/**       | /         | true",
        "/a/**/b   | /a/b      | true",
        "/a/**/b   | /a/x/y/b  | true",
        "/a/**/b   | /a/b/c    | false",
        "/a/*/**   | /a/b      | true",
        "/a/*/c    | /a//c     | false",   // reference trie: yes; '*' needs a non-empty segment
        "/a/b*     | /a/bc     | true",
        "/a/b*     | /a/b      | true",
        "/a/b      | /a/b/     | false",
        "/a/?      | /a/b      | false",
        "/a/{b,c}  | /a/c      | false",
        "/a.b/*    | /axb/c    | false",
        "/**/b     | /b        | true",
        "/a/**/*   | /a/b      | true",
    })
    void referenceTable(final String pattern, final String address, final boolean expected)
    {
        assertAllAgree(pattern, address, expected);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // Literal metacharacters match themselves only.
        "/a/?          | /a/?            | true",
        "/a/{b,c}      | /a/{b,c}        | true",
        "/a/[x]        | /a/[x]          | true",
        "/a/[x]        | /a/x            | false",
        "/a.b/*        | /a.b/c          | true",
        "/a\\b         | /a\\b           | true",
        // Exact.
        "/a/b          | /a/b            | true",
        "/a/b          | /a/bb           | false",
        "/a/b          | /a              | false",
        "/a/bc         | /a/b            | false",
        // Single '*'.
        "/*            | /               | false",
        "/*            | /x              | true",
        "/*/*          | /a              | false",
        "/*/*          | /a/b            | true",
        "/*/*          | /a/b/c          | false",
        "/a/*/**       | /a              | false",
        "/**/*         | /               | false",
        "/**/*         | /x/y            | true",
        // Repeated and middle '**'.
        "/a/**/**/b    | /a/b            | true",
        "/a/**/**      | /a              | true",
        "/**/**        | /x/y            | true",
        "/**/a/**      | /a              | true",
        "/**/a/**      | /x/a            | true",
        "/**/a/**      | /a/a/a          | true",
        "/**/a/**      | /x/y            | false",
        "/a/**/b/**/c  | /a/b/c          | true",
        "/a/**/b/**/c  | /a/x/b/y/z/c    | true",
        "/a/**/b/**/c  | /a/c            | false",
        "/a/**/b/**/c  | /a/b/x          | false",
        "/**/b         | /a/b/b          | true",
        "/**/b         | /a/b/c          | false",
        "/**/b/c       | /b/c/b/c        | true",
        "/**/b/c       | /b/c/b          | false",
        "/**           | /a/b/c          | true",
        "/a/**         | /a//b           | true",
        // In-segment globs.
        "/a*b*c        | /abc            | true",
        "/a*b*c        | /aXbYc          | true",
        "/a*b*c        | /abcabc         | true",
        "/a*b*c        | /aXbY           | false",
        "/a*b*c        | /ab             | false",
        "/a*b*c        | /acb            | false",
        "/a*b*c        | /abc/c          | false",
        "/*b*          | /abc            | true",
        "/*b*          | /b              | true",
        "/*b*          | /ac             | false",
        "/zone5*       | /zone5          | true",
        "/zone5*       | /zone50         | true",
        "/zone5*       | /zone           | false",
        "/x/zone5*/t   | /x/zone5a/t     | true",
        "/x/zone5*/t   | /x/zone5a/b/t   | false",
        "/a**          | /a              | true",
        "/a**          | /abc            | true",
        "/a**          | /a/b            | false",
        "/***          | /x              | true",
        "/a/b*         | /a/b/c          | false",
        // Unicode segments (matching is on UTF-8 bytes).
        "/café/*       | /café/x         | true",
        "/caf*         | /café           | true",
        "/*é           | /é              | true",
        "/*é           | /e              | false",
        "/日本/**      | /日本/東京/x    | true",
        "/日*          | /日本           | true",
        "/*本          | /日本           | true",
        "/日本         | /日             | false",
        "/🎛/*         | /🎛/x           | true",
        // Trailing empty segment: literal, matches only the (invalid) address with the trailing slash.
        "/a/           | /a/             | true",
        "/a/           | /a              | false",
        "/a/           | /a/b            | false",
        "/             | /               | true",
        "/             | /a              | false",
        // Addresses that are not addresses.
        "/**           | a               | false",
        "/**           | ''              | false",
    })
    void edgeCases(final String pattern, final String address, final boolean expected)
    {
        assertAllAgree(pattern, address, expected);
    }

    @Test
    void longAddressesAndPatternsAtTheLimit()
    {
        final String seg = "abcdefg/"; // 8 bytes
        final String address = "/" + seg.repeat(127) + "abcdef"; // 1 + 1016 + 6 = 1023 bytes
        assertAllAgree("/**", address, true);
        assertAllAgree("/**/abcdef", address, true);
        assertAllAgree("/abcdefg/**/abc*", address, true);
        assertAllAgree("/*/".repeat(1) + "*/".repeat(126) + "*", address, true);
        assertAllAgree("/*/".repeat(1) + "*/".repeat(125) + "*", address, false);
        assertAllAgree("/" + "**/".repeat(300) + "x", address, false);
        assertAllAgree("/" + "**/a/".repeat(100) + "**", "/" + "a/".repeat(300) + "b", true);
        assertAllAgree("/" + "**/a/".repeat(100) + "**/c", "/" + "a/".repeat(300) + "b", false);
    }

    @Test
    void compileRejectsInvalidPatterns()
    {
        assertThrows(IllegalArgumentException.class, () -> Pattern.compile(""));
        assertThrows(IllegalArgumentException.class, () -> Pattern.compile("a/b"));
        assertThrows(IllegalArgumentException.class, () -> Pattern.compile("/a//b"));
        final UnsafeBuffer b = new UnsafeBuffer("/a//b".getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> Pattern.compile(b, 0, 5));
    }

    @Test
    void compileFromBufferEqualsCompileFromString()
    {
        final byte[] utf8 = "xx/日本/*/**/a*b".getBytes(StandardCharsets.UTF_8);
        final Pattern p = Pattern.compile(new UnsafeBuffer(utf8), 2, utf8.length - 2);
        assertEquals(Pattern.compile("/日本/*/**/a*b"), p);
        assertEquals("/日本/*/**/a*b", p.text());
        assertTrue(p.matches("/日本/x/y/aZb"));
    }

    @Test
    void exactPatterns()
    {
        assertTrue(Pattern.compile("/a/b").isExact());
        assertTrue(Pattern.compile("/a/?").isExact());
        assertFalse(Pattern.compile("/a/*").isExact());
        assertFalse(Pattern.compile("/a/**").isExact());
        assertFalse(Pattern.compile("/a/b*").isExact());
    }

    static void assertAllAgree(final String patternText, final String address, final boolean expected)
    {
        final Pattern pattern = Pattern.compile(patternText);
        final String what = patternText + " vs " + address;

        assertEquals(expected, pattern.matches(address), "Pattern.matches(String): " + what);

        final byte[] utf8 = address.getBytes(StandardCharsets.UTF_8);
        final byte[] padded = new byte[utf8.length + 8];
        System.arraycopy(utf8, 0, padded, 5, utf8.length);
        padded[0] = padded[1] = padded[2] = padded[3] = padded[4] = '/';
        padded[padded.length - 3] = padded[padded.length - 2] = padded[padded.length - 1] = 'z';
        final UnsafeBuffer buffer = new UnsafeBuffer(padded);
        assertEquals(expected, pattern.matches(buffer, 5, utf8.length), "Pattern.matches(buffer): " + what);

        for (final int cacheEntries : new int[]{ 0, 16 })
        {
            final SubscriptionIndex index = new SubscriptionIndex(cacheEntries, 1 << 20);
            index.add(7, 1, pattern, 0);
            for (int round = 0; round < 2; round++) // second round is served from the cache when enabled
            {
                final MatchResult r = index.match(buffer, 5, utf8.length);
                assertEquals(expected ? 1 : 0, r.subscriptionCount(), "trie (cache " + cacheEntries + "): " + what);
                assertEquals(expected ? 1 : 0, r.sessionCount(), "trie sessions: " + what);
            }
        }
    }
}
