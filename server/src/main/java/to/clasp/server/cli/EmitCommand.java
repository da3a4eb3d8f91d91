package to.clasp.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import to.clasp.transport.ws.WebSocketClaspClient;

/**
 * {@code clasp emit ADDRESS [VALUE]}: publish an event (not stored) to the subscribers of ADDRESS; exit 1 when the
 * router refuses it.
 */
@Command(name = "emit", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Emit an event on ADDRESS with an optional VALUE (delivered to subscribers, never stored).",
        "VALUE as for 'clasp pub'. Exits 0 once the router handled it, 1 when it refused it or could not be reached."})
public final class EmitCommand extends ClientCommand
{
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "Event address, e.g. /cue/go.")
    String address;

    @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1", description = "The payload (default: none).")
    String value;

    @Option(names = "--string", description = "Send VALUE as text whatever it looks like.")
    boolean string;

    int run(final WebSocketClaspClient client) throws InterruptedException
    {
        client.emit(address, value == null ? null : Values.parse(value, string));
        return awaitHandled(client);
    }
}
