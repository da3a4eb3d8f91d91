package to.clasp.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that never start (or finish) the WebSocket upgrade: 20 000 of them used to exhaust the router's file
 * descriptors for good while {@code /healthz} kept answering 200. Now they are closed after the upgrade timeout, at
 * most 1 000 per source address are admitted, and past the open-file limit (less a reserve) new ones are closed on
 * accept, so the router keeps serving its sessions and its health port, and new clients get in once the timeout has
 * cleared the squatters.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnupgradedConnectionsTest
{
    /** The router runs with this open-file limit, so that 20 000 connections pass it on any machine. */
    private static final int ROUTER_FILE_LIMIT = 8_192;
    private static final int SOURCES = 20;
    private static final int PER_SOURCE = 1_000;

    @Test
    void twentyThousandSilentConnectionsAreRefusedOrTimedOutAndEveryoneElseIsServed() throws Exception
    {
        try (RouterProcess router = RouterProcess.start(ROUTER_FILE_LIMIT);
             RawWs session = RawWs.open(router.port()).hello("established"))
        {
            final List<SilentClients.Child> children = new ArrayList<>();
            try
            {
                // Two processes of 10 sources x 1 000 connections each: 20 000, at the per-address limit.
                for (int child = 0; child < 2; child++)
                {
                    children.add(new SilentClients.Child(router.port(), "127.0.1.", 1 + child * SOURCES / 2,
                        SOURCES / 2, PER_SOURCE));
                }
                int opened = 0;
                int connectFailures = 0;
                for (final SilentClients.Child c : children)
                {
                    final int[] counts = c.awaitOpened();
                    opened += counts[0];
                    connectFailures += counts[1];
                }
                assertTrue(opened >= SOURCES * PER_SOURCE * 9 / 10, "opened " + opened + ", failed " +
                    connectFailures);

                // The established session and the health port are served while the squatters sit there.
                session.roundTrip();
                assertEquals(200, router.health("/healthz", 5_000).statusCode(), "alive");
                final String readiness = router.health("/readyz", 5_000).body();
                assertTrue(readiness.startsWith("ready") || readiness.contains("connection limit"), readiness);

                // The upgrade timeout (10 s) closes every connection the router accepted; the rest were closed on
                // accept. Wait for the router's own count to come down, then check from the clients' side.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (router.metric("clasp_ws_connections") > 1 && System.nanoTime() < deadline)
                {
                    Thread.sleep(200);
                }
                assertEquals(1, router.metric("clasp_ws_connections"), "only the established session is left");
                for (final SilentClients.Child c : children)
                {
                    assertEquals(0, c.stillOpen(), "every silent connection was closed by the router");
                }
                final double accounted = router.metric("clasp_ws_upgrade_timeouts_total") +
                    router.metric("clasp_ws_refused_connections_total{limit=\"total\"}") +
                    router.metric("clasp_ws_refused_connections_total{limit=\"per_ip\"}");
                // A connect the client gave up on (timed out in the kernel's full backlog) may still have reached the
                // router later: it is counted there too.
                assertTrue(accounted >= opened && accounted <= opened + connectFailures, "each closed for a reason " +
                    "the router counted: " + accounted + " for " + opened + " opened, " + connectFailures + " failed");
                assertTrue(router.metric("clasp_ws_upgrade_timeouts_total") > 1_000, "timed out, not only refused");
            }
            finally
            {
                for (final SilentClients.Child c : children)
                {
                    c.close();
                }
            }

            try (RawWs fresh = RawWs.open(router.port()))
            {
                fresh.hello("after the storm").roundTrip();
            }
            session.roundTrip();
            final long refusalLines = router.log().lines().filter(l -> l.contains("refusing WebSocket connections"))
                .count();
            assertTrue(refusalLines <= 10, "refusals are logged at most every 10 s, not once each: " + refusalLines);
            assertEquals(0, router.terminate(7_000), router.log());
        }
    }

    @Test
    void outOfDescriptorsAcceptBacksOffAndRecovers() throws Exception
    {
        // The edge's own limit is lifted (system property) so that accept really runs out of descriptors.
        try (RouterProcess router = RouterProcess.start(400, List.of("-Dclasp.ws.max.connections=100000"),
            "--upgrade-timeout", "60s");
             RawWs session = RawWs.open(router.port()).hello("established"))
        {
            final List<Socket> squatters = new ArrayList<>();
            try
            {
                for (int i = 0; i < 600; i++)
                {
                    squatters.add(connect(router.port(), InetAddress.getByName("127.0.4." + (1 + i / 200))));
                }
                // The router accepts them a batch per loop iteration until accept fails (EMFILE); the rest wait in
                // the kernel's backlog.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!router.log().contains("accept failed") && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                assertTrue(router.log().contains("accept failed"), "ran out of descriptors:\n" + router.log());
                // Established sessions are served all the same.
                session.roundTrip();
            }
            finally
            {
                for (final Socket s : squatters)
                {
                    s.close();
                }
            }
            // Descriptors come back as the router sees the squatters go; accepting resumes.
            try (RawWs fresh = RawWs.open(router.port()))
            {
                fresh.hello("after").roundTrip();
            }
            assertTrue(router.metric("clasp_ws_accept_failures_total") > 0, "accept failures counted");
            final String log = router.log();
            final long failedLines = log.lines().filter(l -> l.contains("accept failed")).count();
            assertTrue(failedLines >= 1 && failedLines <= 5, "one line per episode, not per failure: " + failedLines);
            assertTrue(log.contains("accepting connections again"), log);
            assertTrue(!log.contains("exceptionCaught() event was fired"), "no per-failure stack traces: " + log);
            session.roundTrip();
        }
    }

    @Test
    void oneSourceAddressGetsAtMostItsShare() throws Exception
    {
        try (RouterProcess router = RouterProcess.start("--max-connections-per-ip", "50"))
        {
            final InetAddress greedy = InetAddress.getByName("127.0.2.1");
            final List<Socket> sockets = new ArrayList<>();
            try
            {
                for (int i = 0; i < 60; i++)
                {
                    sockets.add(connect(router.port(), greedy));
                }
                // A PING round trip from another address proves the router has handled all 60 accepts.
                try (RawWs other = RawWs.open(router.port(), InetAddress.getByName("127.0.2.2"), 0).hello("other"))
                {
                    other.roundTrip();
                }
                assertEquals(10, router.metric("clasp_ws_refused_connections_total{limit=\"per_ip\"}"));
                int closed = 0;
                for (final Socket s : sockets)
                {
                    closed += SilentClients.isOpen(s) ? 0 : 1;
                }
                assertEquals(10, closed, "the ten over the limit were closed on accept");
            }
            finally
            {
                for (final Socket s : sockets)
                {
                    s.close();
                }
            }
        }
    }

    private static Socket connect(final int port, final InetAddress from) throws IOException
    {
        final Socket s = new Socket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

}
