package to.clasp.reliability;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.testing.Frames;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot amplification: with a million params, fifty {@code SUBSCRIBE /**} (a few hundred bytes in) used to make
 * gigabytes of output. Each session's snapshot output is now paced by a byte budget ({@code --snapshot-rate}, 16 MiB/s
 * with a one-second burst), and the router keeps answering others meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SnapshotBudgetTest
{
    private static final int PARAMS = 1_000_000;
    private static final long RATE = 16L * 1024 * 1024;
    private static final long WINDOW_MS = 3_000;

    @Test
    void fiftySubscribesToEverythingAreHeldToTheBudget() throws Exception
    {
        try (RouterProcess router = RouterProcess.start();
             RawWs writer = RawWs.open(router.port()).hello("writer"))
        {
            for (int from = 0; from < PARAMS; from += 10_000)
            {
                final List<byte[]> batch = new ArrayList<>(10_000);
                for (int i = from; i < from + 10_000; i++)
                {
                    batch.add(Frames.set(0, "/p/" + i, (long)i));
                }
                writer.write(RawWs.frames(batch));
            }
            writer.roundTrip();
            assertTrue(router.metric("clasp_params") >= PARAMS, "a million params stored");

            final List<byte[]> greedy = new ArrayList<>();
            greedy.add(Frames.hello("greedy"));
            for (int i = 0; i < 50; i++)
            {
                greedy.add(Frames.subscribe(i, "/**"));
            }
            try (RawWs client = RawWs.open(router.port()))
            {
                client.write(RawWs.frames(greedy));
                client.readTimeout(50);
                final InputStream in = client.rawInput();
                final byte[] buffer = new byte[1 << 16];
                long bytes = 0;
                final long start = System.nanoTime();
                final long end = start + TimeUnit.MILLISECONDS.toNanos(WINDOW_MS);
                long nextProbe = start;
                while (System.nanoTime() < end)
                {
                    try
                    {
                        final int n = in.read(buffer);
                        if (n < 0)
                        {
                            break;
                        }
                        bytes += n;
                    }
                    catch (final SocketTimeoutException quiet)
                    {
                        // nothing right now
                    }
                    if (System.nanoTime() >= nextProbe)
                    {
                        // Others are served while the snapshots go out.
                        writer.roundTrip();
                        nextProbe += TimeUnit.MILLISECONDS.toNanos(500);
                    }
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                final long budget = (long)(RATE * (seconds + 1)) + 128 * 1024;
                System.out.printf("snapshots: %,d bytes in %.1f s (budget %,d)%n", bytes, seconds, budget);
                assertTrue(bytes > RATE / 2, "snapshots flow: " + bytes);
                assertTrue(bytes <= budget, "snapshot output held to the budget: " + bytes + " > " + budget);
                assertTrue(router.metric("clasp_snapshots_paced_total") > 0, "pacing counted");
            }
        }
    }
}
