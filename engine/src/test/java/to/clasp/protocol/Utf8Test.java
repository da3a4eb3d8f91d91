package to.clasp.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8Test
{
    /** The JDK's decoder, set to report rather than replace, is strict RFC 3629 UTF-8: the reference. */
    private static boolean reference(final byte[] bytes, final int offset, final int length)
    {
        try
        {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        }
        catch (final CharacterCodingException e)
        {
            return false;
        }
    }

    /**
     * The ASCII fast path takes eight bytes at a time; random mostly-ASCII byte strings with a few high bytes at
     * random places, at random offsets, must get the same verdict as the reference (a non-ASCII byte inside a word
     * must fall back to the byte-wise check).
     */
    @Test
    void agreesWithTheJdkDecoderOnMostlyAsciiInput()
    {
        final Random random = new Random(7);
        final byte[] bytes = new byte[128];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int valid = 0;
        for (int n = 0; n < 200_000; n++)
        {
            final int offset = random.nextInt(8);
            final int length = random.nextInt(40);
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = (byte)('a' + random.nextInt(26));
            }
            final int highs = random.nextInt(3);
            for (int h = 0; h < highs && length > 0; h++)
            {
                final int at = offset + random.nextInt(length);
                final String piece = random.nextBoolean() ? "\u00e9" : "\u20ac";
                final byte[] enc = piece.getBytes(StandardCharsets.UTF_8);
                if (random.nextInt(4) == 0)
                {
                    bytes[at] = (byte)(0x80 + random.nextInt(0x80)); // a stray high byte: usually invalid
                }
                else
                {
                    for (int k = 0; k < enc.length && at + k < offset + length; k++)
                    {
                        bytes[at + k] = enc[k]; // may be cut short by the end: invalid
                    }
                }
            }
            final boolean expected = reference(bytes, offset, length);
            valid += expected ? 1 : 0;
            assertEquals(expected, Utf8.isValid(buffer, offset, length), "length " + length + " offset " + offset);
        }
        assertEquals(true, valid > 50_000 && valid < 190_000, "both verdicts exercised: " + valid);
    }
}
