package to.clasp.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import to.clasp.client.ClaspException;
import to.clasp.client.ClientOptions;
import to.clasp.server.DurationConverter;
import to.clasp.transport.ws.WebSocketClaspClient;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every client subcommand shares: {@code -s/--server URL} (the reference CLI's flag), {@code --token},
 * {@code --timeout}, the connection through the Java client, and the exit codes: 0 done, 1 not found / refused /
 * unreachable, 2 usage (picocli).
 */
abstract class ClientCommand implements Callable<Integer>
{
    /** Exit code: the router refused, the address does not exist, or the router cannot be reached. */
    static final int FAILED = 1;
    /** Exit code: a bad argument (as picocli's). */
    static final int USAGE = 2;

    @Option(names = {"-s", "--server"}, paramLabel = "URL", defaultValue = "ws://localhost:7330",
        description = "Router to connect to (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "",
        description = "Token sent in HELLO when the router requires one (default: none).")
    String token;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
        description = "How long to wait for the router to connect or answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Every ERROR the router sent this session, in order. */
    final List<ClaspException> errors = new CopyOnWriteArrayList<>();

    public final Integer call()
    {
        to.clasp.server.LogSetup.clientCommand();
        final WebSocketClaspClient client;
        try
        {
            if (!server.startsWith("ws://") && !server.startsWith("wss://"))
            {
                throw new IllegalArgumentException("not a ws:// or wss:// URL");
            }
            client = WebSocketClaspClient.create(server, new ClientOptions()
                .name("clasp " + spec.name())
                .token(token)
                .reconnect(false)
                .connectTimeoutMs(Math.max(1, timeout.toMillis()))
                .getTimeoutMs(Math.max(1, timeout.toMillis()))
                .errorListener(errors::add));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '--server': '" + server + "': " + ex.getMessage());
        }
        try (client)
        {
            try
            {
                client.connect();
            }
            catch (final ClaspException ex)
            {
                return fail("cannot connect to " + server + ": " +
                    (errors.isEmpty() ? ex.getMessage() : errors.get(0).getMessage()));
            }
            return run(client);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    /**
     * The command's work on a connected client.
     *
     * @return the exit code.
     */
    abstract int run(WebSocketClaspClient client) throws InterruptedException;

    /**
     * Wait until the router has handled everything this command sent, and report a refusal.
     *
     * @return 0 when the router answered and refused nothing; {@link #FAILED} (after printing why) when it refused
     * something or did not answer in time.
     */
    int awaitHandled(final WebSocketClaspClient client) throws InterruptedException
    {
        final int refusals = refusalsBefore(client);
        if (refusals < 0)
        {
            return fail("no answer from " + server + " within " + timeout.toMillis() + " ms");
        }
        return refusals > 0 ? fail("refused: " + errors.get(0).getMessage()) : 0;
    }

    /**
     * Wait until the router has handled everything sent so far: GET an address of this command's own (the router
     * answers every GET at QoS Confirm, in order, with a SNAPSHOT or an ERROR naming it), so every ERROR about the
     * earlier frames has arrived once that answer has.
     *
     * @return how many ERRORs answered the earlier frames, or -1 when the router did not answer in time.
     */
    private int refusalsBefore(final WebSocketClaspClient client) throws InterruptedException
    {
        final String barrier = "/clasp/cli/barrier/" + java.util.UUID.randomUUID();
        final Reply reply = request(client, barrier);
        if (reply == null)
        {
            return -1;
        }
        int refusals = 0;
        for (final ClaspException error : errors)
        {
            refusals += names(error, barrier) ? 0 : 1;
        }
        return refusals;
    }

    /** A GET's answer: the value, or the router's ERROR about the address. */
    record Reply(Object value, ClaspException error)
    {
    }

    /**
     * GET {@code address} and wait for its answer: the value, an ERROR naming it (not found, invalid, forbidden), or
     * null after the timeout.
     */
    Reply request(final WebSocketClaspClient client, final String address) throws InterruptedException
    {
        final java.util.concurrent.CompletableFuture<Object> future = client.get(address);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline)
        {
            if (future.isDone())
            {
                try
                {
                    return new Reply(future.getNow(null), null);
                }
                catch (final java.util.concurrent.CompletionException ex)
                {
                    if (!(ex.getCause() instanceof ClaspException))
                    {
                        return null;
                    }
                    // fall through to the ERROR in the list
                }
            }
            for (final ClaspException error : errors)
            {
                if (names(error, address))
                {
                    return new Reply(null, error);
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    private static boolean names(final ClaspException error, final String address)
    {
        return String.valueOf(error.getMessage()).endsWith("(" + address + ")");
    }

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    /** Print {@code clasp: message} on stderr; returns {@link #FAILED}. */
    int fail(final String message)
    {
        final PrintWriter err = spec.commandLine().getErr();
        err.println("clasp: " + message);
        err.flush();
        return FAILED;
    }
}
