package to.clasp.testing;

import java.util.concurrent.CountDownLatch;

import to.clasp.edge.EdgeConnection;

/**
 * A transport that breaks the {@link EdgeConnection} contract: it blocks the thread that signals it (the core's)
 * until released. The simplest way to get a core stuck in the middle of a duty cycle, as a bug in a handler would
 * leave it, for the watchdog and shutdown tests.
 */
public final class BlockingConnection implements EdgeConnection
{
    private final CountDownLatch unblock;

    public BlockingConnection(final CountDownLatch unblock)
    {
        this.unblock = unblock;
    }

    public void outboundReady()
    {
        try
        {
            unblock.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    public void close(final int closeCode, final String reason)
    {
    }

    public String remoteAddress()
    {
        return "blocking";
    }

    public String transport()
    {
        return "test";
    }
}
