package to.clasp.address;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte helper behind cache keys and literal children: a word-at-a-time loop with an overlapping last word must
 * still see every byte, at every length and offset. (The hash: {@link AddressHashTest}.)
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
}
