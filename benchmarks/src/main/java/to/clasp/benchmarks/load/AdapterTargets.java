package to.clasp.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * How the generator runs this router with its MQTT and OSC edges on (the {@code clasp-mqtt}, {@code clasp-mqtt-ws}
 * and {@code clasp-osc-ws} targets): the extra flags, the ports beside the WebSocket port, the transports. Both
 * namespaces are empty, so MQTT topic {@code bench/t} and OSC address {@code /bench/t} are the CLASP address
 * {@code /bench/t} the WebSocket subscribers' pattern covers.
 */
final class AdapterTargets
{
    private AdapterTargets()
    {
    }

    /** The MQTT port: beside the WebSocket port the generator waits on. */
    static int mqttPort(final int port)
    {
        return port + 2000;
    }

    /** The OSC (UDP) port. */
    static int oscPort(final int port)
    {
        return port + 2000;
    }

    static List<String> withMqtt(final List<String> command, final int port)
    {
        final List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--mqtt-port", Integer.toString(mqttPort(port)), "--mqtt-namespace", ""));
        return cmd;
    }

    static List<String> withOsc(final List<String> command, final int port)
    {
        final List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--osc-port", Integer.toString(oscPort(port)), "--osc-namespace", ""));
        return cmd;
    }

    static Transport mqtt(final int port, final LoadSettings s)
    {
        awaitTcp(mqttPort(port));
        final Transport mqtt = new MqttTransport("tcp://127.0.0.1:" + mqttPort(port), s.payloadSize(), s.topics());
        return new MixedTransport("clasp-mqtt", mqtt, mqtt); // the same MQTT clients as against Mosquitto
    }

    static Transport mqttIdle(final int port)
    {
        awaitTcp(mqttPort(port));
        return new IdleClientTransport("clasp-mqtt", IdleClientTransport.Protocol.MQTT, "127.0.0.1", mqttPort(port));
    }

    static Transport mqttToWs(final int port, final LoadSettings s)
    {
        awaitTcp(mqttPort(port));
        return new MixedTransport("clasp-mqtt-ws",
            new MqttTransport("tcp://127.0.0.1:" + mqttPort(port), s.payloadSize(), s.topics()), ws(port, s));
    }

    static Transport oscToWs(final int port, final LoadSettings s)
    {
        return new MixedTransport("clasp-osc-ws",
            new OscTransport(new InetSocketAddress("127.0.0.1", oscPort(port)), s.payloadSize(), s.topics()),
            ws(port, s));
    }

    private static Transport ws(final int port, final LoadSettings s)
    {
        return new ClaspWsTransport("ws://127.0.0.1:" + port + "/",
            new ClaspFrames(MessageKind.SET, s.payloadSize(), s.topics()), 1);
    }

    /** The edges start right after the WebSocket edge the generator waited for: wait for the MQTT port too. */
    private static void awaitTcp(final int port)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("the router's MQTT port " + port + " did not open");
    }
}
