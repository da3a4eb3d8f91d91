package to.clasp.benchmarks.core;

import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import to.clasp.core.InboundEvent;
import to.clasp.core.Router;
import to.clasp.core.RouterCore;
import to.clasp.core.RouterMetrics;
import to.clasp.edge.EdgeConnection;
import to.clasp.edge.OutboundQueue;
import to.clasp.protocol.Frame;
import to.clasp.protocol.HelloEncoder;
import to.clasp.protocol.SetEncoder;
import to.clasp.protocol.SubscribeEncoder;
import to.clasp.protocol.UnsubscribeEncoder;

/**
 * The core's cost of one SUBSCRIBE (replacing the session's subscription with the same id, so the state stays
 * the same) while the store holds {@value #ROOMS} × {@value #PER_ROOM} = 100 000 params
 * ({@code /sensors/room<r>/p<k>}), including the subscribe SNAPSHOT of the matching params and the drain of the
 * subscriber's queue.
 * <ul>
 * <li>{@code /sensors/room500/*}: a literal prefix then a wildcard, 100 matches;</li>
 * <li>{@code /sensors/room500/p7}: an exact address, 1 match;</li>
 * <li>{@code /sensors/*}/p7: a wildcard right after the first segment, 1 000 matches (no useful prefix: every
 *     param under /sensors is looked at, before and after).</li>
 * </ul>
 * {@code subscribeUnsubscribe} is the churn benchmark's pair: a second subscription (id 2, nobody else's pattern) is
 * made — with its SNAPSHOT — and dropped again, so its trie nodes are created and pruned each time.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SubscribeSnapshotBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class SubscribeSnapshotBenchmark
{
    static final int ROOMS = 1000;
    static final int PER_ROOM = 100;

    @Param({"/sensors/room500/*", "/sensors/room500/p7", "/sensors/*/p7"})
    public String pattern;

    private static final EdgeConnection NO_OP_EDGE = new EdgeConnection()
    {
        public void outboundReady()
        {
        }

        public void close(final int closeCode, final String reason)
        {
        }

        public String remoteAddress()
        {
            return "bench";
        }

        public String transport()
        {
            return "bench";
        }
    };

    private static final OutboundQueue.FrameHandler SINK = (DirectBuffer buffer, int offset, int length) -> { };

    private RouterCore core;
    private OutboundQueue subscriberQueue;
    private OutboundQueue writerQueue;
    private InboundEvent subscribeEvent;
    private InboundEvent secondSubscribeEvent;
    private InboundEvent secondUnsubscribeEvent;

    @Setup(Level.Trial)
    public void setUp()
    {
        final Router.Context ctx = new Router.Context().idleTimeoutNs(0).conclude();
        core = new RouterCore(ctx, new RouterMetrics());
        final InboundEvent event = new InboundEvent(2048);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        subscriberQueue = new OutboundQueue(1, 16 * 1024, 64L << 20);
        writerQueue = new OutboundQueue(2, 16 * 1024, 64L << 20);
        final OutboundQueue[] queues = {subscriberQueue, writerQueue};
        for (int i = 0; i < 2; i++)
        {
            event.connect(i + 1, System.nanoTime(), NO_OP_EDGE, queues[i]);
            core.onEvent(event);
            final int length = HelloEncoder.encode(scratch, 0, 1, 0xE0, "bench-" + i, null);
            event.frame(i + 1, System.nanoTime(), scratch, 0, length);
            core.onEvent(event);
        }
        for (int r = 0; r < ROOMS; r++)
        {
            for (int k = 0; k < PER_ROOM; k++)
            {
                final int length = SetEncoder.encode(scratch, 0, 0, "/sensors/room" + r + "/p" + k, (double)k, 0, 0, 0);
                event.frame(2, System.nanoTime(), scratch, 0, length);
                core.onEvent(event);
            }
            core.endOfCycle();
            drain();
        }
        final int length = SubscribeEncoder.encode(scratch, 0, 0, 1, pattern, 0xFF, null, null, null, null);
        subscribeEvent = new InboundEvent(2048);
        subscribeEvent.frame(1, System.nanoTime(), scratch, 0, length);
        final int second = SubscribeEncoder.encode(scratch, 0, 0, 2, pattern, 0xFF, null, null, null, null);
        secondSubscribeEvent = new InboundEvent(2048);
        secondSubscribeEvent.frame(1, System.nanoTime(), scratch, 0, second);
        final int unsubscribe = UnsubscribeEncoder.encode(scratch, 0, 0, 2);
        secondUnsubscribeEvent = new InboundEvent(2048);
        secondUnsubscribeEvent.frame(1, System.nanoTime(), scratch, 0, unsubscribe);
    }

    @Benchmark
    public int subscribeUnsubscribe()
    {
        core.onEvent(secondSubscribeEvent);
        core.onEvent(secondUnsubscribeEvent);
        core.endOfCycle();
        return drain();
    }

    @Benchmark
    public int subscribe()
    {
        core.onEvent(subscribeEvent);
        core.endOfCycle();
        return drain();
    }

    private int drain()
    {
        return subscriberQueue.drain(SINK, Integer.MAX_VALUE) + writerQueue.drain(SINK, Integer.MAX_VALUE);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        core.close();
    }
}
