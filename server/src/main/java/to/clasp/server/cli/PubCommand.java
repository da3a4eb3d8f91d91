package to.clasp.server.cli;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import to.clasp.transport.ws.WebSocketClaspClient;

/**
 * {@code clasp pub ADDRESS VALUE} (also {@code clasp set}): write a param and wait for the router's ACK; exit 1 when
 * the router refuses it (invalid address, lock held, scope) with the router's message.
 */
@Command(name = "pub", aliases = "set", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Set a param: ADDRESS takes VALUE (stored, revisioned, sent to subscribers and late joiners).",
        "VALUE: 42 is an integer, 4.2 a float, true/false/null, JSON for arrays and objects; anything else is text.",
        "Exits 0 once the router acknowledged the write, 1 when it refused it or could not be reached."})
public final class PubCommand extends ClientCommand
{
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "Param address, e.g. /sensors/temperature.")
    String address;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (see above).")
    String value;

    @Option(names = "--string", description = "Send VALUE as text whatever it looks like (\"42\" stays text).")
    boolean string;

    int run(final WebSocketClaspClient client) throws InterruptedException
    {
        final Object parsed = Values.parse(value, string);
        try
        {
            // The router answers a confirmed write with its ACK (with a data directory: once the write is on disk)
            // or an ERROR naming the address; the client matches it to this write.
            client.setConfirmed(address, parsed).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return 0;
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause() instanceof TimeoutException ?
                fail("the router did not acknowledge the write within " + timeout.toMillis() + " ms") :
                fail("refused: " + ex.getCause().getMessage());
        }
        catch (final TimeoutException ex)
        {
            return fail("the router did not acknowledge the write within " + timeout.toMillis() + " ms");
        }
    }
}
