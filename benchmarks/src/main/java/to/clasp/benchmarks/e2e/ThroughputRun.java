package to.clasp.benchmarks.e2e;

import to.clasp.transport.ws.WebSocketClaspClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput: P publishers (default 4) SET as fast as the router ACKs them (at most {@code window} unacknowledged
 * SETs each, QoS 1), one subscriber on {@code /bench/**}; reports SETs delivered to the subscriber per second.
 * Each publisher writes its own 100 addresses round-robin.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar to.clasp.benchmarks.e2e.ThroughputRun
 *     [-Dpublishers=4] [-Dwindow=256] [-Dseconds=10] [-Dwarmup=3] [-Dwait=block] [-Durl=ws://host:port/]
 * </pre>
 */
public final class ThroughputRun
{
    public static void main(final String[] args) throws Exception
    {
        final int publishers = Integer.getInteger("publishers", 4);
        final int window = Integer.getInteger("window", 256);
        final int seconds = Integer.getInteger("seconds", 10);
        final int warmup = Integer.getInteger("warmup", 3);

        try (E2eSetup setup = new E2eSetup())
        {
            final AtomicLong delivered = new AtomicLong();
            final WebSocketClaspClient subscriber = setup.client("bench subscriber");
            subscriber.subscribe("/bench/**", (address, value, revision, signal) -> delivered.incrementAndGet());

            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong sent = new AtomicLong();
            final List<Thread> threads = new ArrayList<>();
            final List<WebSocketClaspClient> clients = new ArrayList<>();
            for (int p = 0; p < publishers; p++)
            {
                final WebSocketClaspClient publisher = setup.client("bench publisher " + p);
                clients.add(publisher);
                final String[] addresses = new String[100];
                for (int a = 0; a < addresses.length; a++)
                {
                    addresses[a] = "/bench/p" + p + "/" + a;
                }
                final Thread thread = new Thread(() ->
                {
                    long mine = 0;
                    while (running.get())
                    {
                        if (mine - publisher.session().acksReceived() >= window)
                        {
                            Thread.onSpinWait();
                            continue;
                        }
                        publisher.set(addresses[(int)(mine % addresses.length)], mine);
                        mine++;
                        sent.incrementAndGet();
                    }
                }, "publisher-" + p);
                threads.add(thread);
                thread.start();
            }

            TimeUnit.SECONDS.sleep(warmup);
            final long d0 = delivered.get();
            final long s0 = sent.get();
            final long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            final long d1 = delivered.get();
            final long s1 = sent.get();
            final double elapsed = (System.nanoTime() - t0) / 1e9;
            running.set(false);
            for (final Thread t : threads)
            {
                t.join();
            }

            System.out.printf("publishers=%d window=%d seconds=%d%n", publishers, window, seconds);
            System.out.printf("SETs sent (acked-window):   %,.0f /s%n", (s1 - s0) / elapsed);
            System.out.printf("SETs delivered to 1 sub:    %,.0f /s%n", (d1 - d0) / elapsed);
            if (setup.router() != null)
            {
                System.out.printf("router: conflated=%d dropped=%d slowConsumerDisconnects=%d%n",
                    setup.router().metrics().conflatedMessages(), setup.router().metrics().droppedMessages(),
                    setup.router().metrics().slowConsumerDisconnects());
            }
            for (final WebSocketClaspClient c : clients)
            {
                c.close();
            }
            subscriber.close();
        }
    }
}
