package to.clasp.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the server until SIGTERM or SIGINT, then shuts it down gracefully on the main thread and returns, so the
 * process exits 0. (A plain shutdown hook would do the same work, but the JVM then exits 143 for SIGTERM.) A shutdown
 * hook stays as the fallback for any other way the JVM ends.
 */
final class ShutdownSignals
{
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals()
    {
    }

    /**
     * Run {@code reload} on SIGHUP (the tokens file and the TLS certificate are read again), on the JVM's signal
     * thread; a failure is logged, never fatal.
     */
    static void onReload(final Runnable reload)
    {
        try
        {
            Signal.handle(new Signal("HUP"), signal ->
            {
                LOG.info("SIGHUP received: reloading tokens and certificates");
                try
                {
                    reload.run();
                }
                catch (final RuntimeException ex)
                {
                    LOG.error("reload failed", ex);
                }
            });
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.warn("cannot handle SIGHUP ({}); reload by restarting", ex.getMessage());
        }
    }

    static void awaitTermination(final ClaspServer server) throws InterruptedException
    {
        final CountDownLatch stop = new CountDownLatch(1);
        final String[] signalName = {"?"};
        for (final String name : new String[] {"TERM", "INT"})
        {
            try
            {
                Signal.handle(new Signal(name), signal ->
                {
                    signalName[0] = "SIG" + signal.getName();
                    stop.countDown();
                });
            }
            catch (final IllegalArgumentException ex)
            {
                LOG.warn("cannot handle SIG{} ({}); relying on the shutdown hook", name, ex.getMessage());
            }
        }
        final Thread hook = new Thread(server::close, "clasp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        stop.await();
        LOG.info("{} received: draining", signalName[0]);
        server.close();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // already shutting down
        }
    }
}
