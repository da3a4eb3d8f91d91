package to.clasp.transport.aeron;

import java.io.File;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;

/**
 * One Aeron client plus, unless attached to an external driver, the embedded media driver it talks to. The client's
 * conductor always runs through an {@link AgentInvoker} (so it lives in the owner's agent thread); in
 * {@link ThreadingMode#INVOKER} mode the driver does too. {@link #invoke()} runs both duty cycles once.
 * <p>
 * Not thread-safe: created on one thread, then used by the owner's agent thread only.
 */
final class AeronRuntime implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker conductorInvoker;
    private final String directory;
    private boolean closed;

    private AeronRuntime(final MediaDriver driver, final Aeron aeron, final String directory)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.directory = directory;
        this.driverInvoker = null == driver ? null : driver.sharedAgentInvoker();
        this.conductorInvoker = aeron.conductorAgentInvoker();
    }

    /**
     * Start (or attach to) a driver and connect a client to it.
     *
     * @param options   driver settings (concluded).
     * @param namePrefix prefix of the embedded driver's directory name.
     * @param errorHandler receives the driver's and client's asynchronous errors.
     */
    static AeronRuntime start(final DriverOptions options, final String namePrefix, final ErrorHandler errorHandler)
    {
        MediaDriver driver = null;
        final String dir;
        if (null == options.aeronDir())
        {
            sweepStaleDirectories(new File(options.embeddedDirParent()));
            dir = new File(options.embeddedDirParent(),
                namePrefix + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8))
                .getPath();
            final MediaDriver.Context driverCtx = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(options.threadingMode())
                .termBufferSparseFile(true)
                .publicationTermBufferLength(options.termLength())
                .mtuLength(options.mtu())
                .errorHandler(errorHandler);
            if (ThreadingMode.INVOKER != options.threadingMode())
            {
                driverCtx
                    .sharedIdleStrategy(IdleStrategies.parse(options.idleStrategy()))
                    .sharedNetworkIdleStrategy(IdleStrategies.parse(options.idleStrategy()))
                    .conductorIdleStrategy(IdleStrategies.parse(options.idleStrategy()))
                    .senderIdleStrategy(IdleStrategies.parse(options.idleStrategy()))
                    .receiverIdleStrategy(IdleStrategies.parse(options.idleStrategy()));
            }
            driver = MediaDriver.launch(driverCtx);
        }
        else
        {
            dir = options.aeronDir();
        }

        try
        {
            final Aeron.Context aeronCtx = new Aeron.Context()
                .aeronDirectoryName(dir)
                .useConductorAgentInvoker(true)
                .awaitingIdleStrategy(IdleStrategies.parse("park:100"))
                .errorHandler(errorHandler);
            if (null != driver && ThreadingMode.INVOKER == options.threadingMode())
            {
                aeronCtx.driverAgentInvoker(driver.sharedAgentInvoker());
            }
            final Aeron aeron = Aeron.connect(aeronCtx);
            return new AeronRuntime(driver, aeron, dir);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * Delete embedded driver directories left by edges and clients that no longer exist (killed with SIGKILL, so they
     * could not clean up): {@code clasp-<role>-<pid>-<random>}. Best effort.
     */
    static void sweepStaleDirectories(final File parent)
    {
        to.clasp.journal.StaleAeronDirectories.sweep(parent, "edge", "client");
    }

    Aeron aeron()
    {
        return aeron;
    }

    /** @return the driver directory (embedded or external). */
    String directory()
    {
        return directory;
    }

    /** @return whether the driver is embedded (and owned) here. */
    boolean embedded()
    {
        return null != driver;
    }

    /**
     * Run the client conductor's duty cycle and, in INVOKER mode, the embedded driver's.
     *
     * @return work done.
     */
    int invoke()
    {
        int work = 0;
        if (null != driverInvoker)
        {
            work += driverInvoker.invoke();
        }
        work += conductorInvoker.invoke();
        return work;
    }

    /** Wait, invoking the duty cycles, for about {@code micros}. Setup paths only. */
    void invokeFor(final long micros)
    {
        final long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        while (System.nanoTime() - deadline < 0)
        {
            if (0 == invoke())
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * @param counterId one of {@code io.aeron.AeronCounters.SYSTEM_COUNTER_ID_*}.
     * @return the driver's system counter (NAKs, retransmits, bytes, errors); any thread, while open.
     */
    synchronized long systemCounter(final int counterId)
    {
        // Synchronized with close(): after close the counters' memory is unmapped and must not be read.
        return closed ? 0 : aeron.countersReader().getCounterValue(counterId);
    }

    /** Close the client, then the embedded driver (which deletes its directory). */
    public synchronized void close()
    {
        closed = true;
        CloseHelper.quietClose(aeron);
        CloseHelper.quietClose(driver);
    }
}
