package to.clasp.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import to.clasp.protocol.MessageType;
import to.clasp.protocol.SetDecoder;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several producer threads writing the same addresses: the single writer serialises them consistently. */
class ConcurrentWritersTest extends RouterFixture
{
    private static final int WRITERS = 4;
    private static final int WRITES_PER_WRITER = 2_000;
    private static final int ADDRESSES = 8;

    @Test
    void subscribersSeeStrictlyIncreasingRevisionsAndTheFinalStateIsTheLastWrite() throws Exception
    {
        start();
        final TestClient sub1 = client("sub1");
        final TestClient sub2 = client("sub2");
        sub1.send(Frames.subscribe(1, "/c/**"));
        sub2.send(Frames.subscribe(1, "/c/*"));
        sub1.expectNothingMore();
        sub2.expectNothingMore();

        final List<TestClient> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++)
        {
            writers.add(client("w" + w));
        }
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++)
        {
            final int id = w;
            final TestClient c = writers.get(w);
            final Thread t = new Thread(() ->
            {
                try
                {
                    go.await();
                    for (int i = 0; i < WRITES_PER_WRITER; i++)
                    {
                        c.send(Frames.set(0, "/c/" + (i % ADDRESSES), (long)(id * 1_000_000 + i)));
                        if (i % 256 == 0)
                        {
                            c.connection().drainAll();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();

        final int total = WRITERS * WRITES_PER_WRITER;
        final Map<String, long[]> seen1 = collect(sub1, total);
        final Map<String, long[]> seen2 = collect(sub2, total);
        for (final Thread t : threads)
        {
            t.join(10_000);
        }
        assertNull(failure.get());

        for (int a = 0; a < ADDRESSES; a++)
        {
            final String address = "/c/" + a;
            sub1.send(Frames.get(0, address));
            final SnapshotDecoder d = sub1.expect(MessageType.SNAPSHOT).decoder().snapshot();
            d.entry(0);
            final long expectedWrites = (long)WRITERS * WRITES_PER_WRITER / ADDRESSES;
            assertEquals(expectedWrites, d.revision(), address + " revision = number of writes");
            assertEquals(seen1.get(address)[1], d.value().asLong(), "final state = last broadcast write");
            assertEquals(seen2.get(address)[1], d.value().asLong());
            assertEquals(expectedWrites, seen1.get(address)[0]);
        }
    }

    /** @return per address {last revision, last value}, asserting revisions increase by exactly one. */
    private static Map<String, long[]> collect(final TestClient c, final int total)
    {
        final Map<String, long[]> last = new HashMap<>();
        final Map<Long, Long> perWriterLastSeq = new HashMap<>();
        for (int n = 0; n < total; n++)
        {
            final Received r = c.expect(MessageType.SET);
            final SetDecoder set = r.decoder().set();
            final long[] prev = last.get(set.address());
            final long revision = set.revision();
            assertTrue(null == prev ? revision == 1 : revision == prev[0] + 1,
                set.address() + ": revision " + revision + " after " + (null == prev ? 0 : prev[0]));
            final long v = set.value().asLong();
            final Long prevSeq = perWriterLastSeq.put(v / 1_000_000, v % 1_000_000);
            assertTrue(null == prevSeq || prevSeq < v % 1_000_000, "per-publisher FIFO");
            last.put(set.address(), new long[] {revision, v});
        }
        return last;
    }
}
