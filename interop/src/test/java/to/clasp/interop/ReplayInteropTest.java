package to.clasp.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClientOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REPLAY from the real JavaScript client against the built server jar. {@code @clasp-to/core} 3.3.2 cannot send
 * REPLAY, so {@code scenarios/replay.mjs} builds the frame byte for byte and sends it on the client's own socket; the
 * entries come back as SET / PUBLISH frames the library decodes, each with the original write's time in its frame
 * header, then ACK{pattern}. Pattern, time range, limit and type mask select them; without a data directory the router
 * answers ERROR 501.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class ReplayInteropTest
{
    @TempDir
    Path tmp;

    /** One entry as replay.mjs printed it. */
    private record Entry(String type, String address, String value, long revision, long micros)
    {
        static Entry of(final JsonNode e)
        {
            return new Entry(e.get("type").asText(), e.get("address").asText(), e.get("value").toString(),
                e.get("revision").isNull() ? -1 : e.get("revision").asLong(), Long.parseLong(e.get("timestamp").asText()));
        }

        @Override
        public String toString()
        {
            return type + " " + address + (revision >= 0 ? "@" + revision : "") + "=" + value;
        }
    }

    private static List<Entry> replay(final ServerProcess server, final String pattern, final String from,
        final String to, final String limit, final int mask) throws Exception
    {
        try (NodeScenario js = NodeScenario.start("replay", server.url(), pattern, from, to, limit,
            Integer.toString(mask)))
        {
            final JsonNode complete = js.await("complete", 20_000);
            js.awaitDone(5_000);
            final List<Entry> entries = new ArrayList<>();
            complete.get("entries").forEach(e -> entries.add(Entry.of(e)));
            return entries;
        }
    }

    @Test
    void theJsClientReplaysTheJournalByPatternTimeRangeLimitAndTypeMask() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        try (ServerProcess server = ServerProcess.start("--data-dir", tmp.resolve("data").toString(),
            "--journal-events");
             ClaspClient java = WebSocketClaspClient.create(server.url(), new ClientOptions().reconnect(false)))
        {
            java.connect();
            java.setConfirmed("/rp/a", 1L).get(10, TimeUnit.SECONDS);
            java.setConfirmed("/rp/a", 2L).get(10, TimeUnit.SECONDS);
            java.setConfirmed("/other", 9L).get(10, TimeUnit.SECONDS);
            java.emit("/rp/e", "go");
            java.setConfirmed("/rp/b", "text").get(10, TimeUnit.SECONDS);
            java.setConfirmed("/rp/a", 3L).get(10, TimeUnit.SECONDS); // ACKed: everything before it is durable

            final List<Entry> all = replay(server, "/rp/**", "-", "-", "-", 0xFF);
            assertEquals("[SET /rp/a@1=1, SET /rp/a@2=2, PUBLISH /rp/e=\"go\", SET /rp/b@1=\"text\", SET /rp/a@3=3]",
                all.toString(), "journal order, revisions, events with --journal-events");
            for (int i = 1; i < all.size(); i++)
            {
                assertTrue(all.get(i).micros() >= all.get(i - 1).micros(), "times in journal order: " + all);
            }

            final long from = all.get(1).micros();
            final long to = all.get(3).micros();
            final List<Entry> range = replay(server, "/rp/**", Long.toString(from), Long.toString(to), "-", 0xFF);
            assertEquals(all.stream().filter(e -> e.micros() >= from && e.micros() <= to).toList(), range);
            assertTrue(range.size() >= 3, "at least entries 1..3: " + range);

            assertEquals(all.subList(0, 2), replay(server, "/rp/**", "-", "-", "2", 0xFF), "limit");
            assertEquals("[PUBLISH /rp/e=\"go\"]", replay(server, "/rp/**", "-", "-", "-", 0x02).toString(),
                "type mask: events");
            assertEquals("[SET /rp/a@1=1, SET /rp/a@2=2, SET /rp/a@3=3]",
                replay(server, "/rp/a", "-", "-", "-", 0x01).toString(), "type mask: params, one address");
            assertEquals(0, server.stop(), server.log());
        }
    }

    @Test
    void withoutADataDirectoryTheRouterAnswersTheJsReplayWithError501() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        try (ServerProcess server = ServerProcess.start();
             NodeScenario js = NodeScenario.start("replay", server.url(), "/x/**", "-", "-", "-", "255"))
        {
            final JsonNode refused = js.await("refused", 20_000);
            assertEquals(501, refused.get("code").asInt());
            assertEquals("/x/**", refused.get("address").asText());
            js.awaitDone(5_000);
            assertEquals(0, server.stop(), server.log());
        }
    }
}
