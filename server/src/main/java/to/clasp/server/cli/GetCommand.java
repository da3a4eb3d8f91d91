package to.clasp.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import to.clasp.transport.ws.WebSocketClaspClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code clasp get ADDRESS}: print a param's current value as JSON; exit 1 when it does not exist.
 */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the current value of the param at ADDRESS as JSON (42 integer, 42.0 float).",
        "Exits 1 when there is no such param, the router refuses, or it cannot be reached."})
public final class GetCommand extends ClientCommand
{
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "Param address.")
    String address;

    @Option(names = "--json", description = "Print {\"address\":…,\"value\":…} instead of the bare value.")
    boolean json;

    int run(final WebSocketClaspClient client) throws InterruptedException
    {
        final Reply reply = request(client, address);
        if (reply == null)
        {
            return fail(address + ": no answer within " + timeout.toMillis() + " ms");
        }
        if (reply.error() != null)
        {
            return fail(reply.error().code() == 201 ? address + ": not found" : "refused: " + reply.error().getMessage());
        }
        final Object value = reply.value();
        if (json)
        {
            final Map<String, Object> line = new LinkedHashMap<>();
            line.put("address", address);
            line.put("value", value);
            out().println(Values.json(line));
        }
        else
        {
            out().println(Values.json(value));
        }
        out().flush();
        return 0;
    }
}
