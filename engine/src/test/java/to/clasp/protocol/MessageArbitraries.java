package to.clasp.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import to.clasp.protocol.message.AckMessage;
import to.clasp.protocol.message.AnnounceMessage;
import to.clasp.protocol.message.BundleMessage;
import to.clasp.protocol.message.ErrorMessage;
import to.clasp.protocol.message.FederationSyncMessage;
import to.clasp.protocol.message.GetMessage;
import to.clasp.protocol.message.HelloMessage;
import to.clasp.protocol.message.Message;
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

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jqwik generators for every message type and every value type (nested arrays/maps, non-ASCII strings).
 */
public final class MessageArbitraries
{
    private MessageArbitraries()
    {
    }

    /**
     * Strings mixing ASCII, Latin-1, Greek, CJK and supplementary-plane (surrogate pair) characters.
     */
    public static Arbitrary<String> strings()
    {
        final Arbitrary<String> bmp = Arbitraries.strings()
            .withCharRange(' ', '~').withCharRange('à', 'ÿ').withCharRange('α', 'ω').withCharRange('一', '丗')
            .ofMaxLength(12);
        final Arbitrary<String> emoji = Arbitraries.integers().between(0x1F600, 0x1F64F)
            .map(cp -> new String(Character.toChars(cp)));
        return Combinators.combine(bmp, emoji, Arbitraries.integers().between(0, 3))
            .as((s, e, n) -> n == 0 ? s + e : s);
    }

    public static Arbitrary<String> addresses()
    {
        return strings().map(s -> "/" + s);
    }

    public static Arbitrary<Object> scalars()
    {
        return Arbitraries.oneOf(
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE),
            Arbitraries.longs().map(v -> (Object)v),
            Arbitraries.longs().between(-100, 100).map(v -> (Object)v),
            Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(-0.0)
                .withSpecialValue(Double.POSITIVE_INFINITY).map(v -> (Object)v),
            Arbitraries.doubles().between(-1000, 1000).map(v -> (Object)v),
            strings().map(v -> (Object)v),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(v -> (Object)v))
            .injectNull(0.1);
    }

    /**
     * Values up to {@code depth} levels of arrays/maps.
     */
    public static Arbitrary<Object> values(final int depth)
    {
        if (depth == 0)
        {
            return scalars();
        }
        final Arbitrary<Object> inner = values(depth - 1);
        final Arbitrary<Object> list = inner.list().ofMaxSize(4).map(l -> (Object)new ArrayList<>(l));
        final Arbitrary<Object> map = Combinators.combine(strings(), inner).as((k, v) -> (Map.Entry<String, Object>)new AbstractMap.SimpleEntry<>(k, v)).list().ofMaxSize(4)
            .map(entries ->
            {
                final Map<String, Object> m = new LinkedHashMap<>();
                for (final Map.Entry<String, Object> e : entries)
                {
                    m.put(e.getKey(), e.getValue());
                }
                return (Object)m;
            });
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, scalars()), net.jqwik.api.Tuple.of(1, list), net.jqwik.api.Tuple.of(1, map));
    }

    public static Arbitrary<Object> values()
    {
        return values(3);
    }

    private static Arbitrary<Long> u32()
    {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    private static Arbitrary<Long> optU32()
    {
        return u32().injectNull(0.4);
    }

    private static Arbitrary<Long> optLong()
    {
        return Arbitraries.longs().injectNull(0.4);
    }

    private static Arbitrary<String> optString()
    {
        return strings().injectNull(0.4);
    }

    private static Arbitrary<Integer> signals()
    {
        return Arbitraries.integers().between(0, 4);
    }

    private static Arbitrary<Integer> u8()
    {
        return Arbitraries.integers().between(0, 255);
    }

    public static Arbitrary<Message> hello()
    {
        return Combinators.combine(u8(), u8(), strings(), strings()).as(HelloMessage::new);
    }

    public static Arbitrary<Message> welcome()
    {
        return Combinators.combine(u8(), u8(), Arbitraries.longs(), strings(), strings(), strings())
            .as(WelcomeMessage::new);
    }

    public static Arbitrary<Message> announce()
    {
        final Arbitrary<SignalMeta> meta = Combinators.combine(optString(), Arbitraries.of(true, false),
            Arbitraries.doubles(), Arbitraries.doubles(), Arbitraries.of(true, false), values(2), optString())
            .as((unit, hasRange, min, max, hasDefault, def, description) -> new SignalMeta(unit, hasRange,
                hasRange ? min : 0, hasRange ? max : 0, hasDefault, hasDefault ? def : null, description));
        final Arbitrary<SignalInfo> signal = Combinators.combine(addresses(), signals(), optString(), optString(),
            meta.injectNull(0.5)).as(SignalInfo::new);
        return Combinators.combine(strings(), signal.list().ofMaxSize(4)).as(AnnounceMessage::new);
    }

    public static Arbitrary<Message> federationSync()
    {
        final Arbitrary<RevisionEntry> revision = Combinators.combine(strings(), Arbitraries.longs())
            .as(RevisionEntry::new);
        return Combinators.combine(Arbitraries.integers().between(1, 4), addresses().list().ofMaxSize(4),
            revision.list().ofMaxSize(4), optLong(), optString()).as(FederationSyncMessage::new);
    }

    public static Arbitrary<Message> subscribe()
    {
        return Combinators.combine(u32(), addresses(), u8(), optU32(),
            Arbitraries.doubles().injectNull(0.4), optU32(), optU32()).as(SubscribeMessage::new);
    }

    public static Arbitrary<Message> unsubscribe()
    {
        return u32().map(UnsubscribeMessage::new);
    }

    public static Arbitrary<Message> publish()
    {
        final Arbitrary<List<Double>> samples = Arbitraries.doubles().list().ofMaxSize(6);
        final Arbitrary<Integer> indicator = Arbitraries.integers().between(0, 2);
        final Arbitrary<PublishMessage> head = Combinators.combine(addresses(), signals(),
            Arbitraries.integers().between(0, 3), indicator, values(), samples)
            .as((address, signal, phase, ind, value, s) -> new PublishMessage(address, signal, phase, ind,
                ind == 1 ? value : null, ind == 2 ? s : null, null, null, null));
        return Combinators.combine(head, optLong(), optU32(), optU32())
            .as((p, ts, id, rate) -> new PublishMessage(p.address(), p.signal(), p.phase(), p.indicator(),
                p.value(), p.samples(), ts, id, rate));
    }

    public static Arbitrary<Message> set()
    {
        return Combinators.combine(addresses(), values(), optLong(), Arbitraries.of(true, false),
            Arbitraries.of(true, false), optU32()).as(SetMessage::new);
    }

    public static Arbitrary<Message> get()
    {
        return addresses().map(GetMessage::new);
    }

    public static Arbitrary<Message> snapshot()
    {
        final Arbitrary<SnapshotEntry> entry = Combinators.combine(addresses(), values(), Arbitraries.longs(),
            optString(), optLong()).as(SnapshotEntry::new);
        return entry.list().ofMaxSize(5).map(SnapshotMessage::new);
    }

    public static Arbitrary<Message> replay()
    {
        return Combinators.combine(addresses(), optLong(), optLong(), optU32(), u8()).as(ReplayMessage::new);
    }

    public static Arbitrary<Message> bundle()
    {
        final Arbitrary<Message> inner = Arbitraries.oneOf(set(), publish(), get(), subscribe(), query(), sync(),
            Arbitraries.just(new PingMessage()));
        return Combinators.combine(optLong(), inner.list().ofMaxSize(4)).as(BundleMessage::new);
    }

    public static Arbitrary<Message> sync()
    {
        return Combinators.combine(Arbitraries.longs(), optLong(), optLong()).as(SyncMessage::new);
    }

    public static Arbitrary<Message> ack()
    {
        return Combinators.combine(addresses().injectNull(0.4), optLong(), Arbitraries.of(true, false).injectNull(0.4),
            optString(), optU32()).as(AckMessage::new);
    }

    public static Arbitrary<Message> error()
    {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), strings(), addresses().injectNull(0.4),
            optU32()).as(ErrorMessage::new);
    }

    public static Arbitrary<Message> query()
    {
        return addresses().map(QueryMessage::new);
    }

    public static Arbitrary<Message> result()
    {
        final Arbitrary<ResultEntry> entry = Combinators.combine(addresses(), signals(), optString(), optString())
            .as(ResultEntry::new);
        return entry.list().ofMaxSize(5).map(ResultMessage::new);
    }

    /**
     * Every message type, evenly.
     */
    public static Arbitrary<Message> messages()
    {
        return Arbitraries.oneOf(hello(), welcome(), announce(), federationSync(), subscribe(), unsubscribe(),
            publish(), set(), get(), snapshot(), replay(), bundle(), sync(), Arbitraries.just(new PingMessage()),
            Arbitraries.just(new PongMessage()), ack(), error(), query(), result());
    }
}
