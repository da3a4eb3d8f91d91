package to.clasp.benchmarks.load;

import to.clasp.transport.aeron.AeronClientTransport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A router the generator can start as a separate process on a loopback port and reach with a client transport:
 * this router over WebSocket or Aeron UDP, nats-server through jnats, Mosquitto through the
 * generator's MQTT client. The commands are the ones a user
 * would type; only the listening address and the limits that would refuse the benchmark's own load are set.
 */
public enum RouterTarget
{
    CLASP_WS("clasp-ws")
    {
        List<String> command(final Options o, final int port, final Path dir) throws IOException
        {
            final List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable());
            cmd.addAll(split(o.serverJvmOptions));
            cmd.add("--add-exports");
            cmd.add("java.base/jdk.internal.misc=ALL-UNNAMED");
            cmd.addAll(List.of("-jar", o.serverJar.toString(), "server", "--host", "127.0.0.1",
                "--port", Integer.toString(port),
                // The connections scenario holds 10 000 sessions, the default limit, all from 127.0.0.1 (past the
                // default 1 000 per source address); idle probing is off so a held-open idle client is not pinged in
                // the middle of a run.
                "--max-sessions", "0", "--max-connections-per-ip", "1000000", "--idle-timeout", "0"));
            if (o.tls != null)
            {
                cmd.addAll(List.of("--tls-cert", o.tls.certificate().toString(), "--tls-key",
                    o.tls.privateKey().toString()));
            }
            if (o.tokensFile != null)
            {
                cmd.addAll(List.of("--auth-tokens", o.tokensFile.toString()));
            }
            cmd.addAll(split(o.serverArgs));
            if (o.dataDirPerRun)
            {
                Files.createDirectories(dir);
                cmd.add("--data-dir");
                cmd.add(Files.createTempDirectory(dir, "data-").toString());
            }
            return cmd;
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            return new ClaspWsTransport((o.tls == null ? "ws" : "wss") + "://127.0.0.1:" + port + "/",
                new ClaspFrames(kind, s.payloadSize(), s.topics()).token(o.token), 1,
                o.tls == null ? null : o.tls.nettyClient());
        }

        Transport idleTransport(final Options o, final int port, final LoadSettings s)
        {
            return new IdleClientTransport(label(), IdleClientTransport.Protocol.CLASP, "127.0.0.1", port, o.token);
        }
    },
    CLASP_AERON("clasp-aeron")
    {
        List<String> command(final Options o, final int port, final Path dir) throws IOException
        {
            final List<String> cmd = new ArrayList<>(CLASP_WS.command(o, port, dir));
            cmd.add("--aeron-endpoint");
            cmd.add("127.0.0.1:" + aeronPort(port));
            return cmd;
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            // One client transport (one agent thread, one embedded INVOKER driver) for every link of the run.
            return new ClaspLinkTransport(label(), new AeronClientTransport(
                new AeronClientTransport.Context().routerEndpoint("127.0.0.1:" + aeronPort(port))),
                new ClaspFrames(kind, s.payloadSize(), s.topics(), false).token(o.token));
        }

        boolean supports(final Scenario scenario)
        {
            // Every Aeron link maps its own publication and subscription log buffers (megabytes each): Aeron is
            // this router's transport for a few clients on a LAN, not for 10 000 idle ones.
            return scenario.hasMessageKind() && super.supports(scenario);
        }
    },
    /** This router's MQTT edge: the generator's MQTT publishers and subscribers, as against Mosquitto. */
    CLASP_MQTT("clasp-mqtt")
    {
        List<String> command(final Options o, final int port, final Path dir) throws IOException
        {
            return AdapterTargets.withMqtt(CLASP_WS.command(o, port, dir), port);
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            return AdapterTargets.mqtt(port, s);
        }

        Transport idleTransport(final Options o, final int port, final LoadSettings s)
        {
            return AdapterTargets.mqttIdle(port);
        }
    },
    /** MQTT publishers → CLASP WebSocket subscribers through one router. */
    CLASP_MQTT_WS("clasp-mqtt-ws")
    {
        List<String> command(final Options o, final int port, final Path dir) throws IOException
        {
            return AdapterTargets.withMqtt(CLASP_WS.command(o, port, dir), port);
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            return AdapterTargets.mqttToWs(port, s);
        }

        boolean supports(final Scenario scenario)
        {
            return scenario != Scenario.CONNECTIONS;
        }
    },
    /** OSC senders (UDP) → CLASP WebSocket subscribers through one router. */
    CLASP_OSC_WS("clasp-osc-ws")
    {
        List<String> command(final Options o, final int port, final Path dir) throws IOException
        {
            return AdapterTargets.withOsc(CLASP_WS.command(o, port, dir), port);
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            return AdapterTargets.oscToWs(port, s);
        }

        boolean supports(final Scenario scenario)
        {
            return scenario != Scenario.CONNECTIONS;
        }
    },
    NATS("nats")
    {
        List<String> command(final Options o, final int port, final Path dir)
        {
            final List<String> cmd = new ArrayList<>(List.of(o.natsServer, "-a", "127.0.0.1", "-p",
                Integer.toString(port)));
            if (o.tls != null)
            {
                cmd.addAll(List.of("--tls", "--tlscert", o.tls.certificate().toString(), "--tlskey",
                    o.tls.privateKey().toString()));
            }
            return cmd;
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            return o.tls == null ? new NatsTransport("nats://127.0.0.1:" + port, s.payloadSize(), s.topics(), null) :
                new NatsTransport("tls://127.0.0.1:" + port, s.payloadSize(), s.topics(), o.tls.jdkClient());
        }

        Transport idleTransport(final Options o, final int port, final LoadSettings s)
        {
            return new IdleClientTransport(label(), IdleClientTransport.Protocol.NATS, "127.0.0.1", port);
        }
    },
    MOSQUITTO("mosquitto")
    {
        List<String> command(final Options o, final int port, final Path dir) throws IOException
        {
            // Mosquitto 2 takes its listener and limits only from a file. Nagle off as for the others.
            final Path conf = dir.resolve("mosquitto-" + port + ".conf");
            Files.writeString(conf, "listener " + port + " 127.0.0.1\n" +
                "allow_anonymous true\n" +
                "max_connections -1\n" +
                "set_tcp_nodelay true\n" +
                "persistence false\n");
            return List.of(o.mosquitto, "-c", conf.toString());
        }

        Transport transport(final Options o, final int port, final MessageKind kind, final LoadSettings s)
        {
            return new MqttTransport("tcp://127.0.0.1:" + port, s.payloadSize(), s.topics());
        }

        Transport idleTransport(final Options o, final int port, final LoadSettings s)
        {
            return new IdleClientTransport(label(), IdleClientTransport.Protocol.MQTT, "127.0.0.1", port);
        }
    };

    private final String label;

    RouterTarget(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    /** Whether the router has more than one message kind worth measuring (CLASP's SET and PUBLISH). */
    public boolean hasKinds()
    {
        return this == CLASP_WS || this == CLASP_AERON;
    }

    /** Whether the scenario makes sense for this router and transport. */
    boolean supports(final Scenario scenario)
    {
        // The churn and replay clients are CLASP clients (over WebSocket, beside either CLASP transport); ACKs are
        // CLASP's.
        return (scenario != Scenario.CHURN && scenario != Scenario.ACK && scenario != Scenario.REPLAY) || hasKinds();
    }

    /**
     * Whether the generator can run this router with TLS ({@code --tls}): this router over WebSocket (wss://) and
     * nats-server; not Aeron UDP (no TLS) nor, for now, Mosquitto; the connections scenario's handshake-only NATS
     * client speaks no TLS.
     */
    boolean supportsTls(final Scenario scenario)
    {
        return this == CLASP_WS || (this == NATS && scenario != Scenario.CONNECTIONS);
    }

    /** The router's Aeron UDP port: beside the WebSocket port the generator waits on. */
    static int aeronPort(final int port)
    {
        return port + 1000;
    }

    abstract List<String> command(Options o, int port, Path dir) throws IOException;

    abstract Transport transport(Options o, int port, MessageKind kind, LoadSettings s);

    /**
     * The clients of the connections scenario: the same as {@link #transport} where that client shares threads
     * between connections (CLASP), a handshake-only client where the maintained client needs threads per
     * connection ({@link IdleClientTransport}).
     */
    Transport idleTransport(final Options o, final int port, final LoadSettings s)
    {
        return transport(o, port, MessageKind.PUBLISH, s);
    }

    public static RouterTarget parse(final String text)
    {
        for (final RouterTarget t : values())
        {
            if (t.label.equalsIgnoreCase(text) || t.name().equalsIgnoreCase(text) ||
                (t == CLASP_WS && "clasp".equalsIgnoreCase(text)))
            {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + text + "' (clasp-ws, clasp-aeron, clasp-mqtt, " +
            "clasp-mqtt-ws, clasp-osc-ws, nats, mosquitto)");
    }

    /** Where the programs are and how the CLASP server is run. */
    public static final class Options
    {
        Path serverJar = Path.of("server/target/clasp-server.jar");
        String serverJvmOptions = "-Xmx1g";
        String serverArgs = "";
        /** Give each CLASP router a fresh --data-dir under the run's output directory. */
        boolean dataDirPerRun;
        // Debian installs both in /usr/sbin, which is not on every user's PATH.
        String natsServer = program("nats-server");
        String mosquitto = program("mosquitto");
        /** Non-null with {@code --tls}: the certificate the routers serve and the clients trust. */
        BenchTls tls;
        /** Non-null with {@code --auth}: the tokens file the CLASP routers start with. */
        Path tokensFile;
        /** The token CLASP clients send in HELLO ({@code --token}, or the one {@code --auth} made), or null. */
        String token;
    }

    static String program(final String name)
    {
        final Path sbin = Path.of("/usr/sbin", name);
        return Files.isExecutable(sbin) ? sbin.toString() : name;
    }

    static String javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> split(final String s)
    {
        final List<String> out = new ArrayList<>();
        for (final String part : s.trim().split("\\s+"))
        {
            if (!part.isEmpty())
            {
                out.add(part);
            }
        }
        return out;
    }
}
