package to.clasp.address;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one address hash: it must see every byte at every length and offset (words with an overlapping last word),
 * and the hash the validating scan computes word by word ({@link AddressView#wrap}) must be exactly the stand-alone
 * {@link AddressHash#hash} that the store, the cache and the directory use on stored bytes — or a scanned address
 * would not find its own param.
 */
class AddressHashTest
{
    @Test
    void hashDependsOnEveryByteAndOnOffsetNot()
    {
        final Set<Integer> seen = new HashSet<>();
        for (int length = 0; length <= 40; length++)
        {
            final byte[] bytes = new byte[length + 4];
            for (int i = 0; i < length; i++)
            {
                bytes[2 + i] = (byte)('a' + i % 26);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final int hash = AddressHash.hash32(buffer, 2, length);
            assertTrue(seen.add(hash), "length " + length);

            final byte[] shifted = new byte[length + 1];
            System.arraycopy(bytes, 2, shifted, 1, length);
            assertEquals(hash, AddressHash.hash32(new UnsafeBuffer(shifted), 1, length), "offset-independent");

            for (int flip = 0; flip < length; flip++)
            {
                bytes[2 + flip] ^= 0x01;
                assertTrue(seen.add(AddressHash.hash32(buffer, 2, length)), "length " + length + " flip " + flip);
                bytes[2 + flip] ^= 0x01;
            }
        }
    }

    @Test
    void theScanHashesExactlyAsTheStandAloneHash()
    {
        final Random random = new Random(42);
        final AddressView view = new AddressView();
        for (int length = 2; length <= 300; length++)
        {
            for (int offset = 0; offset < 9; offset++)
            {
                final byte[] frame = new byte[offset + length + 7];
                frame[offset] = '/';
                for (int i = 1; i < length; i++)
                {
                    // Segments of letters, a '/' now and then but never two in a row nor at the end.
                    final boolean slash = i < length - 1 && frame[offset + i - 1] != '/' && random.nextInt(6) == 0;
                    frame[offset + i] = slash ? (byte)'/' : (byte)('a' + random.nextInt(26));
                }
                final UnsafeBuffer buffer = new UnsafeBuffer(frame);
                assertEquals(AddressRules.VALID, view.wrap(buffer, offset, length),
                    () -> new String(frame, StandardCharsets.UTF_8));
                assertEquals(AddressHash.hash(buffer, offset, length), view.hash(), "length " + length);
                assertEquals(AddressHash.hash(new UnsafeBuffer(frame.clone()), offset, length), view.hash());
            }
        }
    }

    @Test
    void theScanRejectsWhatTheRulesReject()
    {
        final AddressView view = new AddressView();
        for (final String address : new String[] {"", "a", "/", "/a/", "/a//b", "/a/*", "/abcdefgh/ij*", "/abcdefghijk//"})
        {
            final byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
            assertEquals(AddressRules.validateAddress(address), view.wrap(new UnsafeBuffer(bytes), 0, bytes.length),
                address);
            assertTrue(!view.isValid(), address);
        }
    }
}
