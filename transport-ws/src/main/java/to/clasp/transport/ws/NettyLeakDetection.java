package to.clasp.transport.ws;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detector for production processes (the router, the load generator). Its default level,
 * {@code simple}, samples one buffer in 128 and captures a stack trace for it on the I/O thread: tens of
 * microseconds, and with two buffers per routed message about 1.6 % of messages paid it, right at the p99
 * (docs/benchmarks.md §3.6). Test JVMs do not call this and keep Netty's default.
 */
public final class NettyLeakDetection
{
    private NettyLeakDetection()
    {
    }

    /**
     * Turn the detector off, unless the operator chose a level with {@code -Dio.netty.leakDetection.level} (or the
     * older {@code io.netty.leakDetectionLevel}).
     */
    public static void disableUnlessAsked()
    {
        if (System.getProperty("io.netty.leakDetection.level") == null &&
            System.getProperty("io.netty.leakDetectionLevel") == null)
        {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
