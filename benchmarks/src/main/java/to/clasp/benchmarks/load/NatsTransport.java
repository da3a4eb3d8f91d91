package to.clasp.benchmarks.load;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NATS through its maintained Java client, jnats: core NATS publish/subscribe (no JetStream), subject
 * {@code bench.t}, wildcard {@code bench.*}. jnats batches outbound messages on its own writer thread, which is
 * the fair counterpart of the raw batched frames the CLASP transport writes.
 */
public final class NatsTransport implements Transport
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String url;
    private final javax.net.ssl.SSLContext tls;
    private final String[] subjects;
    private final int payloadSize;
    private final AtomicLong errors = new AtomicLong();
    // One executor for every connection's internal tasks instead of one pool per connection.
    private final ExecutorService executor = Executors.newCachedThreadPool(r ->
    {
        final Thread t = new Thread(r, "nats-client");
        t.setDaemon(true);
        return t;
    });

    /** @param tls the client TLS context for a {@code tls://} URL, or null. */
    public NatsTransport(final String url, final int payloadSize, final int topics, final javax.net.ssl.SSLContext tls)
    {
        this.url = url;
        this.tls = tls;
        this.payloadSize = payloadSize;
        subjects = new String[topics];
        for (int t = 0; t < topics; t++)
        {
            subjects[t] = "bench." + t;
        }
    }

    public String name()
    {
        return "nats";
    }

    public long errors()
    {
        return errors.get();
    }

    public Endpoint connect(final Receiver receiver) throws Exception
    {
        final Options.Builder builder = new Options.Builder();
        if (tls != null)
        {
            builder.sslContext(tls);
        }
        final Options options = builder
            .server(url)
            .connectionTimeout(TIMEOUT)
            .noReconnect()
            .executor(executor)
            .errorListener(new Errors(errors))
            .build();
        return new NatsEndpoint(Nats.connect(options), receiver);
    }

    public void close()
    {
        executor.shutdownNow();
    }

    private final class NatsEndpoint implements Endpoint
    {
        private final Connection connection;
        private final Receiver receiver;
        private Dispatcher dispatcher;

        NatsEndpoint(final Connection connection, final Receiver receiver)
        {
            this.connection = connection;
            this.receiver = receiver;
        }

        public void subscribeAll() throws Exception
        {
            dispatcher().subscribe("bench.*");
            connection.flush(TIMEOUT); // the server has the SUB once the PONG is back
        }

        public void subscribe(final int topic) throws Exception
        {
            dispatcher().subscribe(subjects[topic]);
            connection.flush(TIMEOUT);
        }

        public java.util.concurrent.CompletableFuture<?> roundTrip()
        {
            final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            try
            {
                connection.flush(TIMEOUT); // PING → PONG behind everything published
                done.complete(null);
            }
            catch (final Exception ex)
            {
                done.completeExceptionally(ex);
            }
            return done;
        }

        private Dispatcher dispatcher()
        {
            if (dispatcher == null)
            {
                dispatcher = connection.createDispatcher(msg ->
                {
                    final byte[] data = msg.getData();
                    receiver.onMessage(Payload.intendedNs(data), Payload.sentNs(data));
                });
            }
            return dispatcher;
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            // jnats keeps a reference to the array until its writer thread sends it, so each message needs its own.
            final byte[] body = new byte[payloadSize];
            Payload.write(body, intendedNs, sentNs);
            connection.publish(subjects[topic], body);
        }

        public void flush()
        {
            // jnats's writer thread flushes on its own as soon as it has data.
        }

        public void close()
        {
            try
            {
                connection.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Errors implements ErrorListener
    {
        private final AtomicLong errors;

        Errors(final AtomicLong errors)
        {
            this.errors = errors;
        }

        public void errorOccurred(final Connection conn, final String error)
        {
            errors.incrementAndGet();
        }

        public void exceptionOccurred(final Connection conn, final Exception exp)
        {
            errors.incrementAndGet();
        }

        public void slowConsumerDetected(final Connection conn, final Consumer consumer)
        {
            errors.incrementAndGet();
        }
    }
}
