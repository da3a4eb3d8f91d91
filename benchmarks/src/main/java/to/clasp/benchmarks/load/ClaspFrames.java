package to.clasp.benchmarks.load;

import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.protocol.Frame;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.ValueType;

import java.nio.charset.StandardCharsets;

/**
 * Every CLASP frame the generator sends, made once with the codec's own encoders and, for raw WebSocket writes,
 * already wrapped in a client WebSocket header ({@link WsClientFrames}). Messages to topic {@code t} are templates whose {@link Payload} sits
 * at {@link #payloadOffset(int)}; a sender copies the template and patches the two times, nothing else.
 * Immutable after construction, so every connection shares one instance.
 */
public final class ClaspFrames
{
    /** Topic {@code t} is the address {@code /bench/t}; the subscriber's pattern covers all of them. */
    public static final String PREFIX = "/bench/";
    public static final String WILDCARD = "/bench/*";

    private final byte[][] messages;
    private final int[] payloadOffsets;
    private final int payloadSize;
    private String token;
    private final boolean confirmed;

    /**
     * @param kind        SET (QoS Fire, so the router sends no ACK), SET_CONFIRMED (QoS Confirm: one ACK each) or event
     *                    PUBLISH (no timestamp field).
     * @param payloadSize bytes of the BYTES value, at least {@link Payload#MIN_SIZE}.
     * @param topics      how many topics to prepare.
     */
    public ClaspFrames(final MessageKind kind, final int payloadSize, final int topics)
    {
        this(kind, payloadSize, topics, true);
    }

    /**
     * @param webSocket whether each message carries a client WebSocket header (for raw socket writes) or is the bare
     *                  CLASP frame (for a {@link to.clasp.client.ClientTransport} link such as Aeron's).
     */
    public ClaspFrames(final MessageKind kind, final int payloadSize, final int topics, final boolean webSocket)
    {
        if (payloadSize < Payload.MIN_SIZE || payloadSize > 60_000)
        {
            throw new IllegalArgumentException("payload size must be " + Payload.MIN_SIZE + "..60000: " + payloadSize);
        }
        this.payloadSize = payloadSize;
        this.confirmed = kind == MessageKind.SET_CONFIRMED;
        messages = new byte[topics][];
        payloadOffsets = new int[topics];
        // Canonical BYTES value: type byte, u16 length, the payload (zeros until patched).
        final UnsafeBuffer value = new UnsafeBuffer(new byte[1 + 2 + payloadSize]);
        value.putByte(0, (byte)ValueType.BYTES);
        value.putShort(1, (short)payloadSize, java.nio.ByteOrder.BIG_ENDIAN);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        for (int t = 0; t < topics; t++)
        {
            final byte[] address = (PREFIX + t).getBytes(StandardCharsets.UTF_8);
            final UnsafeBuffer a = new UnsafeBuffer(address);
            final int length = kind != MessageKind.PUBLISH ?
                SetEncoder.encode(frame, 0, confirmed ? Qos.CONFIRM : Qos.FIRE, a, 0, address.length, value, 0,
                    value.capacity(), 0, 0, 0) :
                PublishEncoder.encode(frame, 0, Qos.FIRE, SignalType.EVENT, 0, a, 0, address.length, 1,
                    value, 0, value.capacity(), null, false, 0, false, 0, false, 0);
            messages[t] = wrap(frame, length, webSocket);
            // Both encodings end with the value when no revision, TTL, timestamp or id is asked for.
            payloadOffsets[t] = messages[t].length - payloadSize;
        }
    }

    /** @return whether each message is answered with an ACK (the sender records its times to match them). */
    public boolean confirmed()
    {
        return confirmed;
    }

    /** HELLO naming the generator, no token. */
    public static byte[] hello(final String name, final boolean webSocket)
    {
        return hello(name, webSocket, null);
    }

    /** HELLO naming the generator, with {@code token} (null: none). */
    public static byte[] hello(final String name, final boolean webSocket, final String token)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024 + (token == null ? 0 : 3 * token.length())]);
        return wrap(frame, HelloEncoder.encode(frame, 0, 1, HelloEncoder.DEFAULT_FEATURES, name, token), webSocket);
    }

    /** The token the clients of these frames send in HELLO ({@code --token}, {@code --auth}); null: none. */
    public ClaspFrames token(final String token)
    {
        this.token = token;
        return this;
    }

    public String token()
    {
        return token;
    }

    /** SUBSCRIBE to {@code pattern}, every signal type. */
    public static byte[] subscribe(final int id, final String pattern, final boolean webSocket)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        return wrap(frame, SubscribeEncoder.encode(frame, 0, Qos.FIRE, id, pattern, SignalType.ALL_TYPES_MASK,
            null, null, null, null), webSocket);
    }

    /** SUBSCRIBE to {@code pattern} for the signal types in {@code typeMask} ({@link SignalType#maskBit}). */
    public static byte[] subscribe(final int id, final String pattern, final int typeMask, final boolean webSocket)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        return wrap(frame, SubscribeEncoder.encode(frame, 0, Qos.FIRE, id, pattern, typeMask,
            null, null, null, null), webSocket);
    }

    /** UNSUBSCRIBE subscription {@code id}. */
    public static byte[] unsubscribe(final int id, final boolean webSocket)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        return wrap(frame, to.clasp.protocol.UnsubscribeEncoder.encode(frame, 0, Qos.FIRE, id), webSocket);
    }

    /** PING: its PONG proves the router has handled every frame this connection sent before it. */
    public static byte[] ping(final boolean webSocket)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[16]);
        return wrap(frame, to.clasp.protocol.PingEncoder.encode(frame, 0), webSocket);
    }

    public int topics()
    {
        return messages.length;
    }

    public int payloadSize()
    {
        return payloadSize;
    }

    /** The message (WebSocket header if asked for, then the CLASP frame) for topic {@code t}; do not modify. */
    public byte[] message(final int topic)
    {
        return messages[topic];
    }

    /** Where the payload starts in {@link #message(int)}. */
    public int payloadOffset(final int topic)
    {
        return payloadOffsets[topic];
    }

    private static byte[] wrap(final UnsafeBuffer frame, final int length, final boolean webSocket)
    {
        if (length <= 0)
        {
            throw new IllegalStateException("frame does not fit");
        }
        if (!webSocket)
        {
            final byte[] bare = new byte[length];
            frame.getBytes(0, bare);
            return bare;
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[WsClientFrames.headerLength(length) + length]);
        WsClientFrames.write(out, 0, frame, 0, length);
        return out.byteArray();
    }
}
