package to.clasp.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The health and metrics ports used to be blocked by one idle connection ({@code /healthz}) or about twenty
 * ({@code /metrics}) on the JDK's single-threaded HTTP server. Now idle and half-sent requests can neither block a
 * probe nor pile up: at the connection limit the oldest idle connection makes room, and requests must be complete
 * within the request timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminPortsTest
{
    @Test
    void idleAndHalfSentConnectionsNeverBlockAProbe() throws Exception
    {
        try (RouterProcess router = RouterProcess.start())
        {
            for (final int port : new int[] {router.healthPort(), router.metricsPort()})
            {
                final List<Socket> squatters = new ArrayList<>();
                try
                {
                    for (int i = 0; i < 100; i++)
                    {
                        squatters.add(connect(port, null));
                        // Every other one starts a request it never finishes (slow loris).
                        squatters.add(connect(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
                    }
                    for (int probe = 0; probe < 5; probe++)
                    {
                        final String path = port == router.healthPort() ? "/healthz" : "/metrics";
                        final long start = System.nanoTime();
                        assertEquals(200, RouterProcess.get(port, path, 2_000).statusCode(), path);
                        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        assertTrue(ms < 2_000, path + " answered in " + ms + " ms beside 200 idle connections");
                    }
                    int closed = 0;
                    for (final Socket s : squatters)
                    {
                        closed += SilentClients.isOpen(s) ? 0 : 1;
                    }
                    assertTrue(closed >= 200 - 64, "idle connections beyond the limit (64) were closed: " + closed);
                }
                finally
                {
                    for (final Socket s : squatters)
                    {
                        s.close();
                    }
                }
            }
        }
    }

    private static Socket connect(final int port, final String partialRequest) throws IOException
    {
        final Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        if (partialRequest != null)
        {
            final OutputStream out = s.getOutputStream();
            out.write(partialRequest.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        return s;
    }
}
