package to.clasp.benchmarks.load;

import org.agrona.MutableDirectBuffer;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The bytes every benchmark message carries, identical for every router so sizes compare: the intended send time
 * and the actual send time (both {@link System#nanoTime()} of the generator, which sends and receives in the same
 * process), then zero padding up to the configured size. Reading both times back on delivery is what lets one
 * message give the coordinated-omission-corrected latency and the router-only latency.
 */
public final class Payload
{
    /** Offset of the intended send time (i64, little-endian as the generator is the only reader). */
    public static final int INTENDED_OFFSET = 0;
    /** Offset of the actual send time. */
    public static final int SENT_OFFSET = 8;
    /** Smallest payload: the two timestamps. */
    public static final int MIN_SIZE = 16;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private Payload()
    {
    }

    public static void write(final MutableDirectBuffer buffer, final int offset, final long intendedNs, final long sentNs)
    {
        buffer.putLong(offset + INTENDED_OFFSET, intendedNs, ORDER);
        buffer.putLong(offset + SENT_OFFSET, sentNs, ORDER);
    }

    public static void write(final byte[] bytes, final long intendedNs, final long sentNs)
    {
        putLong(bytes, INTENDED_OFFSET, intendedNs);
        putLong(bytes, SENT_OFFSET, sentNs);
    }

    public static long intendedNs(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + INTENDED_OFFSET, ORDER);
    }

    public static long sentNs(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SENT_OFFSET, ORDER);
    }

    public static long intendedNs(final byte[] bytes)
    {
        return getLong(bytes, INTENDED_OFFSET);
    }

    public static long sentNs(final byte[] bytes)
    {
        return getLong(bytes, SENT_OFFSET);
    }

    private static void putLong(final byte[] bytes, final int offset, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            bytes[offset + i] = (byte)(value >>> (8 * i));
        }
    }

    private static long getLong(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = 7; i >= 0; i--)
        {
            value = (value << 8) | (bytes[offset + i] & 0xFFL);
        }
        return value;
    }
}
