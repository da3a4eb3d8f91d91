package to.clasp.protocol.message;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import to.clasp.protocol.AckDecoder;
import to.clasp.protocol.AckEncoder;
import to.clasp.protocol.AnnounceDecoder;
import to.clasp.protocol.AnnounceEncoder;
import to.clasp.protocol.BundleDecoder;
import to.clasp.protocol.BundleEncoder;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.ErrorEncoder;
import to.clasp.protocol.FederationSyncDecoder;
import to.clasp.protocol.FederationSyncEncoder;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.GetEncoder;
import to.clasp.protocol.HelloDecoder;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.PingEncoder;
import to.clasp.protocol.PongEncoder;
import to.clasp.protocol.PublishDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.QueryEncoder;
import to.clasp.protocol.ReplayDecoder;
import to.clasp.protocol.ReplayEncoder;
import to.clasp.protocol.ResultDecoder;
import to.clasp.protocol.ResultEncoder;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SignalEntryDecoder;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.protocol.SnapshotEncoder;
import to.clasp.protocol.SubscribeDecoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.SyncDecoder;
import to.clasp.protocol.SyncEncoder;
import to.clasp.protocol.UnsubscribeEncoder;
import to.clasp.protocol.WelcomeDecoder;
import to.clasp.protocol.WelcomeEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts between the heap {@link Message} model and frames. Encoding goes through the same encoders the router
 * uses; decoding reads the already-validated flyweight views of a {@link FrameDecoder} (one parser, not two).
 * Allocating: for clients, tests and the MessagePack path.
 */
public final class MessageCodec
{
    private MessageCodec()
    {
    }

    /**
     * Encode a complete frame.
     *
     * @return the frame length, or {@link Frame#DOES_NOT_FIT}.
     * @throws IllegalArgumentException for values that cannot be encoded (unsupported types, over-long strings,
     *                                  nesting too deep, bundles inside bundles).
     */
    public static int encode(final Message message, final int qos, final MutableDirectBuffer dst, final int offset)
    {
        return encode(message, qos, dst, offset, null);
    }

    /**
     * {@link #encode(Message, int, MutableDirectBuffer, int)} with the caller's scratch buffer for a BUNDLE's items
     * (at least {@link Frame#MAX_FRAME_LENGTH} bytes, not {@code dst}), so a caller that encodes many bundles does
     * not allocate one each time; null: allocate one.
     */
    public static int encode(final Message message, final int qos, final MutableDirectBuffer dst, final int offset,
        final UnsafeBuffer itemScratch)
    {
        if (message instanceof HelloMessage m)
        {
            final byte[] n = bytes(m.name());
            final byte[] t = bytes(m.token());
            return HelloEncoder.encode(dst, offset, qos, m.version(), m.features(), new UnsafeBuffer(n), 0, n.length,
                new UnsafeBuffer(t), 0, t.length);
        }
        if (message instanceof WelcomeMessage m)
        {
            final byte[] s = bytes(m.session());
            final byte[] n = bytes(m.name());
            final byte[] t = bytes(m.token());
            final int length = WelcomeEncoder.encode(dst, offset, m.version(), m.features(), m.time(),
                new UnsafeBuffer(s), 0, s.length, new UnsafeBuffer(n), 0, n.length, new UnsafeBuffer(t), 0, t.length);
            return withQos(dst, offset, length, qos);
        }
        if (message instanceof AnnounceMessage m)
        {
            final AnnounceEncoder encoder = new AnnounceEncoder().begin(dst, offset, qos, m.namespace());
            for (final SignalInfo s : m.signals())
            {
                final SignalMeta meta = s.meta();
                final boolean added = meta == null ?
                    encoder.addSignal(s.address(), s.signal(), s.datatype(), s.access(), false, null, null, false, null, null) :
                    encoder.addSignal(s.address(), s.signal(), s.datatype(), s.access(), true, meta.unit(),
                        meta.hasRange() ? new double[]{ meta.min(), meta.max() } : null,
                        meta.hasDefault(), meta.defaultValue(), meta.description());
                if (!added)
                {
                    return Frame.DOES_NOT_FIT;
                }
            }
            return encoder.finish();
        }
        if (message instanceof FederationSyncMessage m)
        {
            final List<String> keys = new ArrayList<>();
            final long[] revisions = new long[m.revisions().size()];
            for (int i = 0; i < revisions.length; i++)
            {
                keys.add(m.revisions().get(i).key());
                revisions[i] = m.revisions().get(i).revision();
            }
            return FederationSyncEncoder.encode(dst, offset, qos, m.op(), m.patterns(), keys, revisions, m.since(),
                m.origin());
        }
        if (message instanceof SubscribeMessage m)
        {
            return SubscribeEncoder.encode(dst, offset, qos, m.id(), m.pattern(), m.typeMask(), m.maxRate(),
                m.epsilon(), m.history(), m.window());
        }
        if (message instanceof UnsubscribeMessage m)
        {
            return UnsubscribeEncoder.encode(dst, offset, qos, m.id());
        }
        if (message instanceof PublishMessage m)
        {
            double[] samples = null;
            if (m.indicator() == PublishDecoder.INDICATOR_SAMPLES)
            {
                samples = new double[m.samples().size()];
                for (int i = 0; i < samples.length; i++)
                {
                    samples[i] = m.samples().get(i);
                }
            }
            return PublishEncoder.encode(dst, offset, qos, m.signal(), m.phase(), m.address(), m.indicator(),
                m.value(), samples, m.timestamp(), m.gestureId(), m.rate());
        }
        if (message instanceof SetMessage m)
        {
            final int options = (m.revision() != null ? SetEncoder.REVISION : 0) | (m.lock() ? SetEncoder.LOCK : 0) |
                (m.unlock() ? SetEncoder.UNLOCK : 0) | (m.ttl() != null ? SetEncoder.TTL : 0);
            return SetEncoder.encode(dst, offset, qos, m.address(), m.value(), options,
                m.revision() == null ? 0 : m.revision(), m.ttl() == null ? 0 : m.ttl());
        }
        if (message instanceof GetMessage m)
        {
            return GetEncoder.encode(dst, offset, qos, m.address());
        }
        if (message instanceof SnapshotMessage m)
        {
            final SnapshotEncoder encoder = new SnapshotEncoder()
                .begin(dst, offset, qos, Frame.MAX_PAYLOAD_LENGTH, 0xFFFF);
            for (final SnapshotEntry e : m.entries())
            {
                if (!encoder.addEntry(e.address(), e.value(), e.revision(), e.writer(), e.timestamp()))
                {
                    return Frame.DOES_NOT_FIT;
                }
            }
            return encoder.finish();
        }
        if (message instanceof ReplayMessage m)
        {
            return ReplayEncoder.encode(dst, offset, qos, m.pattern(), m.from(), m.to(), m.limit(), m.typeMask());
        }
        if (message instanceof BundleMessage m)
        {
            final BundleEncoder encoder = new BundleEncoder()
                .begin(dst, offset, qos, m.timestamp() != null, m.timestamp() == null ? 0 : m.timestamp());
            final UnsafeBuffer scratch = null != itemScratch ?
                itemScratch : new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
            for (final Message inner : m.messages())
            {
                if (inner instanceof BundleMessage)
                {
                    throw new IllegalArgumentException("bundles may not nest");
                }
                final int length = encode(inner, 0, scratch, 0);
                if (length < 0 || !encoder.addFrame(scratch, 0, length))
                {
                    return Frame.DOES_NOT_FIT;
                }
            }
            return encoder.finish();
        }
        if (message instanceof SyncMessage m)
        {
            return SyncEncoder.encode(dst, offset, qos, m.t1(), m.t2() != null, m.t2() == null ? 0 : m.t2(),
                m.t3() != null, m.t3() == null ? 0 : m.t3());
        }
        if (message instanceof PingMessage)
        {
            return withQos(dst, offset, PingEncoder.encode(dst, offset), qos);
        }
        if (message instanceof PongMessage)
        {
            return withQos(dst, offset, PongEncoder.encode(dst, offset), qos);
        }
        if (message instanceof AckMessage m)
        {
            return AckEncoder.encode(dst, offset, qos, m.address(), m.revision(), m.locked(), m.holder(),
                m.correlationId());
        }
        if (message instanceof ErrorMessage m)
        {
            final byte[] text = bytes(m.message());
            final byte[] a = m.address() == null ? null : bytes(m.address());
            return ErrorEncoder.encode(dst, offset, qos, m.code(), new UnsafeBuffer(text), 0, text.length,
                a == null ? null : new UnsafeBuffer(a), 0, a == null ? 0 : a.length,
                m.correlationId() != null, m.correlationId() == null ? 0 : m.correlationId());
        }
        if (message instanceof QueryMessage m)
        {
            return QueryEncoder.encode(dst, offset, qos, m.pattern());
        }
        final ResultMessage m = (ResultMessage)message;
        final ResultEncoder encoder = new ResultEncoder().begin(dst, offset, qos);
        for (final ResultEntry e : m.entries())
        {
            if (!encoder.addEntry(e.address(), e.signal(), e.datatype(), e.access()))
            {
                return Frame.DOES_NOT_FIT;
            }
        }
        return encoder.finish();
    }

    /**
     * Build the heap model of the message a decoder holds after a successful decode.
     *
     * @throws IllegalStateException when the last decode did not return OK.
     */
    public static Message toMessage(final FrameDecoder decoded)
    {
        switch (decoded.type())
        {
            case MessageType.HELLO:
            {
                final HelloDecoder d = decoded.hello();
                return new HelloMessage(d.version(), d.features(), d.name(), d.token());
            }
            case MessageType.WELCOME:
            {
                final WelcomeDecoder d = decoded.welcome();
                return new WelcomeMessage(d.version(), d.features(), d.time(), d.session(), d.name(), d.token());
            }
            case MessageType.ANNOUNCE:
            {
                final AnnounceDecoder d = decoded.announce();
                final List<SignalInfo> signals = new ArrayList<>(d.count());
                for (int i = 0; i < d.count(); i++)
                {
                    final SignalEntryDecoder e = d.entry(i);
                    final SignalMeta meta = e.hasMeta() ? new SignalMeta(e.unit(), e.hasRange(), e.min(), e.max(),
                        e.hasDefault(), e.hasDefault() ? e.defaultValue().toObject() : null, e.description()) : null;
                    signals.add(new SignalInfo(e.address(), e.signal(), e.datatype(), e.access(), meta));
                }
                return new AnnounceMessage(d.namespace(), signals);
            }
            case MessageType.FEDERATION_SYNC:
            {
                final FederationSyncDecoder d = decoded.federationSync();
                final List<String> patterns = new ArrayList<>(d.patternCount());
                for (int i = 0; i < d.patternCount(); i++)
                {
                    patterns.add(d.patternAt(i).pattern());
                }
                final List<RevisionEntry> revisions = new ArrayList<>(d.revisionCount());
                for (int i = 0; i < d.revisionCount(); i++)
                {
                    d.revisionAt(i);
                    revisions.add(new RevisionEntry(d.key(), d.revision()));
                }
                return new FederationSyncMessage(d.op(), patterns, revisions, d.hasSince() ? d.since() : null,
                    d.origin());
            }
            case MessageType.SUBSCRIBE:
            {
                final SubscribeDecoder d = decoded.subscribe();
                return new SubscribeMessage(d.id(), d.pattern(), d.typeMask(),
                    d.hasMaxRate() ? d.maxRate() : null, d.hasEpsilon() ? d.epsilon() : null,
                    d.hasHistory() ? d.history() : null, d.hasWindow() ? d.window() : null);
            }
            case MessageType.UNSUBSCRIBE:
                return new UnsubscribeMessage(decoded.unsubscribe().id());
            case MessageType.PUBLISH:
            {
                final PublishDecoder d = decoded.publish();
                List<Double> samples = null;
                if (d.indicator() == PublishDecoder.INDICATOR_SAMPLES)
                {
                    samples = new ArrayList<>(d.sampleCount());
                    for (int i = 0; i < d.sampleCount(); i++)
                    {
                        samples.add(d.sample(i));
                    }
                }
                return new PublishMessage(d.address(), d.signal(), d.phase(), d.indicator(),
                    d.indicator() == PublishDecoder.INDICATOR_VALUE ? d.value().toObject() : null, samples,
                    d.hasTimestamp() ? d.timestamp() : null, d.hasGestureId() ? d.gestureId() : null,
                    d.hasRate() ? d.rate() : null);
            }
            case MessageType.SET:
            {
                final SetDecoder d = decoded.set();
                return new SetMessage(d.address(), d.value().toObject(), d.hasRevision() ? d.revision() : null,
                    d.lock(), d.unlock(), d.hasTtl() ? d.ttl() : null);
            }
            case MessageType.GET:
                return new GetMessage(decoded.get().address());
            case MessageType.SNAPSHOT:
            {
                final SnapshotDecoder d = decoded.snapshot();
                final List<SnapshotEntry> entries = new ArrayList<>(d.count());
                for (int i = 0; i < d.count(); i++)
                {
                    d.entry(i);
                    entries.add(new SnapshotEntry(d.address(), d.value().toObject(), d.revision(), d.writer(),
                        d.hasTimestamp() ? d.timestamp() : null));
                }
                return new SnapshotMessage(entries);
            }
            case MessageType.REPLAY:
            {
                final ReplayDecoder d = decoded.replay();
                return new ReplayMessage(d.pattern(), d.hasFrom() ? d.from() : null, d.hasTo() ? d.to() : null,
                    d.hasLimit() ? d.limit() : null, d.typeMask());
            }
            case MessageType.BUNDLE:
            {
                final BundleDecoder d = decoded.bundle();
                final FrameDecoder item = new FrameDecoder();
                final List<Message> messages = new ArrayList<>(d.count());
                for (int i = 0; i < d.count(); i++)
                {
                    final int result = item.decodePayload(decoded.payload(), d.itemOffset(i), d.itemLength(i));
                    if (result != DecodeError.OK)
                    {
                        throw new IllegalStateException("bundle item was validated but fails: " +
                            DecodeError.describe(result));
                    }
                    messages.add(toMessage(item));
                }
                return new BundleMessage(d.hasTimestamp() ? d.timestamp() : null, messages);
            }
            case MessageType.SYNC:
            {
                final SyncDecoder d = decoded.sync();
                return new SyncMessage(d.t1(), d.hasT2() ? d.t2() : null, d.hasT3() ? d.t3() : null);
            }
            case MessageType.PING:
                return new PingMessage();
            case MessageType.PONG:
                return new PongMessage();
            case MessageType.ACK:
            {
                final AckDecoder d = decoded.ack();
                return new AckMessage(d.address(), d.hasRevision() ? d.revision() : null,
                    d.hasLocked() ? d.locked() : null, d.holder(), d.hasCorrelationId() ? d.correlationId() : null);
            }
            case MessageType.ERROR:
            {
                final ErrorDecoder d = decoded.error();
                return new ErrorMessage(d.code(), d.message(), d.address(),
                    d.hasCorrelationId() ? d.correlationId() : null);
            }
            case MessageType.QUERY:
                return new QueryMessage(decoded.query().pattern());
            case MessageType.RESULT:
            {
                final ResultDecoder d = decoded.result();
                final List<ResultEntry> entries = new ArrayList<>(d.count());
                for (int i = 0; i < d.count(); i++)
                {
                    final SignalEntryDecoder e = d.entry(i);
                    entries.add(new ResultEntry(e.address(), e.signal(), e.datatype(), e.access()));
                }
                return new ResultMessage(entries);
            }
            default:
                throw new IllegalStateException("no successfully decoded message");
        }
    }

    private static byte[] bytes(final String s)
    {
        return s == null ? new byte[0] : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The router-side encoders fix QoS Fire for WELCOME, PING and PONG; the heap form honours the caller's QoS.
     */
    private static int withQos(final MutableDirectBuffer dst, final int offset, final int length, final int qos)
    {
        if (length > 0)
        {
            dst.putByte(offset + Frame.FLAGS_OFFSET, (byte)Frame.flags(qos));
        }
        return length;
    }
}
