package to.clasp.address;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PatternCacheTest
{
    private static UnsafeBuffer framed(final String pattern, final int at)
    {
        // The pattern at an offset inside a larger buffer, as in a SUBSCRIBE frame.
        final byte[] utf8 = pattern.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + utf8.length + 3]);
        buffer.setMemory(0, buffer.capacity(), (byte)'x');
        buffer.putBytes(at, utf8);
        return buffer;
    }

    @Test
    void sameBytesGiveTheSameInstanceOtherBytesTheirOwn()
    {
        final PatternCache cache = new PatternCache();
        final Pattern first = cache.compile(framed("/bench/7", 5), 5, 8);
        assertSame(first, cache.compile(framed("/bench/7", 11), 11, 8));
        assertEquals("/bench/7", first.text());

        final Pattern other = cache.compile(framed("/bench/8", 5), 5, 8);
        assertNotSame(first, other);
        assertEquals(Pattern.compile("/bench/8"), other);
        assertEquals("/bench/8", other.text());
        // A prefix of a cached pattern is a pattern of its own.
        assertEquals("/bench", cache.compile(framed("/bench/7", 5), 5, 6).text());
    }

    @Test
    void everyPatternOfMoreThanTheSlotsIsCompiledRight()
    {
        final PatternCache cache = new PatternCache();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 3 * PatternCache.SLOTS; i++)
            {
                final String text = (i % 3 == 0 ? "/s/" + i + "/**" : i % 3 == 1 ? "/s/*/" + i : "/s/" + i);
                final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                final Pattern p = cache.compile(new UnsafeBuffer(utf8), 0, utf8.length);
                assertEquals(text, p.text());
                assertEquals(Pattern.compile(text), p);
            }
        }
    }

    @Test
    void anInvalidPatternStillThrows()
    {
        final byte[] utf8 = "no-slash".getBytes(StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
            () -> new PatternCache().compile(new UnsafeBuffer(utf8), 0, utf8.length));
    }
}
