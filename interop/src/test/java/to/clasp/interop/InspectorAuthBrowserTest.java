package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The web inspector in a real browser against the server jar with a real tokens file: the page asks for a token,
 * a wrong one is refused with the router's reason, a read-only token sees only its params (no sessions table, only
 * readable busiest addresses), an admin token sees everything.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class InspectorAuthBrowserTest
{
    @TempDir
    Path dir;

    @Test
    void thePageAsksForATokenAndShowsOnlyWhatItMayRead() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        final Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium))
        {
            fail(chromium + " is missing: the inspector tests need Debian's chromium (.ci/run installs it)");
        }
        final String admin = "inspector-admin-" + Long.toHexString(System.nanoTime());
        final String reader = "inspector-reader-" + Long.toHexString(System.nanoTime());
        final Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, admin + " admin:/**\n" + reader + " read:/sensors/**\n");
        final ServerProcess server = ServerProcess.start("--auth-tokens", tokens.toString());
        try (NodeScenario page = NodeScenario.start(Map.of("ADMIN_TOKEN", admin, "READER_TOKEN", reader), 120_000,
            "inspector-auth", server.url()))
        {
            page.await("dialog", 60_000);
            assertTrue(page.await("wrong-token", 30_000).path("message").asText().contains("300"));

            final JsonNode read = page.await("reader", 60_000);
            assertEquals(List.of("/sensors/temperature"), strings(read.path("rows")), "no /secret/code");
            assertEquals(0, read.path("sessions").asInt(), "no sessions table without admin:/**");
            assertFalse(strings(read.path("top")).contains("/secret/code"), read.toString());

            final JsonNode all = page.await("admin", 60_000);
            assertEquals(List.of("/secret/code", "/sensors/temperature"), strings(all.path("rows")));
            assertTrue(strings(all.path("sessions")).contains("inspector-auth-writer"), all.toString());
            assertEquals(0, page.await("console-errors", 30_000).path("errors").size());
            page.awaitDone(30_000);
        }
        finally
        {
            ServerProcess.stopAndCheck(server);
        }
        assertFalse(server.log().contains(admin) || server.log().contains(reader), "a token in the log");
    }

    private static List<String> strings(final JsonNode array)
    {
        final List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
