package to.clasp.transport.mqtt;

import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import to.clasp.core.CoreThreading;
import to.clasp.core.Router;
import to.clasp.testing.Await;
import to.clasp.testing.TestClient;

/**
 * A real router core (its own thread) behind a real MQTT edge on a free loopback port, plus helpers for the Paho
 * client and CLASP test clients on the same core.
 */
final class MqttFixture implements AutoCloseable
{
    private final Router router;
    private final MqttEdge edge;

    private MqttFixture(final Router.Context routerContext, final MqttEdge.Context edgeContext)
    {
        router = Router.launch(routerContext);
        try
        {
            edge = MqttEdge.launch(edgeContext, router.inboundPort());
        }
        catch (final RuntimeException ex)
        {
            router.close();
            throw ex;
        }
    }

    static MqttFixture start()
    {
        return start(r -> r, e -> e);
    }

    static MqttFixture start(final UnaryOperator<Router.Context> router, final UnaryOperator<MqttEdge.Context> edge)
    {
        return new MqttFixture(router.apply(new Router.Context().coreThreading(CoreThreading.DEDICATED)),
            edge.apply(new MqttEdge.Context().host("127.0.0.1").port(0)));
    }

    Router router()
    {
        return router;
    }

    MqttEdge edge()
    {
        return edge;
    }

    MqttMetrics metrics()
    {
        return edge.metrics();
    }

    int port()
    {
        return edge.localAddress().getPort();
    }

    String url()
    {
        return "tcp://127.0.0.1:" + port();
    }

    /** A CLASP client on the same core (in-process edge), handshake done. */
    TestClient clasp(final String name)
    {
        return TestClient.open(router.inboundPort(), name);
    }

    /** A connected Paho (MQTT 3.1.1) client. */
    MqttClient paho(final String clientId, final boolean cleanSession) throws MqttException
    {
        final MqttClient client = new MqttClient(url(), clientId, new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        client.connect(options);
        return client;
    }

    MqttClient paho() throws MqttException
    {
        return paho("paho-" + UUID.randomUUID().toString().substring(0, 8), true);
    }

    static void await(final BooleanSupplier condition, final java.util.function.Supplier<String> what)
    {
        Await.until(condition, what);
    }

    static void await(final BooleanSupplier condition, final String what)
    {
        await(condition, () -> what);
    }

    public void close()
    {
        try
        {
            edge.close();
        }
        finally
        {
            router.close();
        }
    }
}
