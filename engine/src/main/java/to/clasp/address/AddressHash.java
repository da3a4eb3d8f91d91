package to.clasp.address;

import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

import org.agrona.DirectBuffer;

/**
 * The one hash of address bytes in the router: the param store's address index, the subscription result cache, the
 * trie's segment labels, the snapshot directory and the core's per-address maps all use it, so an inbound address is
 * hashed once ({@link AddressView}) and the value is handed on.
 * <p>
 * Eight bytes per step (little-endian words), the tail as the last eight bytes overlapping what was already mixed
 * (the length is in the start value), MurmurHash3's fmix64 at the end so every input bit reaches the low bits a table
 * index uses. The seed is random per process: addresses crafted to collide in one router do not collide in another.
 * {@link AddressRules} computes the same value word by word while it validates an address ({@link #start},
 * {@link #step}, {@link #finish} are shared for that); {@link #hash} is the stand-alone form for bytes that were not
 * scanned (stored addresses, directory paths, segment labels).
 */
public final class AddressHash
{
    private static final long SEED = ThreadLocalRandom.current().nextLong();
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private AddressHash()
    {
    }

    /** Hash of {@code length} bytes at {@code offset}. */
    public static long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        long h = start(length);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            h = step(h, buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN));
        }
        return finish(tail(h, buffer, offset, length, i));
    }

    /** The low 32 bits of {@link #hash}, for int-keyed open-addressing tables (fmix64 spreads them well). */
    public static int hash32(final DirectBuffer buffer, final int offset, final int length)
    {
        return (int)hash(buffer, offset, length);
    }

    static long start(final int length)
    {
        return SEED ^ (length * MULTIPLIER);
    }

    static long step(final long h, final long word)
    {
        return Long.rotateLeft((h ^ word) * MULTIPLIER, 29);
    }

    /**
     * Mix in what is left after the whole words before {@code wordsEnd} (relative to {@code offset}): the last eight
     * bytes when there are at least eight, else the bytes packed little-endian.
     */
    static long tail(final long h, final DirectBuffer buffer, final int offset, final int length, final int wordsEnd)
    {
        if (length >= Long.BYTES)
        {
            return wordsEnd < length ? step(h, buffer.getLong(offset + length - Long.BYTES, ByteOrder.LITTLE_ENDIAN)) : h;
        }
        long packed = 0;
        for (int i = 0, shift = 0; i < length; i++, shift += 8)
        {
            packed |= (buffer.getByte(offset + i) & 0xFFL) << shift;
        }
        return step(h, packed);
    }

    static long finish(final long x)
    {
        long h = x;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
