package to.clasp.protocol;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
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
import to.clasp.protocol.message.SnapshotEntry;
import to.clasp.protocol.message.SnapshotMessage;
import to.clasp.protocol.message.SubscribeMessage;
import to.clasp.protocol.message.SyncMessage;
import to.clasp.protocol.message.UnsubscribeMessage;
import to.clasp.protocol.message.WelcomeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The legacy MessagePack form (wire-protocol.md §6) of every message type decodes into the same model as its compact
 * form; malformed MessagePack gives typed errors.
 */
class MessagePackTest
{
    private final FrameDecoder decoder = new FrameDecoder();

    // ------------------------------------------------------------------ model → MessagePack map (the §6 mapping)

    static Map<String, Object> toMap(final Message message)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", MessageType.name(message.type()));
        if (message instanceof HelloMessage h)
        {
            m.put("version", (long)h.version());
            m.put("features", (long)h.features());
            m.put("name", h.name());
            m.put("token", h.token());
        }
        else if (message instanceof WelcomeMessage w)
        {
            m.put("version", (long)w.version());
            m.put("features", (long)w.features());
            m.put("time", w.time());
            m.put("session", w.session());
            m.put("name", w.name());
            m.put("token", w.token());
        }
        else if (message instanceof AnnounceMessage a)
        {
            m.put("namespace", a.namespace());
            final List<Object> signals = new ArrayList<>();
            for (final SignalInfo s : a.signals())
            {
                final Map<String, Object> e = new LinkedHashMap<>();
                e.put("address", s.address());
                e.put("signal", SignalType.name(s.signal()));
                e.put("datatype", s.datatype());
                e.put("access", s.access());
                if (s.meta() != null)
                {
                    final Map<String, Object> meta = new LinkedHashMap<>();
                    meta.put("unit", s.meta().unit());
                    if (s.meta().hasRange())
                    {
                        meta.put("range", List.of(s.meta().min(), s.meta().max()));
                    }
                    meta.put("default", s.meta().defaultValue());
                    meta.put("description", s.meta().description());
                    e.put("meta", meta);
                }
                signals.add(e);
            }
            m.put("signals", signals);
        }
        else if (message instanceof FederationSyncMessage f)
        {
            m.put("op", (long)f.op());
            m.put("patterns", new ArrayList<Object>(f.patterns()));
            final Map<String, Object> revisions = new LinkedHashMap<>();
            for (final RevisionEntry r : f.revisions())
            {
                revisions.put(r.key(), r.revision());
            }
            m.put("revisions", revisions);
            m.put("since_revision", f.since());
            m.put("origin", f.origin());
        }
        else if (message instanceof SubscribeMessage s)
        {
            m.put("id", s.id());
            m.put("pattern", s.pattern());
            m.put("types", (long)s.typeMask());
            final Map<String, Object> options = new LinkedHashMap<>();
            options.put("max_rate", s.maxRate());
            options.put("epsilon", s.epsilon());
            options.put("history", s.history());
            options.put("window", s.window());
            m.put("options", options);
        }
        else if (message instanceof UnsubscribeMessage u)
        {
            m.put("id", u.id());
        }
        else if (message instanceof PublishMessage p)
        {
            m.put("address", p.address());
            m.put("signal", SignalType.name(p.signal()));
            m.put("phase", GesturePhase.name(p.phase()));
            m.put("value", p.indicator() == 1 ? p.value() : null);
            m.put("samples", p.indicator() == 2 ? new ArrayList<Object>(p.samples()) : null);
            m.put("timestamp", p.timestamp());
            m.put("id", p.gestureId());
            m.put("rate", p.rate());
        }
        else if (message instanceof SetMessage s)
        {
            m.put("address", s.address());
            m.put("value", s.value());
            m.put("revision", s.revision());
            m.put("lock", s.lock());
            m.put("unlock", s.unlock());
            m.put("ttl", s.ttl());
        }
        else if (message instanceof GetMessage g)
        {
            m.put("address", g.address());
        }
        else if (message instanceof SnapshotMessage s)
        {
            final List<Object> params = new ArrayList<>();
            for (final SnapshotEntry e : s.entries())
            {
                final Map<String, Object> p = new LinkedHashMap<>();
                p.put("address", e.address());
                p.put("value", e.value());
                p.put("revision", e.revision());
                p.put("writer", e.writer());
                p.put("timestamp", e.timestamp());
                params.add(p);
            }
            m.put("params", params);
        }
        else if (message instanceof ReplayMessage r)
        {
            m.put("pattern", r.pattern());
            m.put("from", r.from());
            m.put("to", r.to());
            m.put("limit", r.limit());
            m.put("types", (long)r.typeMask());
        }
        else if (message instanceof BundleMessage b)
        {
            m.put("timestamp", b.timestamp());
            final List<Object> messages = new ArrayList<>();
            for (final Message inner : b.messages())
            {
                messages.add(toMap(inner));
            }
            m.put("messages", messages);
        }
        else if (message instanceof SyncMessage s)
        {
            m.put("t1", s.t1());
            m.put("t2", s.t2());
            m.put("t3", s.t3());
        }
        else if (message instanceof AckMessage a)
        {
            m.put("address", a.address());
            m.put("revision", a.revision());
            m.put("locked", a.locked());
            m.put("holder", a.holder());
            m.put("correlation_id", a.correlationId());
        }
        else if (message instanceof ErrorMessage e)
        {
            m.put("code", (long)e.code());
            m.put("message", e.message());
            m.put("address", e.address());
            m.put("correlation_id", e.correlationId());
        }
        else if (message instanceof QueryMessage q)
        {
            m.put("pattern", q.pattern());
        }
        else if (message instanceof ResultMessage r)
        {
            final List<Object> signals = new ArrayList<>();
            for (final ResultEntry e : r.entries())
            {
                final Map<String, Object> s = new LinkedHashMap<>();
                s.put("address", e.address());
                s.put("signal", SignalType.name(e.signal()));
                s.put("datatype", e.datatype());
                s.put("access", e.access());
                signals.add(s);
            }
            m.put("signals", signals);
        }
        return m;
    }

    static byte[] pack(final Object tree)
    {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker())
        {
            write(packer, tree);
            packer.flush();
            return packer.toByteArray();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void write(final MessageBufferPacker packer, final Object o) throws IOException
    {
        if (o == null)
        {
            packer.packNil();
        }
        else if (o instanceof Boolean b)
        {
            packer.packBoolean(b);
        }
        else if (o instanceof Long l)
        {
            packer.packLong(l);
        }
        else if (o instanceof Double d)
        {
            packer.packDouble(d);
        }
        else if (o instanceof String s)
        {
            packer.packString(s);
        }
        else if (o instanceof byte[] b)
        {
            packer.packBinaryHeader(b.length);
            packer.writePayload(b);
        }
        else if (o instanceof List<?> list)
        {
            packer.packArrayHeader(list.size());
            for (final Object e : list)
            {
                write(packer, e);
            }
        }
        else
        {
            final Map<?, ?> map = (Map<?, ?>)o;
            packer.packMapHeader(map.size());
            for (final Map.Entry<?, ?> e : map.entrySet())
            {
                packer.packString((String)e.getKey());
                write(packer, e.getValue());
            }
        }
    }

    /**
     * MessagePack payloads of several types (also used as fuzz seeds by {@link RobustnessTest}).
     */
    static List<byte[]> samplePayloads()
    {
        final List<byte[]> payloads = new ArrayList<>();
        payloads.add(pack(toMap(new SetMessage("/a", List.of(1L, 2.5, "x", Map.of("k", true)), 3L, true, false, 9L))));
        payloads.add(pack(toMap(new PublishMessage("/g", SignalType.GESTURE, GesturePhase.MOVE, 1, Map.of("x", 1.0),
            null, 5L, 7L, null))));
        payloads.add(pack(toMap(new BundleMessage(10L, List.of(new SetMessage("/b", 1L, null, false, false, null),
            new PublishMessage("/e", SignalType.EVENT, 0, 0, null, null, null, null, null))))));
        payloads.add(pack(toMap(new SubscribeMessage(4, "/s/**", 0xFF, 30L, 0.5, 3L, null))));
        payloads.add(pack(toMap(new HelloMessage(1, 0xE0, "py", ""))));
        payloads.add(pack(toMap(new QueryMessage("/**"))));
        payloads.add(pack(toMap(new SnapshotMessage(List.of(new SnapshotEntry("/a", 1.5, 2, "w", 3L))))));
        return payloads;
    }

    /**
     * MessagePack cannot say "present but nil" (nil = absent, §6), and its maps cannot repeat keys.
     */
    private static boolean representable(final Message message)
    {
        if (message instanceof PublishMessage p)
        {
            return p.indicator() != 1 || p.value() != null;
        }
        if (message instanceof AnnounceMessage a)
        {
            return a.signals().stream().allMatch(s -> s.meta() == null ||
                !s.meta().hasDefault() || s.meta().defaultValue() != null);
        }
        if (message instanceof FederationSyncMessage f)
        {
            final Set<String> keys = new HashSet<>();
            return f.revisions().stream().allMatch(r -> keys.add(r.key()));
        }
        if (message instanceof BundleMessage b)
        {
            return b.messages().stream().allMatch(MessagePackTest::representable);
        }
        return true;
    }

    @Provide
    Arbitrary<Message> messages()
    {
        return MessageArbitraries.messages().filter(MessagePackTest::representable);
    }

    private int decodePayload(final byte[] payload)
    {
        return decoder.decodePayload(new UnsafeBuffer(payload), 0, payload.length);
    }

    @Property(tries = 800)
    void everyTypeDecodesFromMessagePackToTheSameModel(@ForAll("messages") final Message message)
    {
        final byte[] payload = pack(toMap(message));
        assertEquals(DecodeError.OK, decodePayload(payload));
        assertTrue(decoder.messagePack());
        assertEquals(message.type(), decoder.type());
        assertEquals(Canonical.of(message), Canonical.of(MessageCodec.toMessage(decoder)));
        assertEquals(0, decoder.internalErrors());
    }

    @Test
    void pythonPublishWithNilPayloadHasNoValueAndIntStaysInt()
    {
        final Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("type", "PUBLISH");
        inner.put("address", "/e");
        inner.put("signal", "event");
        inner.put("payload", null);
        final Map<String, Object> setInt = new LinkedHashMap<>();
        setInt.put("type", "SET");
        setInt.put("address", "/i");
        setInt.put("value", 42L);
        final Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("type", "BUNDLE");
        bundle.put("timestamp", 123L);
        bundle.put("messages", List.of(inner, setInt));
        assertEquals(DecodeError.OK, decodePayload(pack(bundle)));
        final BundleMessage decoded = (BundleMessage)MessageCodec.toMessage(decoder);
        assertEquals(123L, decoded.timestamp());
        final PublishMessage publish = (PublishMessage)decoded.messages().get(0);
        assertEquals(0, publish.indicator());
        assertEquals(SignalType.EVENT, publish.signal());
        final SetMessage set = (SetMessage)decoded.messages().get(1);
        assertEquals(42L, set.value());

        inner.put("payload", 1.5);
        assertEquals(DecodeError.OK, decodePayload(pack(bundle)));
        final PublishMessage withPayload = (PublishMessage)((BundleMessage)MessageCodec.toMessage(decoder))
            .messages().get(0);
        assertEquals(1, withPayload.indicator());
        assertEquals(1.5, withPayload.value());
    }

    @Test
    void malformedMessagePackGivesTypedErrors()
    {
        // Unknown "type" name.
        assertEquals(DecodeError.UNKNOWN_MESSAGE_TYPE, decodePayload(pack(Map.of("type", "NOPE"))));
        // Missing "type", or a "type" that is not a string.
        assertEquals(DecodeError.BAD_MESSAGEPACK, decodePayload(pack(Map.of("pattern", "/x"))));
        assertEquals(DecodeError.BAD_MESSAGEPACK, decodePayload(pack(Map.of("type", 5L))));
        // A field of the wrong MessagePack type.
        assertEquals(DecodeError.BAD_MESSAGEPACK, decodePayload(pack(Map.of("type", "QUERY", "pattern", 5L))));
        assertEquals(DecodeError.BAD_MESSAGEPACK, decodePayload(pack(Map.of("type", "UNSUBSCRIBE", "id", -1L))));
        // Truncated map.
        final byte[] query = Hex.bytes(GoldenVectorTest.E11_QUERY);
        assertEquals(DecodeError.BAD_MESSAGEPACK, decoder.decodePayload(new UnsafeBuffer(query), 4, query.length - 6));
        // Invalid UTF-8 in a str: a2 c3 28.
        assertEquals(DecodeError.INVALID_UTF8,
            decodePayload(Hex.bytes("82 a4 \"type\" a5 \"QUERY\" a7 \"pattern\" a2 c3 28")));
        // Non-string map key inside a value.
        assertEquals(DecodeError.BAD_MESSAGEPACK,
            decodePayload(Hex.bytes("83 a4 \"type\" a3 \"SET\" a7 \"address\" a2 \"/a\" a5 \"value\" 81 01 02")));
        // Extension types have no CLASP value.
        assertEquals(DecodeError.BAD_MESSAGEPACK,
            decodePayload(Hex.bytes("83 a4 \"type\" a3 \"SET\" a7 \"address\" a2 \"/a\" a5 \"value\" d4 01 00")));
        // Bundles may not nest.
        final Map<String, Object> inner = new LinkedHashMap<>(Map.of("type", "BUNDLE"));
        assertEquals(DecodeError.TOO_DEEP,
            decodePayload(pack(Map.of("type", "BUNDLE", "messages", List.of(inner)))));
        // Widening fixints to i64 would not fit one frame.
        final List<Object> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            many.add(1L);
        }
        final byte[] big = pack(Map.of("type", "SET", "address", "/big", "value", many));
        assertTrue(big.length < Frame.MAX_PAYLOAD_LENGTH);
        assertEquals(DecodeError.TOO_LARGE, decodePayload(big));
        assertFalse(decoder.messagePack());
        assertEquals(0, decoder.internalErrors());
    }

    @Test
    void compactBundleMayNotCarryMessagePackItems()
    {
        final byte[] item = pack(toMap(new QueryMessage("/q")));
        final byte[] payload = new byte[4 + 2 + item.length];
        payload[0] = (byte)MessageType.BUNDLE;
        payload[3] = 1;
        payload[4] = (byte)(item.length >>> 8);
        payload[5] = (byte)item.length;
        System.arraycopy(item, 0, payload, 6, item.length);
        assertEquals(DecodeError.BAD_BUNDLE_ITEM, decodePayload(payload));
    }
}
