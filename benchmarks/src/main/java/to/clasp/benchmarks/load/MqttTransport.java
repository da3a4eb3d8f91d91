package to.clasp.benchmarks.load;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MQTT 3.1.1 (Mosquitto) through Eclipse Paho's asynchronous client, QoS 0 both ways (the counterpart of CLASP's
 * Fire), topic {@code bench/t}, wildcard {@code bench/+}.
 */
public final class MqttTransport implements Transport
{
    private static final int MAX_INFLIGHT = 65_535;
    private static final long TIMEOUT_MS = 10_000;

    private final String url;
    private final String[] topics;
    private final int payloadSize;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicInteger ids = new AtomicInteger();
    // Keep-alive pings of every client on one scheduler instead of a Timer thread per client.
    private final ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "mqtt-ping");
        t.setDaemon(true);
        return t;
    });

    public MqttTransport(final String url, final int payloadSize, final int topicCount)
    {
        this.url = url;
        this.payloadSize = payloadSize;
        topics = new String[topicCount];
        for (int t = 0; t < topicCount; t++)
        {
            topics[t] = "bench/" + t;
        }
    }

    public String name()
    {
        return "mosquitto";
    }

    public long errors()
    {
        return errors.get();
    }

    public Endpoint connect(final Receiver receiver) throws Exception
    {
        final MqttAsyncClient client = new MqttAsyncClient(url, "bench-" + ProcessHandle.current().pid() + "-" +
            ids.incrementAndGet(), new MemoryPersistence(), new ScheduledExecutorPingSender(pings), null);
        client.setCallback(new MqttCallback()
        {
            public void connectionLost(final Throwable cause)
            {
                errors.incrementAndGet();
            }

            public void messageArrived(final String topic, final MqttMessage message)
            {
                final byte[] data = message.getPayload();
                receiver.onMessage(Payload.intendedNs(data), Payload.sentNs(data));
            }

            public void deliveryComplete(final IMqttDeliveryToken token)
            {
            }
        });
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(60);
        options.setConnectionTimeout((int)(TIMEOUT_MS / 1000));
        // Paho counts QoS 0 publishes in flight too until written; let the generator's window be the limit.
        options.setMaxInflight(MAX_INFLIGHT);
        client.connect(options).waitForCompletion(TIMEOUT_MS);
        return new MqttEndpoint(client);
    }

    public void close()
    {
        pings.shutdownNow();
    }

    private final class MqttEndpoint implements Endpoint
    {
        private final MqttAsyncClient client;

        MqttEndpoint(final MqttAsyncClient client)
        {
            this.client = client;
        }

        public void subscribeAll() throws MqttException
        {
            client.subscribe("bench/+", 0).waitForCompletion(TIMEOUT_MS);
        }

        public void subscribe(final int topic) throws MqttException
        {
            client.subscribe(topics[topic], 0).waitForCompletion(TIMEOUT_MS);
        }

        /** UNSUBSCRIBE from a topic nobody uses: the UNSUBACK comes after every packet sent before it. */
        public java.util.concurrent.CompletableFuture<?> roundTrip()
        {
            final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            try
            {
                client.unsubscribe("bench/barrier").waitForCompletion(TIMEOUT_MS);
                done.complete(null);
            }
            catch (final MqttException ex)
            {
                done.completeExceptionally(ex);
            }
            return done;
        }

        public void send(final int topic, final long intendedNs, final long sentNs)
        {
            final byte[] body = new byte[payloadSize];
            Payload.write(body, intendedNs, sentNs);
            try
            {
                client.publish(topics[topic], body, 0, false);
            }
            catch (final MqttException ex)
            {
                errors.incrementAndGet();
            }
        }

        public void flush()
        {
            // Paho's sender thread writes as soon as a message is queued.
        }

        /** Paho refuses a publish past its in-flight limit (QoS 0 included): the flood waits below it. */
        public boolean writable()
        {
            return client.getInFlightMessageCount() < MAX_INFLIGHT / 2;
        }

        public void close()
        {
            try
            {
                // No DISCONNECT packet and no wait: the default waits up to a second per client for a reply that
                // MQTT does not send, which made closing 100 fan-out subscribers take minutes.
                client.disconnectForcibly(0, 10, false);
                client.close(true);
            }
            catch (final MqttException ex)
            {
                // closing anyway
            }
        }
    }
}
