package to.clasp.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import static org.junit.jupiter.api.Assertions.fail;

/** Helpers for the MQTT tests against the server jar: a Paho callback into a queue, waiting for a TCP port. */
final class MqttClients
{
    private MqttClients()
    {
    }

    /** A Paho callback that puts each message into {@code received} as {topic, MqttMessage}. */
    static MqttCallback collector(final BlockingQueue<Object[]> received)
    {
        return new MqttCallback()
        {
            public void connectionLost(final Throwable cause)
            {
            }

            public void messageArrived(final String topic, final MqttMessage message)
            {
                received.add(new Object[] {topic, message});
            }

            public void deliveryComplete(final IMqttDeliveryToken token)
            {
            }
        };
    }

    /** Wait (at most 15 s) until something listens on the loopback {@code port}. */
    static void awaitPort(final int port, final java.util.function.Supplier<String> what) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 15_000;
        while (true)
        {
            try (Socket s = new Socket())
            {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                if (System.currentTimeMillis() > deadline)
                {
                    fail(what.get() + " did not listen on port " + port);
                }
                Thread.sleep(20);
            }
        }
    }
}
