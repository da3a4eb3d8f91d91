package to.clasp.protocol;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageStringCodingException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;
import to.clasp.protocol.message.AckMessage;
import to.clasp.protocol.message.AnnounceMessage;
import to.clasp.protocol.message.BundleMessage;
import to.clasp.protocol.message.ErrorMessage;
import to.clasp.protocol.message.FederationSyncMessage;
import to.clasp.protocol.message.GetMessage;
import to.clasp.protocol.message.HelloMessage;
import to.clasp.protocol.message.Message;
import to.clasp.protocol.message.MessageCodec;
import to.clasp.protocol.message.PingMessage;
import to.clasp.protocol.message.PongMessage;
import to.clasp.protocol.message.PublishMessage;
import to.clasp.protocol.message.QueryMessage;
import to.clasp.protocol.message.ReplayMessage;
import to.clasp.protocol.message.ResultEntry;
import to.clasp.protocol.message.ResultMessage;
import to.clasp.protocol.message.RevisionEntry;
import to.clasp.protocol.message.SetMessage;
import to.clasp.protocol.message.SignalInfo;
import to.clasp.protocol.message.SignalMeta;
import to.clasp.protocol.message.SnapshotEntry;
import to.clasp.protocol.message.SnapshotMessage;
import to.clasp.protocol.message.SubscribeMessage;
import to.clasp.protocol.message.SyncMessage;
import to.clasp.protocol.message.UnsubscribeMessage;
import to.clasp.protocol.message.WelcomeMessage;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Legacy MessagePack ("v2") payloads → compact binary (wire-protocol.md §6). The map is read with msgpack-core into
 * a bounded tree, mapped onto the heap {@link Message} model, and encoded by {@link MessageCodec} into a scratch
 * buffer, where {@link FrameDecoder} validates it with the compact-binary path like any other payload.
 * <p>
 * Mapping: {@code "type"} upper-case name, snake_case keys, signal/phase as lower-case names (or codes), nil or a
 * missing key = absent, MessagePack int → Int, float → Float. This path allocates; it is the legacy path (the
 * Python client sends only BUNDLE and QUERY this way).
 */
final class MessagePackTranscoder
{
    /** Envelope levels above a value: bundle map → messages array → message map → field. */
    private static final int MAX_TREE_DEPTH = to.clasp.protocol.ValueType.MAX_DEPTH + 4;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    /** A BUNDLE's items are encoded here first (a new 64 KiB buffer per bundle otherwise). */
    private final UnsafeBuffer itemScratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private byte[] input = new byte[1024];
    private int payloadLength;
    /**
     * One reader, reset for each payload: a new one per payload allocated its 16 KiB string decoding buffer each
     * time. Strings longer than the payload cannot be read whole, so the size limit is the largest payload.
     */
    private final ArrayBufferInput source = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = new MessagePack.UnpackerConfig()
        .withActionOnMalformedString(CodingErrorAction.REPORT)
        .withActionOnUnmappableString(CodingErrorAction.REPORT)
        .withStringSizeLimit(Frame.MAX_PAYLOAD_LENGTH)
        .newUnpacker(source);

    /**
     * @return {@link DecodeError#OK} with the compact payload in {@link #buffer()}, or an error code.
     */
    int transcode(final DirectBuffer buffer, final int offset, final int length)
    {
        payloadLength = 0;
        if (input.length < length)
        {
            input = new byte[Math.max(length, input.length * 2)];
        }
        buffer.getBytes(offset, input, 0, length);
        try
        {
            source.reset(input, 0, length);
            unpacker.reset(source);
            final Object tree = read(unpacker, length, 0);
            if (!(tree instanceof Map))
            {
                return DecodeError.BAD_MESSAGEPACK;
            }
            final Message message = toMessage(asMap(tree), true);
            final int frameLength = MessageCodec.encode(message, Qos.FIRE, scratch, 0, itemScratch);
            if (frameLength < 0)
            {
                return DecodeError.TOO_LARGE;
            }
            payloadLength = frameLength - Frame.HEADER_LENGTH;
            return DecodeError.OK;
        }
        catch (final Reject ex)
        {
            return ex.code;
        }
        catch (final MessageStringCodingException ex)
        {
            return DecodeError.INVALID_UTF8;
        }
        catch (final MessagePackException | IOException ex)
        {
            return DecodeError.BAD_MESSAGEPACK;
        }
        catch (final IllegalArgumentException ex)
        {
            // An encoder refused a field: a string or collection over 65 535, i.e. cannot be framed.
            return DecodeError.TOO_LARGE;
        }
    }

    DirectBuffer buffer()
    {
        return scratch;
    }

    int payloadOffset()
    {
        return Frame.HEADER_LENGTH;
    }

    int payloadLength()
    {
        return payloadLength;
    }

    // ---------------------------------------------------------------- MessagePack → bounded tree

    private static Object read(final MessageUnpacker unpacker, final int inputLength, final int depth)
        throws IOException
    {
        final MessageFormat format = unpacker.getNextFormat();
        final ValueType type = format.getValueType();
        switch (type)
        {
            case NIL:
                unpacker.unpackNil();
                return null;
            case BOOLEAN:
                return unpacker.unpackBoolean();
            case INTEGER:
                return unpacker.unpackLong();
            case FLOAT:
                return unpacker.unpackDouble();
            case STRING:
                return unpacker.unpackString();
            case BINARY:
            {
                final int n = unpacker.unpackBinaryHeader();
                if (n < 0 || n > inputLength)
                {
                    throw new Reject(DecodeError.BAD_MESSAGEPACK);
                }
                return unpacker.readPayload(n);
            }
            case ARRAY:
            {
                if (depth >= MAX_TREE_DEPTH)
                {
                    throw new Reject(DecodeError.TOO_DEEP);
                }
                final int n = unpacker.unpackArrayHeader();
                if (n < 0 || n > inputLength)
                {
                    throw new Reject(DecodeError.BAD_MESSAGEPACK);
                }
                final List<Object> list = new ArrayList<>();
                for (int i = 0; i < n; i++)
                {
                    list.add(read(unpacker, inputLength, depth + 1));
                }
                return list;
            }
            case MAP:
            {
                if (depth >= MAX_TREE_DEPTH)
                {
                    throw new Reject(DecodeError.TOO_DEEP);
                }
                final int n = unpacker.unpackMapHeader();
                if (n < 0 || n > inputLength)
                {
                    throw new Reject(DecodeError.BAD_MESSAGEPACK);
                }
                final Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++)
                {
                    if (unpacker.getNextFormat().getValueType() != ValueType.STRING)
                    {
                        throw new Reject(DecodeError.BAD_MESSAGEPACK);
                    }
                    final String key = unpacker.unpackString();
                    map.put(key, read(unpacker, inputLength, depth + 1));
                }
                return map;
            }
            default:
                throw new Reject(DecodeError.BAD_MESSAGEPACK); // extension types have no CLASP value form
        }
    }

    // ---------------------------------------------------------------- tree → Message

    private static Message toMessage(final Map<String, Object> m, final boolean allowBundle)
    {
        final Object typeName = m.get("type");
        if (!(typeName instanceof String))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        final int type = MessageType.fromName((String)typeName);
        switch (type)
        {
            case MessageType.HELLO:
                return new HelloMessage(u8(m, "version", 1), features(m, 0), str(m, "name", ""),
                    str(m, "token", ""));
            case MessageType.WELCOME:
                return new WelcomeMessage(u8(m, "version", 1), features(m, 0), lng(m, "time", 0L),
                    str(m, "session", ""), str(m, "name", ""), str(m, "token", ""));
            case MessageType.ANNOUNCE:
            {
                final List<SignalInfo> signals = new ArrayList<>();
                for (final Object o : list(m, "signals"))
                {
                    final Map<String, Object> s = asMap(o);
                    SignalMeta meta = null;
                    if (s.get("meta") != null)
                    {
                        final Map<String, Object> mm = asMap(s.get("meta"));
                        final List<Object> range = mm.get("range") == null ? null : list(mm, "range");
                        if (range != null && range.size() != 2)
                        {
                            throw new Reject(DecodeError.BAD_MESSAGEPACK);
                        }
                        meta = new SignalMeta(str(mm, "unit", null), range != null,
                            range == null ? 0 : number(range.get(0)), range == null ? 0 : number(range.get(1)),
                            mm.get("default") != null, value(mm.get("default")), str(mm, "description", null));
                    }
                    signals.add(new SignalInfo(required(s, "address"), signal(s, "signal"),
                        str(s, "datatype", null), str(s, "access", null), meta));
                }
                return new AnnounceMessage(str(m, "namespace", ""), signals);
            }
            case MessageType.FEDERATION_SYNC:
            {
                final List<String> patterns = new ArrayList<>();
                for (final Object o : list(m, "patterns"))
                {
                    patterns.add(asString(o));
                }
                final List<RevisionEntry> revisions = new ArrayList<>();
                if (m.get("revisions") != null)
                {
                    for (final Map.Entry<String, Object> e : asMap(m.get("revisions")).entrySet())
                    {
                        revisions.add(new RevisionEntry(e.getKey(), asLong(e.getValue())));
                    }
                }
                return new FederationSyncMessage(u8(m, "op", 0), patterns, revisions,
                    lng(m, "since_revision", null), str(m, "origin", null));
            }
            case MessageType.SUBSCRIBE:
            {
                final Map<String, Object> options = m.get("options") == null ? Map.of() : asMap(m.get("options"));
                return new SubscribeMessage(u32(m, "id"), required(m, "pattern"), typeMask(m),
                    u32OrNull(options, "max_rate"), dbl(options, "epsilon"), u32OrNull(options, "history"),
                    u32OrNull(options, "window"));
            }
            case MessageType.UNSUBSCRIBE:
                return new UnsubscribeMessage(u32(m, "id"));
            case MessageType.PUBLISH:
            {
                int indicator = 0;
                Object value = null;
                List<Double> samples = null;
                if (m.get("value") != null || m.get("payload") != null)
                {
                    indicator = 1;
                    value = value(m.get("value") != null ? m.get("value") : m.get("payload"));
                }
                else if (m.get("samples") != null)
                {
                    indicator = 2;
                    samples = new ArrayList<>();
                    for (final Object o : list(m, "samples"))
                    {
                        samples.add(number(o));
                    }
                }
                final int signal = m.get("signal") == null ? SignalType.EVENT : signal(m, "signal");
                return new PublishMessage(required(m, "address"), signal, phase(m), indicator, value, samples,
                    lng(m, "timestamp", null), u32OrNull(m, "id"), u32OrNull(m, "rate"));
            }
            case MessageType.SET:
                return new SetMessage(required(m, "address"), value(m.get("value")), lng(m, "revision", null),
                    bool(m, "lock"), bool(m, "unlock"), u32OrNull(m, "ttl"));
            case MessageType.GET:
                return new GetMessage(required(m, "address"));
            case MessageType.SNAPSHOT:
            {
                final List<SnapshotEntry> entries = new ArrayList<>();
                for (final Object o : list(m, "params"))
                {
                    final Map<String, Object> e = asMap(o);
                    entries.add(new SnapshotEntry(required(e, "address"), value(e.get("value")),
                        lng(e, "revision", 0L), str(e, "writer", null), lng(e, "timestamp", null)));
                }
                return new SnapshotMessage(entries);
            }
            case MessageType.REPLAY:
                return new ReplayMessage(required(m, "pattern"), lng(m, "from", null), lng(m, "to", null),
                    u32OrNull(m, "limit"), typeMask(m));
            case MessageType.BUNDLE:
            {
                if (!allowBundle)
                {
                    throw new Reject(DecodeError.TOO_DEEP);
                }
                final List<Message> messages = new ArrayList<>();
                for (final Object o : list(m, "messages"))
                {
                    messages.add(toMessage(asMap(o), false));
                }
                return new BundleMessage(lng(m, "timestamp", null), messages);
            }
            case MessageType.SYNC:
                return new SyncMessage(lng(m, "t1", 0L), lng(m, "t2", null), lng(m, "t3", null));
            case MessageType.PING:
                return new PingMessage();
            case MessageType.PONG:
                return new PongMessage();
            case MessageType.ACK:
                return new AckMessage(str(m, "address", null), lng(m, "revision", null),
                    m.get("locked") == null ? null : bool(m, "locked"), str(m, "holder", null),
                    u32OrNull(m, "correlation_id"));
            case MessageType.ERROR:
                return new ErrorMessage(u16(m, "code"), str(m, "message", ""), str(m, "address", null),
                    u32OrNull(m, "correlation_id"));
            case MessageType.QUERY:
                return new QueryMessage(required(m, "pattern"));
            case MessageType.RESULT:
            {
                final List<ResultEntry> entries = new ArrayList<>();
                for (final Object o : list(m, "signals"))
                {
                    final Map<String, Object> s = asMap(o);
                    entries.add(new ResultEntry(required(s, "address"), signal(s, "signal"),
                        str(s, "datatype", null), str(s, "access", null)));
                }
                return new ResultMessage(entries);
            }
            default:
                throw new Reject(DecodeError.UNKNOWN_MESSAGE_TYPE);
        }
    }

    // ---------------------------------------------------------------- field helpers (Reject on a wrong type)

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(final Object o)
    {
        if (!(o instanceof Map))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (Map<String, Object>)o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Map<String, Object> m, final String key)
    {
        final Object o = m.get(key);
        if (o == null)
        {
            return List.of();
        }
        if (!(o instanceof List))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (List<Object>)o;
    }

    private static String asString(final Object o)
    {
        if (!(o instanceof String))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (String)o;
    }

    /**
     * @param absent returned when the key is missing or nil.
     */
    private static String str(final Map<String, Object> m, final String key, final String absent)
    {
        final Object o = m.get(key);
        if (o == null)
        {
            return absent;
        }
        return asString(o);
    }

    /**
     * A string field without which the message means nothing (address, pattern).
     */
    private static String required(final Map<String, Object> m, final String key)
    {
        final Object o = m.get(key);
        if (o == null)
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return asString(o);
    }

    private static long asLong(final Object o)
    {
        if (!(o instanceof Long))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (Long)o;
    }

    private static Long lng(final Map<String, Object> m, final String key, final Long absent)
    {
        final Object o = m.get(key);
        if (o == null)
        {
            return absent;
        }
        return asLong(o);
    }

    private static long u32(final Map<String, Object> m, final String key)
    {
        final Long v = u32OrNull(m, key);
        if (v == null)
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return v;
    }

    private static Long u32OrNull(final Map<String, Object> m, final String key)
    {
        final Long v = lng(m, key, null);
        if (v != null && (v < 0 || v > 0xFFFF_FFFFL))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return v;
    }

    private static int u16(final Map<String, Object> m, final String key)
    {
        final long v = lng(m, key, 0L);
        if (v < 0 || v > 0xFFFF)
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (int)v;
    }

    private static int u8(final Map<String, Object> m, final String key, final long absent)
    {
        final long v = lng(m, key, absent);
        if (v < 0 || v > 0xFF)
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (int)v;
    }

    private static double number(final Object o)
    {
        if (o instanceof Double || o instanceof Long)
        {
            return ((Number)o).doubleValue();
        }
        throw new Reject(DecodeError.BAD_MESSAGEPACK);
    }

    private static Double dbl(final Map<String, Object> m, final String key)
    {
        final Object o = m.get(key);
        if (o == null)
        {
            return null;
        }
        return number(o);
    }

    private static boolean bool(final Map<String, Object> m, final String key)
    {
        final Object o = m.get(key);
        if (o == null)
        {
            return false;
        }
        if (!(o instanceof Boolean))
        {
            throw new Reject(DecodeError.BAD_MESSAGEPACK);
        }
        return (Boolean)o;
    }

    /**
     * Signal as a lower-case name (the MessagePack form) or a numeric code.
     */
    private static int signal(final Map<String, Object> m, final String key)
    {
        final Object o = m.get(key);
        if (o instanceof String)
        {
            final int code = SignalType.fromName((String)o);
            if (code < 0)
            {
                throw new Reject(DecodeError.BAD_MESSAGEPACK);
            }
            return code;
        }
        if (o instanceof Long && (Long)o >= 0 && (Long)o <= 7)
        {
            return SignalType.decode((int)(long)(Long)o);
        }
        if (o == null)
        {
            return SignalType.PARAM;
        }
        throw new Reject(DecodeError.BAD_MESSAGEPACK);
    }

    private static int phase(final Map<String, Object> m)
    {
        final Object o = m.get("phase");
        if (o == null)
        {
            return GesturePhase.START;
        }
        if (o instanceof String)
        {
            final int code = GesturePhase.fromName((String)o);
            if (code < 0)
            {
                throw new Reject(DecodeError.BAD_MESSAGEPACK);
            }
            return code;
        }
        if (o instanceof Long && (Long)o >= 0 && (Long)o <= 7)
        {
            return GesturePhase.decode((int)(long)(Long)o);
        }
        throw new Reject(DecodeError.BAD_MESSAGEPACK);
    }

    /**
     * Feature bits from an integer or a list of signal names.
     */
    private static int features(final Map<String, Object> m, final int absent)
    {
        final Object o = m.get("features");
        if (o == null)
        {
            return absent;
        }
        if (o instanceof Long)
        {
            return u8(m, "features", absent);
        }
        int bits = 0;
        for (final Object name : list(m, "features"))
        {
            final String s = asString(name);
            if ("federation".equals(s))
            {
                bits |= SignalType.FEATURE_FEDERATION;
                continue;
            }
            final int code = SignalType.fromName(s);
            if (code < 0)
            {
                throw new Reject(DecodeError.BAD_MESSAGEPACK);
            }
            bits |= SignalType.featureBit(code);
        }
        return bits;
    }

    /**
     * Type mask from "types": absent/nil/empty = all (0xFF), an integer mask, or a list of signal names.
     */
    private static int typeMask(final Map<String, Object> m)
    {
        final Object o = m.get("types");
        if (o == null)
        {
            return SignalType.ALL_TYPES_MASK;
        }
        if (o instanceof Long)
        {
            return u8(m, "types", SignalType.ALL_TYPES_MASK);
        }
        final List<Object> names = list(m, "types");
        if (names.isEmpty())
        {
            return SignalType.ALL_TYPES_MASK;
        }
        int mask = 0;
        for (final Object name : names)
        {
            final int code = SignalType.fromName(asString(name));
            if (code < 0)
            {
                throw new Reject(DecodeError.BAD_MESSAGEPACK);
            }
            mask |= SignalType.maskBit(code);
        }
        return mask;
    }

    /**
     * A CLASP value from the tree: checks nesting so ValueCodec never sees a value it would refuse for depth.
     */
    private static Object value(final Object o)
    {
        checkDepth(o, 0);
        return o;
    }

    private static void checkDepth(final Object o, final int depth)
    {
        if (o instanceof List || o instanceof Map)
        {
            if (depth >= to.clasp.protocol.ValueType.MAX_DEPTH)
            {
                throw new Reject(DecodeError.TOO_DEEP);
            }
            final Iterable<?> children = o instanceof List ? (List<?>)o : ((Map<?, ?>)o).values();
            for (final Object child : children)
            {
                checkDepth(child, depth + 1);
            }
        }
    }

    /**
     * Carries a decode error code out of the recursive mapping; no stack trace, it is control flow on bad input.
     */
    private static final class Reject extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int code;

        Reject(final int code)
        {
            super(null, null, false, false);
            this.code = code;
        }
    }
}
