package to.clasp.transport.aeron;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import to.clasp.client.ClientTransport;

/**
 * The Aeron {@link ClientTransport}: one agent thread per transport runs the Aeron client conductor, the embedded
 * media driver (INVOKER mode, unless attached to an external driver), and every link's polling, batching and
 * heartbeats. Listeners of the {@link to.clasp.client.ClientSession} above run on that thread too: never block in
 * them (in INVOKER mode that would also stall the driver).
 */
public final class AeronClientTransport implements ClientTransport
{
    private static final Logger LOG = LoggerFactory.getLogger(AeronClientTransport.class);

    private final Context ctx;
    private final AeronRuntime runtime;
    private final WakeableIdleStrategy idle;
    private final ClientAgent agent;
    private final AgentRunner runner;

    /**
     * Start the driver (or attach) and the agent thread.
     *
     * @param ctx settings; concluded here.
     */
    public AeronClientTransport(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.runtime = AeronRuntime.start(ctx.driver(), "clasp-client", t -> LOG.warn("aeron client error", t));
        this.agent = new ClientAgent();
        final String idleSpec = ctx.driver().idleStrategy();
        this.idle = new WakeableIdleStrategy(IdleStrategies.parse(idleSpec), IdleStrategies.maxIdleNs(idleSpec),
            () -> !agent.commands.isEmpty(), agent::nanosToNextTask);
        this.runner = new AgentRunner(idle, t -> LOG.warn("aeron client agent error", t), null, agent);
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread t = new Thread(r, ctx.agentName());
            t.setDaemon(true);
            return t;
        });
    }

    public CompletableFuture<Link> open(final LinkHandler handler)
    {
        final CompletableFuture<Link> result = new CompletableFuture<>();
        agent.commands.offer(() ->
        {
            try
            {
                final AeronClientLink link = new AeronClientLink(ctx, runtime, agent, handler);
                link.start(System.nanoTime());
                agent.links.add(link);
                link.opened.whenComplete((l, error) ->
                {
                    if (null != error)
                    {
                        result.completeExceptionally(error);
                    }
                    else
                    {
                        result.complete(l);
                    }
                });
            }
            catch (final RuntimeException ex)
            {
                result.completeExceptionally(ex);
            }
        });
        agent.wake();
        return result;
    }

    /**
     * @return a view of this transport for one more client: it opens links here but does not close the transport
     * when that client closes (the owner of this transport closes it once, after its clients).
     */
    public ClientTransport shared()
    {
        final AeronClientTransport owner = this;
        return new ClientTransport()
        {
            public CompletableFuture<Link> open(final LinkHandler handler)
            {
                return owner.open(handler);
            }

            public void close()
            {
                // the owner closes the transport
            }
        };
    }

    /**
     * Run {@code task} on this transport's agent thread, no sooner than {@code delayNs} from now (0: in the next duty
     * cycle), for code that must share the thread that owns the links: a frame a task sends is offered and put on
     * the wire in the same duty cycle, with no hand-off. The agent's wait is cut short for the earliest task; how
     * late a task runs is the agent's wake-up lateness (tens of µs on a VM). Never block in a task.
     *
     * @param task    what to run; an exception it throws is logged.
     * @param delayNs how long to wait first.
     */
    public void schedule(final Runnable task, final long delayNs)
    {
        final long deadlineNs = System.nanoTime() + Math.max(0, delayNs);
        if (agent.isAgentThread())
        {
            agent.addTask(task, deadlineNs);
            return;
        }
        agent.commands.offer(() -> agent.addTask(task, deadlineNs));
        agent.wake();
    }

    /** @return the driver directory in use (embedded or external). */
    public String aeronDirectory()
    {
        return runtime.directory();
    }

    /**
     * @param counterId one of {@code io.aeron.AeronCounters.SYSTEM_COUNTER_ID_*}, e.g. NAK messages sent.
     * @return the media driver's system counter (while the transport is open).
     */
    public long driverCounter(final int counterId)
    {
        return runtime.systemCounter(counterId);
    }

    /** Close every link (Disconnect sent), stop the agent, stop the embedded driver and delete its directory. */
    public void close()
    {
        runner.close();
    }

    /** The transport's duty cycle. */
    final class ClientAgent implements Agent
    {
        private static final long LINGER_US = 20_000;

        final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();
        final ArrayList<AeronClientLink> links = new ArrayList<>();
        /** Scheduled tasks by deadline, then by order of scheduling; agent thread only. */
        private final java.util.PriorityQueue<ScheduledTask> tasks = new java.util.PriorityQueue<>();
        private long taskSequence;
        private volatile Thread thread;

        void addTask(final Runnable task, final long deadlineNs)
        {
            tasks.add(new ScheduledTask(task, deadlineNs, taskSequence++));
        }

        /** Agent thread: nanoseconds until the earliest scheduled task (0 when due), or Long.MAX_VALUE. */
        long nanosToNextTask()
        {
            final ScheduledTask next = tasks.peek();
            return null == next ? Long.MAX_VALUE : Math.max(0, next.deadlineNs - System.nanoTime());
        }

        private int runDueTasks()
        {
            int work = 0;
            ScheduledTask next;
            while (null != (next = tasks.peek()) && next.deadlineNs - System.nanoTime() <= 0)
            {
                tasks.poll();
                try
                {
                    next.task.run();
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("aeron client task failed", ex);
                }
                work++;
            }
            return work;
        }

        void wake()
        {
            idle.wake();
        }

        /** @return whether the caller is this agent's thread (a listener running inside the duty cycle). */
        boolean isAgentThread()
        {
            return Thread.currentThread() == thread;
        }

        public void onStart()
        {
            TimerSlack.applyToCurrentThread(ctx.driver().timerSlackNs());
            thread = Thread.currentThread();
        }

        public int doWork()
        {
            int work = runtime.invoke();
            Runnable command;
            while (null != (command = commands.poll()))
            {
                command.run();
                work++;
            }
            if (!tasks.isEmpty())
            {
                work += runDueTasks();
            }
            if (!links.isEmpty())
            {
                final long now = System.nanoTime();
                int linkWork = 0;
                for (int i = links.size() - 1; i >= 0; i--)
                {
                    final AeronClientLink link = links.get(i);
                    linkWork += link.doWork(now);
                    if (AeronClientLink.State.CLOSED == link.state)
                    {
                        links.remove(i);
                    }
                }
                if (linkWork > 0)
                {
                    // INVOKER mode: let the driver send what the links just offered, without waiting a cycle.
                    work += linkWork + runtime.invoke();
                }
            }
            return work;
        }

        public void onClose()
        {
            for (final AeronClientLink link : links)
            {
                link.shutdown();
            }
            links.clear();
            if (runtime.embedded())
            {
                // The embedded driver sends only while invoked: give it a moment to put the last frames and the
                // Disconnect (of this or an earlier link) on the wire before it stops.
                runtime.invokeFor(LINGER_US);
            }
            runtime.close();
        }

        public String roleName()
        {
            return ctx.agentName();
        }
    }

    /** A task for the agent and when it is due. */
    private static final class ScheduledTask implements Comparable<ScheduledTask>
    {
        final Runnable task;
        final long deadlineNs;
        final long sequence;

        ScheduledTask(final Runnable task, final long deadlineNs, final long sequence)
        {
            this.task = task;
            this.deadlineNs = deadlineNs;
            this.sequence = sequence;
        }

        public int compareTo(final ScheduledTask other)
        {
            final int byTime = Long.compare(deadlineNs - other.deadlineNs, 0);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    /**
     * Client transport settings with documented defaults.
     */
    public static final class Context
    {
        /** Default stream id the router answers on. */
        public static final int RESPONSE_STREAM_ID_DEFAULT = 1002;

        private boolean concluded;
        private String routerEndpoint = "127.0.0.1:7331";
        private int routerStreamId = AeronEdge.Context.STREAM_ID_DEFAULT;
        private String responseHost;
        private int responsePort;
        private int responseStreamId = RESPONSE_STREAM_ID_DEFAULT;
        private DriverOptions driver = new DriverOptions();
        private String clientName = "CLASP Java Client (Aeron)";
        private int connectTimeoutMs = 5000;
        private int closeTimeoutMs = 2000;
        private int batchLength = 1024;
        private int sendBufferLength = 1024 * 1024;
        private int fragmentLimit = 64;
        private String agentName = "clasp-aeron-client";

        Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            Objects.requireNonNull(routerEndpoint, "routerEndpoint");
            if (routerEndpoint.lastIndexOf(':') <= 0)
            {
                throw new IllegalArgumentException("routerEndpoint must be HOST:PORT: " + routerEndpoint);
            }
            driver.conclude();
            if (null == responseHost)
            {
                responseHost = localAddressTowards(routerEndpoint);
            }
            if (responsePort < 0 || responsePort > 65_535)
            {
                throw new IllegalArgumentException("responsePort out of range: " + responsePort);
            }
            if (Integer.bitCount(sendBufferLength) != 1 || sendBufferLength < 64 * 1024)
            {
                throw new IllegalArgumentException("sendBufferLength must be a power of two >= 64 KiB");
            }
            if (batchLength < 64 || batchLength > 64 * 1024)
            {
                throw new IllegalArgumentException("batchLength must be 64..65536: " + batchLength);
            }
            concluded = true;
            return this;
        }

        /**
         * The address of the local interface that routes to the router: what the router must send responses to.
         * A connected UDP socket sends nothing; it only asks the kernel's routing table.
         */
        static String localAddressTowards(final String endpoint)
        {
            final int colon = endpoint.lastIndexOf(':');
            final String host = endpoint.substring(0, colon);
            final int port = Integer.parseInt(endpoint.substring(colon + 1));
            try (DatagramSocket socket = new DatagramSocket())
            {
                final InetAddress router = InetAddress.getByName(host);
                if (router.isAnyLocalAddress())
                {
                    return "127.0.0.1";
                }
                socket.connect(new InetSocketAddress(router, Math.max(port, 1)));
                final InetAddress local = socket.getLocalAddress();
                if (local.isAnyLocalAddress())
                {
                    return "127.0.0.1";
                }
                // Aeron channel URIs write IPv6 literals in brackets, as in [fe80::1]:7332.
                return local instanceof java.net.Inet6Address ?
                    "[" + local.getHostAddress().replaceFirst("%.*$", "") + "]" : local.getHostAddress();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot find a local address towards " + endpoint, ex);
            }
        }

        /** @return the router's Aeron endpoint {@code HOST:PORT} (default 127.0.0.1:7331). */
        public String routerEndpoint()
        {
            return routerEndpoint;
        }

        /** @param endpoint the router's Aeron endpoint {@code HOST:PORT}. @return this. */
        public Context routerEndpoint(final String endpoint)
        {
            this.routerEndpoint = endpoint;
            return this;
        }

        /** @return stream id the router listens on (default 1001). */
        public int routerStreamId()
        {
            return routerStreamId;
        }

        /** @param streamId stream id the router listens on. @return this. */
        public Context routerStreamId(final int streamId)
        {
            this.routerStreamId = streamId;
            return this;
        }

        /**
         * @return the local address the router answers to; default: the interface that routes to the router
         * (what the kernel would use to send there), so it works across a LAN without configuration.
         */
        public String responseHost()
        {
            return responseHost;
        }

        /** @param host local address for responses (must be reachable from the router). @return this. */
        public Context responseHost(final String host)
        {
            this.responseHost = host;
            return this;
        }

        /** @return local UDP port for responses; 0 (default) = an ephemeral port per link. */
        public int responsePort()
        {
            return responsePort;
        }

        /** @param port local UDP port for responses (open it in a firewall when not 0). @return this. */
        public Context responsePort(final int port)
        {
            this.responsePort = port;
            return this;
        }

        /** @return stream id the router answers on (default 1002). */
        public int responseStreamId()
        {
            return responseStreamId;
        }

        /** @param streamId stream id for responses. @return this. */
        public Context responseStreamId(final int streamId)
        {
            this.responseStreamId = streamId;
            return this;
        }

        /** @return media driver settings (embedded INVOKER by default). */
        public DriverOptions driver()
        {
            return driver;
        }

        /** @param driver media driver settings. @return this. */
        public Context driver(final DriverOptions driver)
        {
            this.driver = Objects.requireNonNull(driver, "driver");
            return this;
        }

        /** @return name sent in the envelope's Connect (for the router's logs). */
        public String clientName()
        {
            return clientName;
        }

        /** @param name name for the router's logs. @return this. */
        public Context clientName(final String name)
        {
            this.clientName = name;
            return this;
        }

        /** @return time for the envelope handshake (default 5000 ms). */
        public int connectTimeoutMs()
        {
            return connectTimeoutMs;
        }

        /** @param ms handshake timeout. @return this. */
        public Context connectTimeoutMs(final int ms)
        {
            this.connectTimeoutMs = ms;
            return this;
        }

        /** @return most time close() spends flushing sent frames (default 2000 ms). */
        public int closeTimeoutMs()
        {
            return closeTimeoutMs;
        }

        /** @return soft limit of one Frames message in bytes (default 1024). */
        public int batchLength()
        {
            return batchLength;
        }

        /** @param bytes soft batch limit. @return this. */
        public Context batchLength(final int bytes)
        {
            this.batchLength = bytes;
            return this;
        }

        /** @return bytes of the ring between callers and the agent (default 1 MiB); full = send() waits. */
        public int sendBufferLength()
        {
            return sendBufferLength;
        }

        /** @param bytes ring size, a power of two. @return this. */
        public Context sendBufferLength(final int bytes)
        {
            this.sendBufferLength = bytes;
            return this;
        }

        /** @return fragments polled per duty cycle (64). */
        public int fragmentLimit()
        {
            return fragmentLimit;
        }

        /** @return the agent thread's name. */
        public String agentName()
        {
            return agentName;
        }

        /** @param name the agent thread's name. @return this. */
        public Context agentName(final String name)
        {
            this.agentName = name;
            return this;
        }
    }
}
