package to.clasp.benchmarks.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.Frame;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.PublishEncoder;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SetEncoder;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The codec's hot path: decode a SET (the JS client's E4 frame), encode the router's broadcast SET (E5), decode a
 * gesture PUBLISH (E10) and relay it. Every benchmark should show gc.alloc.rate.norm ≈ 0 B/op under -prof gc.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
public class CodecBenchmark
{
    /** E4: SET /sensors/temperature = 21.5 (f64), flags 0x41. */
    private static final String SET_FRAME =
        "534100202107" + "00142f73656e736f72732f74656d7065726174757265" + "4035800000000000";
    /** E10: gesture move on /g with {x: 1.0}, timestamp and id. */
    private static final String PUBLISH_FRAME =
        "5301002220790002" + "2f67010b000100017807" + "3ff0000000000000" + "00060a24181e4000" + "00000007";

    private final FrameDecoder decoder = new FrameDecoder();
    private final FrameDecoder setDecoded = new FrameDecoder();
    private final FrameDecoder publishDecoded = new FrameDecoder();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
    private UnsafeBuffer setFrame;
    private UnsafeBuffer publishFrame;
    private long revision;

    @Setup
    public void setUp()
    {
        setFrame = new UnsafeBuffer(HexFormat.of().parseHex(SET_FRAME));
        publishFrame = new UnsafeBuffer(HexFormat.of().parseHex(PUBLISH_FRAME));
        if (setDecoded.decode(setFrame, 0, setFrame.capacity()) != DecodeError.OK ||
            publishDecoded.decode(publishFrame, 0, publishFrame.capacity()) != DecodeError.OK)
        {
            throw new IllegalStateException("benchmark frames do not decode");
        }
    }

    @Benchmark
    public double decodeSet()
    {
        decoder.decode(setFrame, 0, setFrame.capacity());
        return decoder.set().value().asDouble();
    }

    @Benchmark
    public int encodeBroadcastSet()
    {
        return SetEncoder.broadcast(setDecoded.set(), ++revision, out, 0);
    }

    @Benchmark
    public long decodePublish()
    {
        decoder.decode(publishFrame, 0, publishFrame.capacity());
        return decoder.publish().gestureId();
    }

    @Benchmark
    public int relayPublish()
    {
        return PublishEncoder.relay(publishDecoded.publish(), Qos.FIRE, out, 0);
    }

    @Benchmark
    public int decodeSetAndEncodeBroadcast()
    {
        decoder.decode(setFrame, 0, setFrame.capacity());
        return SetEncoder.broadcast(decoder.set(), ++revision, out, 0);
    }
}
