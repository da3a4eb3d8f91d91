package to.clasp.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.client.ClientOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clasp sub / pub / set / get / emit} against a real router over WebSocket: what they print, the value types
 * they send, and their exit codes (0 done, 1 not found / refused / unreachable, 2 usage).
 */
@Timeout(60)
final class ClientCommandsTest
{
    private final ExecutorService background = Executors.newCachedThreadPool();
    private ClaspServer server;
    private String url;

    @BeforeEach
    void start()
    {
        server = ClaspServerTest.start();
        url = "ws://127.0.0.1:" + server.wsPort();
    }

    @AfterEach
    void stop()
    {
        background.shutdownNow();
        server.close();
    }

    @Test
    void subPrintsTheSnapshotThenEveryUpdateWithTheTypesPubSent() throws Exception
    {
        assertEquals(0, run("pub", "/t/int", "42", "--server", url).code);

        final Output sub = new Output();
        final Future<Integer> running = background.submit(() -> sub.run("sub", "/t/**", "--json", "--count", "5",
            "-s", url));
        sub.awaitErr("clasp: subscribed to /t/** on " + url);

        assertEquals(0, run("pub", "/t/float", "4.2", "-s", url).code);
        assertEquals(0, run("set", "/t/text", "42", "--string", "-s", url).code, "set is pub's alias");
        assertEquals(0, run("pub", "/t/json", "[1,{\"a\":2.5,\"b\":null}]", "-s", url).code);
        assertEquals(0, run("pub", "/t/word", "hello", "-s", url).code);
        assertEquals(0, (int)running.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(
            "{\"address\":\"/t/int\",\"value\":42,\"revision\":1,\"signal\":\"param\"}",
            "{\"address\":\"/t/float\",\"value\":4.2,\"revision\":1,\"signal\":\"param\"}",
            "{\"address\":\"/t/text\",\"value\":\"42\",\"revision\":1,\"signal\":\"param\"}",
            "{\"address\":\"/t/json\",\"value\":[1,{\"a\":2.5,\"b\":null}],\"revision\":1,\"signal\":\"param\"}",
            "{\"address\":\"/t/word\",\"value\":\"hello\",\"revision\":1,\"signal\":\"param\"}"),
            sub.lines());

        // What other clients see: an integer stays I64 and a float F64.
        try (WebSocketClaspClient client = WebSocketClaspClient.create(url, new ClientOptions().reconnect(false)))
        {
            client.connect();
            assertEquals(42L, client.get("/t/int").get(5, TimeUnit.SECONDS));
            assertEquals(4.2, client.get("/t/float").get(5, TimeUnit.SECONDS));
            assertEquals("42", client.get("/t/text").get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void subPrintsPlainLinesAndEvents() throws Exception
    {
        assertEquals(0, run("pub", "/cue/level", "0.5", "-s", url).code);
        final Output sub = new Output();
        final Future<Integer> running = background.submit(() -> sub.run("sub", "/cue/*", "-n", "3", "-s", url));
        sub.awaitErr("subscribed");
        assertEquals(0, run("emit", "/cue/go", "-s", url).code);
        assertEquals(0, run("emit", "/cue/fade", "{\"to\":1}", "-s", url).code);
        assertEquals(0, (int)running.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("/cue/level = 0.5  (param, rev 1)", "/cue/go = null  (event)",
            "/cue/fade = {\"to\":1}  (event)"), sub.lines());
    }

    @Test
    void getPrintsTheValueOrSaysNotFound()
    {
        assertEquals(0, run("pub", "/g/a", "[true,\"x\"]", "-s", url).code);
        final Result found = run("get", "/g/a", "-s", url);
        assertEquals(0, found.code);
        assertEquals("[true,\"x\"]\n", found.out);
        assertEquals("{\"address\":\"/g/a\",\"value\":[true,\"x\"]}\n", run("get", "/g/a", "--json", "-s", url).out);

        final Result missing = run("get", "/g/none", "-s", url);
        assertEquals(1, missing.code);
        assertEquals("clasp: /g/none: not found\n", missing.err);
    }

    @Test
    void exitCodesSayWhatWentWrong() throws Exception
    {
        final Result refused = run("pub", "no-slash", "1", "-s", url);
        assertEquals(1, refused.code);
        assertEquals("clasp: refused: router error 200: invalid address (no-slash)\n", refused.err);

        final Result emitRefused = run("emit", "/a/*/b", "-s", url);
        assertEquals(1, emitRefused.code, emitRefused.err);

        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closedPort = socket.getLocalPort();
        }
        final Result unreachable = run("get", "/x", "-s", "ws://127.0.0.1:" + closedPort, "--timeout", "2s");
        assertEquals(1, unreachable.code);
        assertTrue(unreachable.err.startsWith("clasp: cannot connect to ws://127.0.0.1:" + closedPort + ": "),
            unreachable.err);

        assertEquals(2, run("pub", "/x", "-s", url).code, "missing VALUE");
        assertEquals(2, run("pub", "/x", "1", "-s", "http://nope").code, "not a ws:// URL");
        assertEquals(2, run("sub", "no-slash", "-s", url).code, "invalid pattern");
        assertEquals(2, run("pub", "/x", "123456789012345678901234567890", "-s", url).code, "beyond 64 bits");
        assertEquals(2, run("nope").code);
    }

    @Test
    void theServerAndTokenComeFromTheEnvironmentToo()
    {
        assertEquals(0, run("pub", "/e/a", "7", "-s", url).code);
        final StringWriter out = new StringWriter();
        final int code = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
            Map.of("CLASP_SERVER", url, "CLASP_TOKEN", ""), "get", "/e/a");
        assertEquals(0, code);
        assertEquals("7\n", out.toString());
    }

    private static Result run(final String... args)
    {
        final Output output = new Output();
        final int code = output.run(args);
        return new Result(code, output.out.toString(), output.err.toString());
    }

    private record Result(int code, String out, String err)
    {
    }

    /** A command's stdout and stderr, readable while it runs. */
    private static final class Output
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        int run(final String... args)
        {
            return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args);
        }

        void awaitErr(final String text) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!err.toString().contains(text))
            {
                assertTrue(System.nanoTime() < deadline, "no '" + text + "' on stderr: " + err);
                Thread.sleep(10);
            }
        }

        List<String> lines()
        {
            return List.of(out.toString().split("\n"));
        }
    }
}
