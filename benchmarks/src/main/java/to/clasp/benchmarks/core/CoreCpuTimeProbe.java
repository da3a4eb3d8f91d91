package to.clasp.benchmarks.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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

/**
 * The CorePipelineBenchmark work (SETs through the core to N subscribers, end of cycle, drain), timed in the
 * thread's CPU time rather than wall time: on a machine shared with other builds, a descheduled thread inflates
 * JMH's wall-clock scores by whatever else runs, while CPU ns per SET only count the work itself (caches and the
 * sibling hyper-thread still interfere). Prints the median and the best of the measured windows.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     to.clasp.benchmarks.core.CoreCpuTimeProbe [subscribers=1] [batch=1] [windows=15] [open|token]
 * </pre>
 * {@code token} turns token auth on as {@link CorePipelineBenchmark}'s {@code auth=token} does (every SET pays its
 * write-scope check); run it beside {@code open} to see what auth costs the core per SET.
 * <pre>
 * </pre>
 */
public final class CoreCpuTimeProbe
{
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
            return "probe";
        }

        public String transport()
        {
            return "probe";
        }
    };

    private static final OutboundQueue.FrameHandler SINK = (DirectBuffer buffer, int offset, int length) -> { };

    public static void main(final String[] args)
    {
        final int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        final int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        final int windows = args.length > 2 ? Integer.parseInt(args[2]) : 15;

        final boolean auth = args.length > 3 && "token".equals(args[3]);
        final Router.Context ctx = new Router.Context().idleTimeoutNs(0);
        final String token = auth ? CorePipelineBenchmark.installToken(ctx) : null;
        final RouterCore core = new RouterCore(ctx.conclude(), new RouterMetrics());
        final InboundEvent event = new InboundEvent(2048);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Frame.MAX_FRAME_LENGTH]);
        final OutboundQueue[] queues = new OutboundQueue[subscribers + 1];
        for (int i = 0; i <= subscribers; i++)
        {
            queues[i] = new OutboundQueue(i + 1, 16 * 1024, 4L << 20);
            event.connect(i + 1, System.nanoTime(), NO_OP_EDGE, queues[i]);
            core.onEvent(event);
            int length = HelloEncoder.encode(scratch, 0, 1, 0xE0, "probe-" + i, token);
            event.frame(i + 1, System.nanoTime(), scratch, 0, length);
            core.onEvent(event);
            if (i < subscribers)
            {
                length = SubscribeEncoder.encode(scratch, 0, 0, 1, "/bench/**", 0xFF, null, null, null, null);
                event.frame(i + 1, System.nanoTime(), scratch, 0, length);
                core.onEvent(event);
            }
        }
        core.endOfCycle();
        drain(queues);
        final InboundEvent[] events = new InboundEvent[batch];
        for (int i = 0; i < batch; i++)
        {
            final String address = 1 == batch ? "/bench/mixer/ch1/gain" : "/bench/mixer/ch" + i + "/gain";
            final int length = SetEncoder.encode(scratch, 0, 0, address, 0.5 + i, 0, 0, 0);
            events[i] = new InboundEvent(2048);
            events[i].frame(subscribers + 1, System.nanoTime(), scratch, 0, length);
        }

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[] nsPerSet = new double[windows];
        final int warmupWindows = 5;
        for (int w = -warmupWindows; w < windows; w++)
        {
            final long cpuStart = threads.getCurrentThreadCpuTime();
            final long wallEnd = System.nanoTime() + 1_000_000_000L;
            long sets = 0;
            while (System.nanoTime() < wallEnd)
            {
                for (int k = 0; k < 1000; k++)
                {
                    for (int i = 0; i < batch; i++)
                    {
                        core.onEvent(events[i]);
                    }
                    core.endOfCycle();
                    drain(queues);
                }
                sets += 1000L * batch;
            }
            if (w >= 0)
            {
                nsPerSet[w] = (double)(threads.getCurrentThreadCpuTime() - cpuStart) / sets;
            }
        }
        Arrays.sort(nsPerSet);
        System.out.printf("subscribers=%d batch=%d %s: CPU ns/SET median %.1f (best %.1f) -> %.2f M SET/s per " +
            "CPU-second%n", subscribers, batch, auth ? "token" : "open", nsPerSet[windows / 2], nsPerSet[0], 1000.0 / nsPerSet[windows / 2]);
        core.close();
    }

    private static void drain(final OutboundQueue[] queues)
    {
        for (final OutboundQueue q : queues)
        {
            q.drain(SINK, Integer.MAX_VALUE);
        }
    }
}
