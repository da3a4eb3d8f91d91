package to.clasp.benchmarks.osc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.illposed.osc.BufferBytesReceiver;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCParser;
import com.illposed.osc.OSCSerializer;
import com.illposed.osc.OSCSerializerAndParserBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;
import to.clasp.transport.osc.ClaspToOsc;
import to.clasp.transport.osc.OscToClasp;

/**
 * The OSC edge's codec decision (docs/benchmarks.md, OSC codec): JavaOSC 0.8 against the edge's flyweight codec, on
 * the work the edge does per datagram — an OSC datagram in, the CLASP SET frame out ({@code in*}) — and per update
 * — a CLASP SET in, the OSC message out ({@code out*}). Run with {@code -prof gc}: time and bytes allocated per
 * message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
public class OscCodecBenchmark
{
    /** {@code fader}: /mixer/1/fader ,f 0.75 — a control surface's typical message. {@code color}: ,iiis. */
    @Param({"fader", "color"})
    public String message;

    private final OscToClasp flyweightIn = new OscToClasp("/osc");
    private final ClaspToOsc flyweightOut = new ClaspToOsc("/osc");
    private final OSCSerializerAndParserBuilder builder = new OSCSerializerAndParserBuilder();
    private final OSCParser parser = builder.buildParser();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final UnsafeBuffer oscOut = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private final ByteBuffer serialized = ByteBuffer.allocate(Frame.MAX_FRAME_LENGTH);
    private final OSCSerializer serializer = builder.buildSerializer(new BufferBytesReceiver(serialized));
    private final FrameDecoder decoder = new FrameDecoder();
    private byte[] datagram;
    private UnsafeBuffer datagramBuffer;
    private int setLength;
    private int lastLength;
    private final OscToClasp.FrameSink sink = (b, o, l) -> lastLength = l;

    @Setup
    public void setup() throws Exception
    {
        final OSCMessage m = "fader".equals(message) ?
            new OSCMessage("/mixer/1/fader", List.of(0.75f)) :
            new OSCMessage("/light/7/color", Arrays.asList(255, 128, 0, "warm"));
        final ByteBuffer b = ByteBuffer.allocate(1024);
        builder.buildSerializer(new BufferBytesReceiver(b)).write(m);
        b.flip();
        datagram = new byte[b.remaining()];
        b.get(datagram);
        datagramBuffer = new UnsafeBuffer(datagram);
        // The SET a subscriber of the OSC target receives, for the outbound direction.
        if (flyweightIn.translate(datagramBuffer, 0, datagram.length, 0, (f, o, l) ->
        {
            f.getBytes(o, frame, 0, l);
            setLength = l;
        }) != OscToClasp.OK || DecodeError.OK != decoder.decode(frame, 0, setLength))
        {
            throw new IllegalStateException("setup");
        }
    }

    /** Flyweight: read the datagram in place, write the SET frame. */
    @Benchmark
    public int inFlyweight()
    {
        flyweightIn.translate(datagramBuffer, 0, datagram.length, 0, sink);
        return lastLength;
    }

    /** JavaOSC: parse into an OSCMessage (objects, boxed arguments), then build the same SET frame from it. */
    @Benchmark
    public int inJavaOsc() throws Exception
    {
        final OSCMessage m = (OSCMessage)parser.convert(ByteBuffer.wrap(datagram));
        final List<Object> args = m.getArguments();
        final Object value;
        if (args.isEmpty())
        {
            value = null;
        }
        else if (args.size() == 1)
        {
            value = widen(args.get(0));
        }
        else
        {
            final List<Object> list = new ArrayList<>(args.size());
            for (final Object a : args)
            {
                list.add(widen(a));
            }
            value = list;
        }
        return SetEncoder.encode(oscOut, 0, Qos.FIRE, "/osc" + m.getAddress(), value, 0, 0, 0);
    }

    private static Object widen(final Object a)
    {
        return a instanceof Float ? (Object)((Float)a).doubleValue() : a instanceof Integer ?
            (Object)((Integer)a).longValue() : a;
    }

    /** Flyweight: the decoded SET's value straight into OSC bytes. */
    @Benchmark
    public int outFlyweight()
    {
        return flyweightOut.message(decoder.payload(), decoder.set().addressOffset(), decoder.set().addressLength(),
            decoder.set().value(), oscOut, 0);
    }

    /** JavaOSC: the SET's value as Java objects, an OSCMessage, serialised. */
    @Benchmark
    public int outJavaOsc(final Blackhole bh) throws Exception
    {
        final Object v = decoder.set().value().toObject();
        final List<Object> args = new ArrayList<>();
        if (v instanceof List)
        {
            for (final Object o : (List<?>)v)
            {
                args.add(narrow(o));
            }
        }
        else if (v != null)
        {
            args.add(narrow(v));
        }
        serialized.clear();
        serializer.write(new OSCMessage(decoder.set().address().substring(4), args));
        return serialized.position();
    }

    private static Object narrow(final Object o)
    {
        return o instanceof Double ? (Object)((Double)o).floatValue() : o instanceof Long ?
            (Object)((Long)o).intValue() : o;
    }
}
