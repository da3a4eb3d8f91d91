package to.clasp.address;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte helpers behind cache keys and literal children: word-at-a-time loops with an overlapping last word
 * must still see every byte, at every length and offset.
 */
class SegmentsTest
{
    @Test
    void equalSeesEveryByteAtEveryLength()
    {
        for (int length = 0; length <= 40; length++)
        {
            for (int offset = 0; offset < 3; offset++)
            {
                final byte[] key = new byte[length];
                final byte[] frame = new byte[offset + length + 5];
                for (int i = 0; i < length; i++)
                {
                    key[i] = (byte)('a' + i % 26);
                    frame[offset + i] = key[i];
                }
                final UnsafeBuffer buffer = new UnsafeBuffer(frame);
                final UnsafeBuffer keyBuffer = new UnsafeBuffer(key);
                assertTrue(Segments.equal(buffer, offset, key, length), "len " + length);
                assertTrue(Segments.equal(buffer, offset, keyBuffer, 0, length), "len " + length);

                for (int flip = 0; flip < length; flip++)
                {
                    frame[offset + flip] ^= 0x20;
                    assertFalse(Segments.equal(buffer, offset, key, length), "len " + length + " flip " + flip);
                    assertFalse(Segments.equal(buffer, offset, keyBuffer, 0, length), "len " + length + " flip " + flip);
                    frame[offset + flip] ^= 0x20;
                }
            }
        }
    }

    @Test
    void hashDependsOnEveryByteAndOnOffsetNot()
    {
        final long seed = 0x1234_5678_9ABC_DEF0L;
        final Set<Integer> seen = new HashSet<>();
        for (int length = 0; length <= 40; length++)
        {
            final byte[] bytes = new byte[length + 4];
            for (int i = 0; i < length; i++)
            {
                bytes[2 + i] = (byte)('a' + i % 26);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final int hash = Segments.hash(buffer, 2, length, seed);
            assertTrue(seen.add(hash), "length " + length);

            final byte[] shifted = new byte[length + 1];
            System.arraycopy(bytes, 2, shifted, 1, length);
            assertEquals(hash, Segments.hash(new UnsafeBuffer(shifted), 1, length, seed), "offset-independent");

            for (int flip = 0; flip < length; flip++)
            {
                bytes[2 + flip] ^= 0x01;
                assertTrue(seen.add(Segments.hash(buffer, 2, length, seed)), "length " + length + " flip " + flip);
                bytes[2 + flip] ^= 0x01;
            }
        }
    }
}
