package to.clasp.benchmarks.codec;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

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
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessagePackFrames;

/**
 * Where the Python client's MessagePack BUNDLE (wire-protocol.md E11, 76 bytes) costs what, side by side:
 * <ul>
 * <li>{@code coreDecodeBefore}: the core thread's work before the edges transcoded — a full {@link FrameDecoder}
 *     runs the MessagePack reader and the heap model, then validates the compact result.</li>
 * <li>{@code coreDecodeNow}: the core thread's work now — {@link FrameDecoder#compactOnly()} decodes the compact
 *     frame the edge left in the ring slot (expect gc.alloc.rate.norm ≈ 0 B/op).</li>
 * <li>{@code edgeTranscode}: what moved to the edge's I/O thread ({@link MessagePackFrames#transcode}).</li>
 * </ul>
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar MessagePackBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
public class MessagePackBenchmark
{
    /** E11 from the Python client: BUNDLE [{set: ['/l/1', 1.0]}] as MessagePack, flags 0x01. */
    private static final String PYTHON_BUNDLE = "53010048" +
        "83a474797065a642554e444c45a974696d657374616d70c0a86d657373616765739183a474797065a3534554a7616464726573" +
        "73a42f6c2f31a576616c7565cb3ff0000000000000";

    private final FrameDecoder full = new FrameDecoder();
    private final FrameDecoder core = FrameDecoder.compactOnly();
    private final MessagePackFrames transcoder = new MessagePackFrames();
    private UnsafeBuffer python;
    private UnsafeBuffer compact;
    private int compactLength;

    @Setup
    public void setUp()
    {
        python = new UnsafeBuffer(HexFormat.of().parseHex(PYTHON_BUNDLE));
        compactLength = transcoder.transcode(python, 0, python.capacity());
        if (compactLength < 0)
        {
            throw new IllegalStateException("the Python BUNDLE does not transcode");
        }
        compact = new UnsafeBuffer(new byte[compactLength]);
        compact.putBytes(0, transcoder.buffer(), 0, compactLength);
        if (full.decode(python, 0, python.capacity()) != DecodeError.OK ||
            core.decode(compact, 0, compactLength) != DecodeError.OK)
        {
            throw new IllegalStateException("benchmark frames do not decode");
        }
    }

    @Benchmark
    public int coreDecodeBefore()
    {
        full.decode(python, 0, python.capacity());
        return full.bundle().count();
    }

    @Benchmark
    public int coreDecodeNow()
    {
        core.decode(compact, 0, compactLength);
        return core.bundle().count();
    }

    @Benchmark
    public int edgeTranscode()
    {
        return transcoder.transcode(python, 0, python.capacity());
    }
}
