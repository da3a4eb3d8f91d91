package to.clasp.testing;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.protocol.AnnounceEncoder;
import to.clasp.protocol.BundleEncoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.GetEncoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.PingEncoder;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.QueryEncoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.SyncEncoder;
import to.clasp.protocol.UnsubscribeEncoder;

/**
 * Client-side frame builders for tests (engine and transports), built on the codec's encoders.
 */
public final class Frames
{
    private Frames()
    {
    }

    private static byte[] done(final UnsafeBuffer b, final int length)
    {
        if (length <= 0)
        {
            throw new IllegalStateException("frame did not encode: " + length);
        }
        return Arrays.copyOf(b.byteArray(), length);
    }

    private static UnsafeBuffer scratch()
    {
        return new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    }

    /** Parse "53 01 00 03 ..." hex (spaces optional). */
    public static byte[] hex(final String spec)
    {
        final String s = spec.replaceAll("[^0-9a-fA-F]", "");
        final byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** Lower-case hex with spaces. */
    public static String hex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte x : bytes)
        {
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }

    public static byte[] hello(final String name)
    {
        final UnsafeBuffer b = scratch();
        return done(b, HelloEncoder.encode(b, 0, 1, 0xE0, name, null));
    }

    /** HELLO carrying a token (any length up to a frame's). */
    public static byte[] hello(final String name, final String token)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        return done(b, HelloEncoder.encode(b, 0, 1, 0xE0, name, token));
    }

    /** SET with a heap value: Double → f64, Long/Integer → i64, String, Boolean, null, byte[], List, Map. */
    public static byte[] set(final int qos, final String address, final Object value)
    {
        return set(qos, address, value, 0, 0, 0);
    }

    /**
     * @param options OR of {@link SetEncoder#REVISION} (expected revision), {@link SetEncoder#LOCK},
     *                {@link SetEncoder#UNLOCK}, {@link SetEncoder#TTL}.
     */
    public static byte[] set(final int qos, final String address, final Object value, final int options,
        final long revision, final long ttl)
    {
        final UnsafeBuffer b = scratch();
        return done(b, SetEncoder.encode(b, 0, qos, address, value, options, revision, ttl));
    }

    public static byte[] get(final int qos, final String address)
    {
        final UnsafeBuffer b = scratch();
        return done(b, GetEncoder.encode(b, 0, qos, address));
    }

    public static byte[] subscribe(final long id, final String pattern)
    {
        return subscribe(id, pattern, 0xFF, null, null);
    }

    public static byte[] subscribe(final long id, final String pattern, final int typeMask, final Long maxRate,
        final Double epsilon)
    {
        final UnsafeBuffer b = scratch();
        return done(b, SubscribeEncoder.encode(b, 0, 0, id, pattern, typeMask, maxRate, epsilon, null, null));
    }

    public static byte[] unsubscribe(final long id)
    {
        final UnsafeBuffer b = scratch();
        return done(b, UnsubscribeEncoder.encode(b, 0, 0, id));
    }

    /** PUBLISH with a value (indicator 1). */
    public static byte[] publish(final int qos, final int signal, final String address, final Object value)
    {
        return publish(qos, signal, 0, address, value, null);
    }

    public static byte[] publish(final int qos, final int signal, final int phase, final String address,
        final Object value, final Long gestureId)
    {
        final UnsafeBuffer b = scratch();
        return done(b, PublishEncoder.encode(b, 0, qos, signal, phase, address,
            PublishDecoder.INDICATOR_VALUE, value, null, null, gestureId, null));
    }

    public static byte[] ping()
    {
        final UnsafeBuffer b = scratch();
        return done(b, PingEncoder.encode(b, 0));
    }

    public static byte[] pong()
    {
        final UnsafeBuffer b = scratch();
        return done(b, PongEncoder.encode(b, 0));
    }

    public static byte[] sync(final long t1)
    {
        final UnsafeBuffer b = scratch();
        return done(b, SyncEncoder.encode(b, 0, 0, t1, false, 0, false, 0));
    }

    public static byte[] query(final String pattern)
    {
        final UnsafeBuffer b = scratch();
        return done(b, QueryEncoder.encode(b, 0, 0, pattern));
    }

    /** ANNOUNCE of (address, signal) pairs under a namespace. */
    public static byte[] announce(final int qos, final String namespace, final String[] addresses,
        final int[] signals)
    {
        final UnsafeBuffer b = scratch();
        final AnnounceEncoder enc = new AnnounceEncoder().begin(b, 0, qos, namespace);
        for (int i = 0; i < addresses.length; i++)
        {
            enc.addSignal(addresses[i], signals[i], "f64", null, false, null, null, false, null, null);
        }
        return done(b, enc.finish());
    }

    /**
     * BUNDLE of complete frames (their payloads become the items).
     *
     * @param timestamp µs, or null for none.
     */
    public static byte[] bundle(final int qos, final Long timestamp, final byte[]... frames)
    {
        final UnsafeBuffer b = scratch();
        final BundleEncoder enc = new BundleEncoder().begin(b, 0, qos, null != timestamp,
            null == timestamp ? 0 : timestamp);
        for (final byte[] f : frames)
        {
            if (!enc.addFrame(new UnsafeBuffer(f), 0, f.length))
            {
                throw new IllegalStateException("bundle item did not fit");
            }
        }
        return done(b, enc.finish());
    }

    /** A frame with the given QoS bits and a raw payload (for malformed-input tests). */
    public static byte[] raw(final int qos, final byte[] payload)
    {
        final byte[] f = new byte[4 + payload.length];
        f[0] = 0x53;
        f[1] = (byte)Frame.flags(qos);
        f[2] = (byte)(payload.length >>> 8);
        f[3] = (byte)payload.length;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }
}
