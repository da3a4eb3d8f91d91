package to.clasp.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import to.clasp.client.Signal;
import to.clasp.client.SubscribeOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code clasp sub [PATTERN]}: print every update matching PATTERN as it arrives, starting with the stored params
 * that match (the late-join snapshot). One line per update on stdout; status on stderr.
 */
@Command(name = "sub", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print every update matching PATTERN as it arrives, the stored params that match first.",
        "Lines look like '/sensors/temperature = 21.5  (param, rev 3)'; --json prints one JSON object per line.",
        "Runs until Ctrl-C, --count updates, or the router closes the connection (exit 1)."})
public final class SubCommand extends ClientCommand
{
    @Parameters(index = "0", paramLabel = "PATTERN", arity = "0..1", defaultValue = "/**",
        description = "Address pattern: * one segment, ** any number (default: ${DEFAULT-VALUE}).")
    String pattern;

    @Option(names = "--json", description = "One JSON object per update: address, value, revision, signal.")
    boolean json;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "0",
        description = "Exit 0 after N updates; 0 = run until stopped (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--max-rate", paramLabel = "N", defaultValue = "0",
        description = "Ask the router for at most N updates per second per address (latest value wins); " +
            "0 = every update (default: ${DEFAULT-VALUE}).")
    long maxRate;

    int run(final WebSocketClaspClient client) throws InterruptedException
    {
        if (count < 0 || maxRate < 0)
        {
            throw new IllegalArgumentException("--count and --max-rate take a whole number >= 0");
        }
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong printed = new AtomicLong();
        // The session's first SNAPSHOT (sent after WELCOME) may still be in flight when the subscription is made, and
        // then both it and the SUBSCRIBE's snapshot carry the same write: one line per (address, revision).
        final Map<String, Long> revisions = new java.util.HashMap<>();
        client.subscribe(pattern, (address, value, revision, signal) ->
        {
            if (count > 0 && printed.get() >= count)
            {
                return;
            }
            if (revision >= 0)
            {
                final Long seen = revisions.put(address, revision);
                if (seen != null && seen == revision)
                {
                    return;
                }
            }
            print(address, value, revision, signal);
            if (count > 0 && printed.incrementAndGet() >= count)
            {
                done.countDown();
            }
        }, maxRate > 0 ? SubscribeOptions.all().maxRate(maxRate) : SubscribeOptions.all());
        final int handled = awaitHandled(client);
        if (handled != 0)
        {
            return handled;
        }
        final java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("clasp: subscribed to " + pattern + " on " + server);
        err.flush();
        while (!done.await(100, TimeUnit.MILLISECONDS))
        {
            if (!client.isConnected())
            {
                return fail("the router closed the connection" +
                    (errors.isEmpty() ? "" : ": " + errors.get(errors.size() - 1).getMessage()));
            }
        }
        return 0;
    }

    private void print(final String address, final Object value, final long revision, final Signal signal)
    {
        final String kind = signal.name().toLowerCase(Locale.ROOT);
        final String line;
        if (json)
        {
            final Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("address", address);
            fields.put("value", value);
            fields.put("revision", revision >= 0 ? revision : null);
            fields.put("signal", kind);
            line = Values.json(fields);
        }
        else
        {
            line = address + " = " + Values.json(value) + "  (" + kind + (revision >= 0 ? ", rev " + revision : "") +
                ")";
        }
        synchronized (this)
        {
            out().println(line);
            out().flush();
        }
    }
}
