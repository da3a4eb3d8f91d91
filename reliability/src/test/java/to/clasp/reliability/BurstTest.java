package to.clasp.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetEncoder;
import to.clasp.testing.Frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bursts of small frames in one TCP write, in every core-thread mode: more frames at once than the core's inbound
 * ring holds (16 384). The router used to park the event loop that hosts the core and hang for good. Now it must
 * handle every frame, in order, keep answering others meanwhile, and still stop on SIGTERM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BurstTest
{
    private static final int DRAIN_MS = 5_000;

    static String[] mode(final String mode)
    {
        switch (mode)
        {
            case "dedicated":
                return new String[] {"--core-thread", "dedicated"};
            case "aeron":
                return new String[] {"--core-thread", "aeron", "--aeron-endpoint", "127.0.0.1:0"};
            default:
                return new String[] {"--core-thread", "shared"};
        }
    }

    /** A final QoS 1 SET with the expected revision: its ACK proves every earlier write was applied, in order. */
    private static byte[] revisionCheck(final String address, final long expectedRevision)
    {
        return Frames.set(1, address, -1L, SetEncoder.REVISION, expectedRevision, 0);
    }

    @ParameterizedTest(name = "core {0}")
    @ValueSource(strings = {"shared", "dedicated", "aeron"})
    void fortyThousandFramesInOneWrite(final String mode) throws Exception
    {
        final int frames = 40_000;
        try (RouterProcess router = RouterProcess.start(mode(mode));
             RawWs burster = RawWs.open(router.port()).hello("burster"))
        {
            final List<byte[]> burst = new ArrayList<>(frames + 1);
            for (long i = 0; i < frames; i++)
            {
                burst.add(Frames.set(0, "/burst/x", i));
            }
            burst.add(revisionCheck("/burst/x", frames));
            burster.write(RawWs.frames(burst));

            // While the router works through the burst, it answers everyone else.
            assertEquals(200, router.plainGet(10_000).statusCode(), "plain GET on the WebSocket port");
            assertEquals(200, router.health("/healthz", 10_000).statusCode());
            try (RawWs fresh = RawWs.open(router.port()))
            {
                fresh.hello("fresh").roundTrip();
            }

            assertEquals(MessageType.ACK, firstAnswer(burster), "every write applied, in order (revision " +
                frames + ")");
            assertSigtermEndsIt(router);
        }
    }

    @ParameterizedTest(name = "core {0}")
    @ValueSource(strings = {"shared", "dedicated", "aeron"})
    void fourHundredConnectionsWriteTwoHundredFramesEach(final String mode) throws Exception
    {
        final int connections = 400;
        final int frames = 200;
        try (RouterProcess router = RouterProcess.start(mode(mode)))
        {
            final List<RawWs> clients = new ArrayList<>(connections);
            try
            {
                for (int c = 0; c < connections; c++)
                {
                    clients.add(RawWs.open(router.port()).hello("c" + c));
                }
                final List<byte[]> bursts = new ArrayList<>(connections);
                for (int c = 0; c < connections; c++)
                {
                    final List<byte[]> burst = new ArrayList<>(frames + 1);
                    for (long i = 0; i < frames; i++)
                    {
                        burst.add(Frames.set(0, "/burst/c" + c, i));
                    }
                    burst.add(revisionCheck("/burst/c" + c, frames));
                    bursts.add(RawWs.frames(burst));
                }
                // Every connection's burst in one write each, back to back: 80 400 frames land at once.
                for (int c = 0; c < connections; c++)
                {
                    clients.get(c).write(bursts.get(c));
                }
                try (RawWs fresh = RawWs.open(router.port()))
                {
                    fresh.hello("fresh").roundTrip();
                }
                for (int c = 0; c < connections; c++)
                {
                    assertEquals(MessageType.ACK, firstAnswer(clients.get(c)), "connection " + c);
                }
            }
            finally
            {
                clients.forEach(RawWs::close);
            }
            assertSigtermEndsIt(router);
        }
    }

    /** The first ACK or ERROR the client gets back (writes at QoS 0 get no answer when they succeed). */
    private static int firstAnswer(final RawWs client) throws Exception
    {
        while (true)
        {
            final byte[] frame = client.read();
            assertTrue(frame != null, "connection closed (code " + client.closeCode() + ")");
            final int type = RawWs.typeOf(frame);
            if (type == MessageType.ACK || type == MessageType.ERROR)
            {
                return type;
            }
        }
    }

    static void assertSigtermEndsIt(final RouterProcess router) throws Exception
    {
        final long start = System.nanoTime();
        final int exit = router.terminate(DRAIN_MS + 5_000);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(0, exit, "exit code after SIGTERM (took " + tookMs + " ms); log:\n" + router.log());
        assertTrue(tookMs < DRAIN_MS + 2_000, "SIGTERM ended it within the drain timeout: " + tookMs + " ms");
    }
}
