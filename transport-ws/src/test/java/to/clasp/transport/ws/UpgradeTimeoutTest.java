package to.clasp.transport.ws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.transport.ws.testing.RouterFixture;
import to.clasp.transport.ws.testing.TestWsClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade timeout (one timer per event loop, {@code ConnectionAdmission.UpgradeDeadlines}): connections that have
 * not finished the WebSocket upgrade by their deadline are closed and counted; those that upgraded, or closed on
 * their own, are left alone.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpgradeTimeoutTest
{
    private static final long TIMEOUT_MS = 300;

    @Test
    void connectionsThatDoNotUpgradeInTimeAreClosedAndTheOthersAreNot() throws Exception
    {
        try (RouterFixture fixture = RouterFixture.start(r -> r, e -> e.upgradeTimeoutMs(TIMEOUT_MS));
             TestWsClient upgraded = TestWsClient.connect(fixture.port()))
        {
            // Accepted after the upgraded client and before the silent ones: its deadline falls between theirs.
            try (Socket leftEarly = new Socket("127.0.0.1", fixture.port()))
            {
                leftEarly.setSoTimeout(1);
            }
            try (Socket silent = new Socket("127.0.0.1", fixture.port());
                 Socket slowLoris = new Socket("127.0.0.1", fixture.port()))
            {
                slowLoris.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                final long start = System.nanoTime();
                assertClosedByRouter(silent);
                assertClosedByRouter(slowLoris);
                final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waitedMs < 10 * TIMEOUT_MS + 2_000, "closed near the deadline, not " + waitedMs + " ms later");
            }
            // Both silent deadlines have passed, so the earlier ones have too (deadlines are handled oldest first).
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (fixture.edge().upgradeTimeouts() < 2 && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
            assertEquals(2, fixture.edge().upgradeTimeouts(), "the two that never upgraded, not the one that left");
            final byte[] payload = "still here".getBytes(StandardCharsets.US_ASCII);
            upgraded.ping(payload);
            assertArrayEquals(payload, upgraded.awaitPong(5_000), "the upgraded connection outlives its deadline");
        }
    }

    @Test
    void eachEventLoopKeepsTimingOutAfterItsQueueEmptied() throws Exception
    {
        // The per-loop timer stops when nothing is pending and must start again for the next connection.
        try (RouterFixture fixture = RouterFixture.start(r -> r, e -> e.upgradeTimeoutMs(TIMEOUT_MS)))
        {
            for (int round = 1; round <= 3; round++)
            {
                try (Socket silent = new Socket("127.0.0.1", fixture.port()))
                {
                    assertClosedByRouter(silent);
                }
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (fixture.edge().upgradeTimeouts() < round && System.nanoTime() - deadline < 0)
                {
                    Thread.onSpinWait();
                }
                assertEquals(round, fixture.edge().upgradeTimeouts());
            }
        }
    }

    private static void assertClosedByRouter(final Socket socket) throws IOException
    {
        socket.setSoTimeout(10_000);
        final InputStream in = socket.getInputStream();
        try
        {
            assertEquals(-1, in.read(), "the router closes the connection");
        }
        catch (final SocketException reset)
        {
            // A reset is a close too.
        }
    }
}
