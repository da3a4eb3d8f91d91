package to.clasp.testing;

import to.clasp.edge.EdgeConnection;

/**
 * A transport that ignores every signal from the core: for tests that drain a connection's queue themselves, or never
 * need to.
 */
public final class SilentConnection implements EdgeConnection
{
    private final String remoteAddress;

    public SilentConnection()
    {
        this("test");
    }

    public SilentConnection(final String remoteAddress)
    {
        this.remoteAddress = remoteAddress;
    }

    public void outboundReady()
    {
    }

    public void close(final int closeCode, final String reason)
    {
    }

    public String transport()
    {
        return "test";
    }

    public String remoteAddress()
    {
        return remoteAddress;
    }
}
