package to.clasp.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SignalType;
import to.clasp.testing.Frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One hundred subscribers that never read, and 1 KiB events for them: each may hold up to the per-session hard limit
 * (4 MiB), and the router's memory used to grow with their number. The global cap ({@code --max-outbound-memory})
 * now bounds what they hold together: past it the largest slow consumers are cut first, while the publisher and a
 * reading subscriber carry on undisturbed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboundCapTest
{
    private static final long CAP = 32L * 1024 * 1024;
    private static final int SLOW = 100;
    private static final int EVENTS = 4_000;

    @Test
    void nonReadingSubscribersAreCutLargestFirstAtTheGlobalCap() throws Exception
    {
        try (RouterProcess router = RouterProcess.start("--max-outbound-memory", "32MiB"))
        {
            final List<RawWs> slow = new ArrayList<>();
            try (RawWs reader = RawWs.open(router.port()).hello("reader");
                 RawWs publisher = RawWs.open(router.port()).hello("publisher"))
            {
                for (int i = 0; i < SLOW; i++)
                {
                    // A small receive window: the kernel stops taking data for it almost at once.
                    final RawWs s = RawWs.open(router.port(), null, 4096).hello("slow" + i);
                    s.send(Frames.subscribe(1, "/big/*")).roundTrip();
                    slow.add(s);
                }
                reader.send(Frames.subscribe(1, "/big/*")).roundTrip();
                final AtomicLong received = new AtomicLong();
                final Thread reading = new Thread(() -> readEvents(reader, received), "reader");
                reading.start();

                final byte[] event = RawWs.frame(Frames.publish(0, SignalType.EVENT, "/big/e", new byte[1024]));
                long maxQueued = 0;
                for (int sent = 0; sent < EVENTS; sent += 100)
                {
                    final byte[] batch = new byte[event.length * 100];
                    for (int k = 0; k < 100; k++)
                    {
                        System.arraycopy(event, 0, batch, k * event.length, event.length);
                    }
                    publisher.write(batch);
                    if (sent % 1_000 == 0)
                    {
                        maxQueued = Math.max(maxQueued, (long)router.metric("clasp_outbound_queued_bytes"));
                    }
                }
                publisher.roundTrip();
                maxQueued = Math.max(maxQueued, (long)router.metric("clasp_outbound_queued_bytes"));

                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (received.get() < EVENTS && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                assertEquals(EVENTS, received.get(), "the reading subscriber got every event");
                assertTrue(router.metric("clasp_outbound_memory_disconnects_total") > 0,
                    "slow consumers were cut for the global cap");
                // Sampled every 10 ms by the router, and here now and then: a little over the cap between samples.
                assertTrue(maxQueued <= 2 * CAP, "outbound queues held at most about the cap: " + maxQueued);
                assertTrue(router.metric("clasp_sessions") >= 2, "publisher and reader still connected");
                publisher.roundTrip();
                reader.close();
                reading.join(5_000);
            }
            finally
            {
                slow.forEach(RawWs::close);
            }
        }
    }

    private static void readEvents(final RawWs reader, final AtomicLong received)
    {
        try
        {
            byte[] frame;
            while ((frame = reader.read()) != null)
            {
                if (RawWs.typeOf(frame) == MessageType.PUBLISH)
                {
                    received.incrementAndGet();
                }
            }
        }
        catch (final Exception closed)
        {
            // the test closed the socket
        }
    }
}
