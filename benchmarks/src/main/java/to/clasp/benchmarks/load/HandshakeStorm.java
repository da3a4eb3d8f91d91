package to.clasp.benchmarks.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code count} handshake-only clients ({@link IdleClientTransport#handshake}), {@code concurrency} in flight: each
 * client that finishes (or fails) starts the next one from the client event loop, so no thread waits per client and
 * the generator's cost per handshake is its socket work alone. Records each phase's latency; keeps the endpoints
 * open (or, for a warm-up, closes each one as soon as it is subscribed).
 */
final class HandshakeStorm
{
    final Histogram connected = new Histogram(LatencyStats.HIGHEST_NS, 3);
    final Histogram upgraded = new Histogram(LatencyStats.HIGHEST_NS, 3);
    final Histogram answered = new Histogram(LatencyStats.HIGHEST_NS, 3);

    private final IdleClientTransport transport;
    private final int count;
    private final int concurrency;
    private final int topics;
    private final boolean closeEach;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final CountDownLatch finished;
    private final List<IdleClientTransport.Handshake> clients;
    private long elapsedNs;

    HandshakeStorm(final IdleClientTransport transport, final int count, final int concurrency, final int topics,
        final boolean closeEach)
    {
        this.transport = transport;
        this.count = count;
        this.concurrency = concurrency;
        this.topics = Math.max(1, topics);
        this.closeEach = closeEach;
        this.finished = new CountDownLatch(count);
        this.clients = new ArrayList<>(closeEach ? 0 : count);
    }

    /** Run the storm to its end (every client answered, failed or timed out). */
    void run() throws InterruptedException
    {
        final long start = System.nanoTime();
        for (int i = 0; i < Math.min(concurrency, count); i++)
        {
            startNext();
        }
        finished.await();
        elapsedNs = System.nanoTime() - start;
    }

    private void startNext()
    {
        final int i = next.getAndIncrement();
        if (i >= count)
        {
            return;
        }
        transport.handshake(i % topics).whenComplete((h, failure) ->
        {
            if (failure != null)
            {
                failed.incrementAndGet();
                finished.countDown();
                // Off this stack: a connect refused at once completes inside the next connect call, and a run of
                // them (no router listening) must not recurse once per client.
                java.util.concurrent.CompletableFuture.runAsync(this::startNext);
                return;
            }
            ok.incrementAndGet();
            record(h);
            finished.countDown();
            startNext();
        });
    }

    private synchronized void record(final IdleClientTransport.Handshake h)
    {
        connected.recordValue(Math.min(h.connectedNs, LatencyStats.HIGHEST_NS));
        if (h.upgradedNs >= 0)
        {
            upgraded.recordValue(Math.min(h.upgradedNs, LatencyStats.HIGHEST_NS));
        }
        answered.recordValue(Math.min(h.answeredNs, LatencyStats.HIGHEST_NS));
        if (closeEach)
        {
            h.closeAsync();
        }
        else
        {
            clients.add(h);
        }
    }

    long ok()
    {
        return ok.get();
    }

    long failed()
    {
        return failed.get();
    }

    double seconds()
    {
        return elapsedNs / 1e9;
    }

    /** Close every endpoint the storm kept and wait (bounded) for the closes. */
    synchronized void closeAll()
    {
        final List<io.netty.channel.ChannelFuture> closing = new ArrayList<>(clients.size());
        for (final IdleClientTransport.Handshake h : clients)
        {
            closing.add(h.closeAsync());
        }
        for (final io.netty.channel.ChannelFuture f : closing)
        {
            f.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        clients.clear();
    }
}
