package to.clasp.server.cli;

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
        final long acks = client.session().acksReceived();
        client.set(address, parsed);
        final int handled = awaitHandled(client);
        if (handled != 0)
        {
            return handled;
        }
        if (client.session().acksReceived() == acks)
        {
            return fail("the router did not acknowledge the write");
        }
        return 0;
    }
}
