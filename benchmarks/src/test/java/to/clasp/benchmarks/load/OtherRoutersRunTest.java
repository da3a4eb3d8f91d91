package to.clasp.benchmarks.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The comparison side: the handshake-only MQTT packets byte for byte, and a short real run through nats-server's and
 * mosquitto's own clients, each router a separate process, including its memory from /proc. The two routers are
 * Debian packages that {@code .ci/run} (and benchmarks/compare.sh) install; without them these tests FAIL with a
 * banner saying what to install, rather than pass without testing.
 */
class OtherRoutersRunTest
{
    @Test
    void mqttConnectAndSubscribePacketsFollowMqtt311()
    {
        assertArrayEquals(new byte[] {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0x02, 0x58, 0, 1, 'a'},
            IdleClientTransport.mqttConnect("a"), "CONNECT: clean session, keep-alive 600 s");
        assertArrayEquals(new byte[] {(byte)0x82, 12, 0, 1, 0, 7, 'b', 'e', 'n', 'c', 'h', '/', '+', 0},
            IdleClientTransport.mqttSubscribe(1, "bench/+"), "SUBSCRIBE: packet id 1, QoS 0");
        final byte[] big = IdleClientTransport.mqttConnect("x".repeat(200));
        assertEquals((byte)0x80 | (212 % 128), big[1], "remaining length over 127 takes two bytes");
        assertEquals(212 / 128, big[2]);
    }

    private static ScenarioResult run(final RouterTarget target, final Scenario scenario, final Path dir)
        throws Exception
    {
        final LoadSettings settings = new LoadSettings().warmupMs(200).durationMs(800).publishers(2).connections(20)
            .topics(10).window(200).progress(null);
        final int port = freePort();
        try (ServerProcess server = ServerProcess.start(target.label(),
            target.command(new RouterTarget.Options(), port, dir), port, dir.resolve(target.label() + ".log"));
            Transport transport = scenario == Scenario.CONNECTIONS ?
                target.idleTransport(new RouterTarget.Options(), port, settings) :
                target.transport(new RouterTarget.Options(), port, MessageKind.PUBLISH, settings))
        {
            return new ScenarioRunner(settings, transport, null, server::rssBytes, server.pid()).run(scenario);
        }
    }

    private static void check(final RouterTarget target, final Path dir) throws Exception
    {
        final ScenarioResult throughput = run(target, Scenario.THROUGHPUT, dir);
        assertNull(throughput.failure);
        assertEquals(0, throughput.errors);
        assertTrue(throughput.delivered > 0);
        assertNotNull(throughput.rssBytes, "the router is a separate process whose memory is read");
        final ScenarioResult connections = run(target, Scenario.CONNECTIONS, dir);
        assertEquals(20, connections.connectOk);
        assertEquals(0, connections.errors);
        assertTrue(connections.rssBytes > 0 && connections.rssBeforeBytes > 0);
    }

    /** A port nobody listens on now (the router started next binds it; other test runs ask the kernel too). */
    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /** Fail, with a banner, when a peer router is not installed: a skipped comparison would pass without testing. */
    private static void requireInstalled(final String peer, final String debianPackage, final Path... candidates)
    {
        for (final Path candidate : candidates)
        {
            if (Files.isExecutable(candidate))
            {
                return;
            }
        }
        System.out.println("\n" + "#".repeat(100) + "\n### OtherRoutersRunTest CANNOT RUN: " + peer +
            " is not installed (apt-get install -y " + debianPackage + "; .ci/run installs it)\n" + "#".repeat(100));
        fail(peer + " not installed: apt-get install -y " + debianPackage);
    }

    @Test
    void natsThroughJnatsAndTheHandshakeOnlyClients(@TempDir final Path dir) throws Exception
    {
        requireInstalled("nats-server", "nats-server",
            Path.of(new RouterTarget.Options().natsServer), Path.of("/usr/sbin/nats-server"));
        check(RouterTarget.NATS, dir);
    }

    @Test
    void mosquittoThroughTheMqttClientAndTheHandshakeOnlyClients(@TempDir final Path dir) throws Exception
    {
        requireInstalled("mosquitto", "mosquitto", Path.of("/usr/sbin/mosquitto"));
        check(RouterTarget.MOSQUITTO, dir);
    }
}
