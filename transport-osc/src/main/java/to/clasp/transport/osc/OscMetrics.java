package to.clasp.transport.osc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The OSC edge's counters (one writer, the edge's event loop; any reader). Every datagram that arrives is counted
 * once as translated, malformed, too large or refused; datagrams the kernel dropped before the edge could read them
 * (its socket buffer was full) are read from {@code /proc/net/udp} at scrape time. Exported as {@code clasp_osc_*}.
 */
public final class OscMetrics
{
    private static final int DATAGRAMS_IN = 0;
    private static final int MESSAGES_IN = 1;
    private static final int BUNDLES_IN = 2;
    private static final int MALFORMED = 3;
    private static final int TOO_LARGE = 4;
    private static final int REFUSED = 5;
    private static final int ROUTER_ERRORS = 6;
    private static final int MESSAGES_OUT = 7;
    private static final int DATAGRAMS_OUT = 8;
    private static final int SEND_DROPPED = 9;
    private static final int SIZE = 10;

    private final AtomicLongArray values = new AtomicLongArray(SIZE);
    private volatile int localPort = -1;

    private void add(final int i, final long delta)
    {
        values.lazySet(i, values.get(i) + delta);
    }

    void localPort(final int port)
    {
        localPort = port;
    }

    void translated(final int messages, final int bundles)
    {
        add(DATAGRAMS_IN, 1);
        add(MESSAGES_IN, messages);
        add(BUNDLES_IN, bundles);
    }

    void countMalformed()
    {
        add(DATAGRAMS_IN, 1);
        add(MALFORMED, 1);
    }

    void countTooLarge()
    {
        add(DATAGRAMS_IN, 1);
        add(TOO_LARGE, 1);
    }

    void countRefused()
    {
        add(REFUSED, 1);
    }

    void routerError()
    {
        add(ROUTER_ERRORS, 1);
    }

    void sent(final int messages)
    {
        add(DATAGRAMS_OUT, 1);
        add(MESSAGES_OUT, messages);
    }

    void sendDropped(final int messages)
    {
        add(SEND_DROPPED, messages);
    }

    /** @return datagrams read from the socket (translated, malformed or too large). */
    public long datagramsIn()
    {
        return values.get(DATAGRAMS_IN);
    }

    /** @return OSC messages turned into CLASP writes. */
    public long messagesIn()
    {
        return values.get(MESSAGES_IN);
    }

    public long bundlesIn()
    {
        return values.get(BUNDLES_IN);
    }

    /** @return datagrams dropped because they are not valid OSC (or not a valid CLASP address). */
    public long malformed()
    {
        return values.get(MALFORMED);
    }

    /** @return datagrams dropped because their CLASP form exceeds one frame. */
    public long tooLarge()
    {
        return values.get(TOO_LARGE);
    }

    /** @return frames the router refused (shutting down, or its inbound ring refused them). */
    public long refused()
    {
        return values.get(REFUSED);
    }

    /** @return ERRORs the router answered OSC writes with (invalid address, bundle too far ahead, scopes). */
    public long routerErrors()
    {
        return values.get(ROUTER_ERRORS);
    }

    public long messagesOut()
    {
        return values.get(MESSAGES_OUT);
    }

    public long datagramsOut()
    {
        return values.get(DATAGRAMS_OUT);
    }

    /**
     * @return outbound messages not sent: larger than a UDP datagram (never counted as out), or refused by the socket
     * after they were handed to it (also counted in {@link #messagesOut()}).
     */
    public long sendDropped()
    {
        return values.get(SEND_DROPPED);
    }

    /**
     * @return datagrams the kernel dropped on the edge's socket (receive buffer full), from the {@code drops} column
     * of {@code /proc/net/udp} and {@code udp6}; -1 where that is not available.
     */
    public long kernelDrops()
    {
        final int port = localPort;
        if (port < 0)
        {
            return -1;
        }
        final String hexPort = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        boolean found = false;
        for (final String file : new String[] {"/proc/net/udp", "/proc/net/udp6"})
        {
            final List<String> lines;
            try
            {
                lines = Files.readAllLines(Path.of(file));
            }
            catch (final IOException | RuntimeException ex)
            {
                continue;
            }
            for (int i = 1; i < lines.size(); i++)
            {
                final String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 12 && f[1].endsWith(hexPort))
                {
                    drops += Long.parseLong(f[f.length - 1]);
                    found = true;
                }
            }
        }
        return found ? drops : -1;
    }
}
