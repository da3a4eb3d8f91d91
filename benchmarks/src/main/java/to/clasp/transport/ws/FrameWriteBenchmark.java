package to.clasp.transport.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
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

import java.util.concurrent.TimeUnit;

/**
 * The edge's write path for one drain batch: {@code batch} E5-sized frames (44 bytes, a SET broadcast) turned into
 * WebSocket frames and flushed once, through Netty's real WebSocket encoder into a sink that releases the buffers.
 * Run once as is (hand-written headers, one pooled buffer per batch) and once with
 * {@code -jvmArgsAppend -Dclasp.ws.frameObjects=true} (one BinaryWebSocketFrame per message through the encoder).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameWriteBenchmark
{
    @Param({"1", "16", "256"})
    public int batch;

    private FrameBatchWriter writer;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[44]);

    @Setup
    public void setup()
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter()
        {
            public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
            {
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
            }
        });
        channel.pipeline().addLast(new WebSocket13FrameEncoder(false));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
        writer = new FrameBatchWriter(channel.pipeline().lastContext());
        frame.putByte(0, (byte)0x53);
    }

    @Benchmark
    public void drainBatch()
    {
        for (int i = 0; i < batch; i++)
        {
            writer.onFrame(frame, 0, 44);
        }
        writer.flush();
    }
}
