package to.clasp.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the server until SIGTERM or SIGINT, then shuts it down gracefully on the main thread and returns, so the
 * process exits 0. (A plain shutdown hook would do the same work, but the JVM then exits 143 for SIGTERM.) A shutdown
 * hook stays as the fallback for any other way the JVM ends.
 */
final class ShutdownSignals
{
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    /** Time after the drain timeout for closing sockets and threads before the process is ended regardless. */
    static final long DRAIN_GRACE_MS = 1_000;
    /** Budget of writing the durable state (journal sync, final snapshot) after the drain. */
    static final long FLUSH_BUDGET_MS = 60_000;
    /** Exit code when the drain did not finish in time and the process was ended regardless. */
    static final int EXIT_FORCED = 1;

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
            final SignalHandler previous = Signal.handle(new Signal("HUP"), signal ->
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
            if (previous == SignalHandler.SIG_IGN)
            {
                // The JVM installs no handler for a signal the process inherited as ignored (nohup does that to
                // SIGHUP): a reload by signal would silently do nothing.
                LOG.warn("SIGHUP is ignored in this process (started under nohup?): reload tokens and certificates " +
                    "by restarting");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.warn("cannot handle SIGHUP ({}); reload by restarting", ex.getMessage());
        }
    }

    /**
     * Catch SIGTERM and SIGINT from now on, before the server starts: the server prints its start-up line before
     * {@link #awaitTermination} runs, and a signal in between (a supervisor, a script stopping what it just saw
     * start) used to meet the JVM's default handler: exit 143, no drain and no shutdown snapshot. A signal caught
     * while the server starts is acted on as soon as it has started.
     */
    static Termination install()
    {
        final Termination termination = new Termination();
        for (final String name : new String[] {"TERM", "INT"})
        {
            try
            {
                Signal.handle(new Signal(name), signal ->
                {
                    termination.signalName = "SIG" + signal.getName();
                    termination.stop.countDown();
                });
            }
            catch (final IllegalArgumentException ex)
            {
                LOG.warn("cannot handle SIG{} ({}); relying on the shutdown hook", name, ex.getMessage());
            }
        }
        return termination;
    }

    /** The signals caught by {@link #install}. */
    static final class Termination
    {
        private final CountDownLatch stop = new CountDownLatch(1);
        private volatile String signalName = "?";
    }

    static void awaitTermination(final Termination termination, final ClaspServer server) throws InterruptedException
    {
        final CountDownLatch stop = termination.stop;
        final Thread hook = new Thread(server::close, "clasp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        stop.await();
        LOG.info("{} received: draining", termination.signalName);
        // The drain runs on a thread of its own so that this one can end the process on time even if something
        // (a stuck core, an event loop that never returns) holds the drain up.
        final Thread drain = new Thread(server::close, "clasp-drain");
        drain.setDaemon(true);
        drain.start();
        drain.join(server.drainTimeoutMs() + DRAIN_GRACE_MS);
        if (drain.isAlive() && server.isFlushingState())
        {
            // The drain is done and the journal and final snapshot are being written: disk work with a budget of
            // its own, so a slow disk does not cost the state.
            LOG.info("writing the durable state; waiting up to {} s more", FLUSH_BUDGET_MS / 1000);
            drain.join(FLUSH_BUDGET_MS);
        }
        if (drain.isAlive())
        {
            final StringBuilder stuck = new StringBuilder();
            for (final StackTraceElement e : drain.getStackTrace())
            {
                stuck.append(System.lineSeparator()).append("\tat ").append(e);
            }
            LOG.error("shutdown did not finish within the drain timeout ({} ms); exiting now. The drain was at:{}",
                server.drainTimeoutMs(), stuck);
            Runtime.getRuntime().halt(EXIT_FORCED);
        }
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
