package to.clasp.benchmarks.core;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
import to.clasp.security.Authenticator;
import to.clasp.security.Grant;
import to.clasp.security.IssuedTokens;
import to.clasp.security.ScopeSet;
import to.clasp.security.Secrets;

/**
 * The core pipeline for one SET on the core thread: inbound event → decode → validate → ParamStore write → match
 * (cached) → encode the broadcast once → copy into each subscriber's OutboundQueue → end of batch (one
 * outboundReady per recipient). The benchmark thread plays the core thread (no ring hand-off) and also drains the
 * queues, as the edges would, so queues stay at steady state.
 * <ul>
 * <li>{@code set}: a batch of one — one SET, then {@code endOfCycle()}, then the drain. The worst case: every
 *     per-cycle cost (clock readings, edge signalling, gauges) is paid by one SET.</li>
 * <li>{@code setBatch}: {@value #BATCH} SETs to {@value #BATCH} different addresses per cycle, then one
 *     {@code endOfCycle()} and one drain, as the core runs under load (it polls up to 256 events per cycle). Scores
 *     are per SET.</li>
 * <li>{@code setBehind}: as {@code setBatch}, but the queues are drained only every {@value #BEHIND} cycles, so
 *     every recipient is about {@value #BEHIND} × {@value #BATCH} frames (a few 16 KiB segments) behind, as at high
 *     rates. {@code segmentPool} = 0 recycles through each queue's single spare only (as before the pool): expect
 *     tens of B/op under {@code -prof gc}; the default pool: ≈ 0.</li>
 * </ul>
 * {@code auth=token}: the router has token auth on and every session's token has narrow scopes
 * ({@value #SCOPES}): the SET pays its write-scope check (one pattern match, no allocation) and the subscribers'
 * SUBSCRIBE its cover check; {@code auth=open} is the open mode's two-flag check. Compare the two side by side.
 * <p>
 * The drain stays in the measured time (it is the edges' work, done on other threads in the router), so both
 * variants understate what the core thread alone sustains; it is one pass over each queue per cycle.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CorePipelineBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CorePipelineBenchmark
{
    /** SETs per cycle in {@link #setBatch()}. */
    public static final int BATCH = 64;

    /** Cycles between drains in {@link #setBehind()}. */
    public static final int BEHIND = 16;

    /** Scopes of the sessions' token with {@code auth=token}. */
    public static final String SCOPES = "read:/bench/**,write:/bench/mixer/**,read:/status/**";

    @Param({"1", "100"})
    public int subscribers;

    /** Segments in the queues' shared pool (Router.Context.outboundSegmentPool); 0: none. */
    @Param({"256"})
    public int segmentPool;

    @Param({"open", "token"})
    public String auth;

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
    private InboundEvent setEvent;
    private InboundEvent[] batchEvents;
    private OutboundQueue[] queues;
    private long writerId;
    private int cycles;

    /**
     * Turn token auth on in {@code ctx} with one token holding {@link #SCOPES}.
     *
     * @return the token, for the sessions' HELLO.
     */
    static String installToken(final Router.Context ctx)
    {
        final String token = "bench-token";
        final IssuedTokens tokens = new IssuedTokens();
        tokens.put(Secrets.TokenDigest.of(token), new Grant(ScopeSet.parse(SCOPES), Grant.NEVER, "bench",
            IssuedTokens.SOURCE));
        ctx.authenticator(new Authenticator(List.of(tokens)));
        return token;
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final Router.Context ctx = new Router.Context().idleTimeoutNs(0);
        final String token = "token".equals(auth) ? installToken(ctx) : null;
        ctx.conclude();
        core = new RouterCore(ctx, new RouterMetrics());
        final InboundEvent event = new InboundEvent(2048);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        queues = new OutboundQueue[subscribers + 1];
        final OutboundQueue.SegmentPool pool = segmentPool > 0 ?
            new OutboundQueue.SegmentPool(OutboundQueue.DEFAULT_SEGMENT_SIZE, segmentPool) : null;
        for (int i = 0; i <= subscribers; i++)
        {
            final long id = i + 1;
            queues[i] = new OutboundQueue(id, OutboundQueue.DEFAULT_SEGMENT_SIZE, 4L << 20, pool);
            event.connect(id, System.nanoTime(), NO_OP_EDGE, queues[i]);
            core.onEvent(event);
            int length = HelloEncoder.encode(scratch, 0, 1, 0xE0, "bench-" + i, token);
            event.frame(id, System.nanoTime(), scratch, 0, length);
            core.onEvent(event);
            if (i < subscribers)
            {
                length = SubscribeEncoder.encode(scratch, 0, 0, 1, "/bench/**", 0xFF, null, null, null, null);
                event.frame(id, System.nanoTime(), scratch, 0, length);
                core.onEvent(event);
            }
        }
        writerId = subscribers + 1;
        core.endOfCycle();
        drain();

        // The writer's SET, QoS 0 (no ACK), f64, to an address every subscriber matches.
        final int length = SetEncoder.encode(scratch, 0, 0, "/bench/mixer/ch1/gain", 0.75, 0, 0, 0);
        setEvent = new InboundEvent(2048);
        setEvent.frame(writerId, System.nanoTime(), scratch, 0, length);

        batchEvents = new InboundEvent[BATCH];
        for (int i = 0; i < BATCH; i++)
        {
            final int n = SetEncoder.encode(scratch, 0, 0, "/bench/mixer/ch" + i + "/gain", 0.5 + i, 0, 0, 0);
            batchEvents[i] = new InboundEvent(2048);
            batchEvents[i].frame(writerId, System.nanoTime(), scratch, 0, n);
        }

        // The measured path must be the accepted SET reaching every subscriber (not a refusal, e.g. a scope that
        // no longer covers the addresses): one SET, and each subscriber's queue holds its broadcast.
        core.onEvent(setEvent);
        core.endOfCycle();
        for (int i = 0; i < subscribers; i++)
        {
            if (queues[i].drain(SINK, Integer.MAX_VALUE) != 1)
            {
                throw new IllegalStateException("subscriber " + i + " did not receive the SET (auth=" + auth + ")");
            }
        }
        drain();
    }

    @Benchmark
    public void set()
    {
        core.onEvent(setEvent);
        core.endOfCycle();
        drain();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void setBatch()
    {
        final InboundEvent[] events = batchEvents;
        for (int i = 0; i < events.length; i++)
        {
            core.onEvent(events[i]);
        }
        core.endOfCycle();
        drain();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void setBehind()
    {
        final InboundEvent[] events = batchEvents;
        for (int i = 0; i < events.length; i++)
        {
            core.onEvent(events[i]);
        }
        core.endOfCycle();
        if (++cycles % BEHIND == 0)
        {
            drain();
        }
    }

    private void drain()
    {
        final OutboundQueue[] qs = queues;
        for (int i = 0; i < qs.length; i++)
        {
            qs[i].drain(SINK, Integer.MAX_VALUE);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        core.close();
    }
}
