package to.clasp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.client.ClientOptions;
import to.clasp.client.Signal;
import to.clasp.transport.ws.WebSocketClaspClient;
import to.clasp.transport.ws.testing.Hex;
import to.clasp.transport.ws.testing.TestWsClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real JavaScript client, {@code @clasp-to/core} 3.3.2 from the npm registry, against the built server jar in
 * a subprocess. Each scenario script prints JSON events; the assertions are here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class JsClientInteropTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception
    {
        NodeScenario.requireNodeAndClient();
        server = ServerProcess.start();
    }

    @AfterAll
    static void stop() throws Exception
    {
        ServerProcess.stopAndCheck(server);
    }

    @Test
    void seedScenarioPublisherToWildcardSubscriberInOrder() throws Exception
    {
        try (NodeScenario subscriber = NodeScenario.start("subscriber", server.url(), "/sensors/*", "10"))
        {
            subscriber.await("subscribed", 10_000);
            try (NodeScenario publisher = NodeScenario.start("publisher", server.url(),
                "/sensors/temperature", "10", "100", "20.5", "0.25"))
            {
                publisher.awaitDone(20_000);
            }
            subscriber.awaitDone(10_000);
            final List<Double> values = valuesOf(subscriber, "value");
            final List<Double> expected = IntStream.range(0, 10).mapToObj(i -> 20.5 + i * 0.25)
                .collect(Collectors.toList());
            assertEquals(expected, values, "every value, in publish order");
            assertTrue(subscriber.events().stream().filter(e -> "value".equals(e.path("event").asText()))
                .allMatch(e -> "/sensors/temperature".equals(e.path("address").asText())));
        }
    }

    @Test
    void lateJoinerReceivesCurrentState() throws Exception
    {
        try (NodeScenario late = NodeScenario.start("late-joiner", server.url()))
        {
            final JsonNode expected = JSON.readTree("{\"/late/a\":1.5,\"/late/b\":\"state\",\"/late/c/d\":true}");
            assertEquals(expected, late.await("cached", 15_000).get("values"), "WELCOME snapshot filled the cache");
            assertEquals(expected, late.await("snapshot", 15_000).get("values"), "SUBSCRIBE snapshot delivered");
            late.awaitDone(5_000);
        }
    }

    @Test
    void getOfRemoteValueWrittenAsI64ByAJavaRawClientIsTheNumber42() throws Exception
    {
        try (NodeScenario getter = NodeScenario.start("get-remote", server.url(), "/java/int");
             TestWsClient raw = TestWsClient.connect(server.port()))
        {
            assertTrue(getter.await("connected", 10_000).get("cachedBefore").isNull(), "not cached before");
            raw.helloAsPython();
            // SET /java/int = I64 42 at QoS 0, then a PING round trip proves it was applied.
            raw.send("53 01 00 15 21 05 00 09 2f 6a 61 76 61 2f 69 6e 74 00 00 00 00 00 00 00 2a");
            raw.send("53 01 00 01 41").expect("53 01 00 01 42");
            getter.tell("go");
            final JsonNode got = getter.await("got", 10_000);
            assertEquals(42, got.get("value").asInt());
            assertTrue(got.get("value").isIntegralNumber(), "JSON 42, not 42.0: " + got);
            assertTrue(got.get("isInteger").asBoolean());
            getter.awaitDone(5_000);
        }
    }

    @Test
    void everyValueTypeRoundTripsAndJsIntegersStayF64() throws Exception
    {
        try (TestWsClient raw = TestWsClient.connect(server.port()))
        {
            raw.helloAsPython();
            raw.send("53 01 00 12 10 00 00 00 01 00 09 2f 74 79 70 65 73 2f 2a 2a ff 00"); // subscribe /types/**
            raw.send("53 01 00 01 41").expect("53 01 00 01 42");
            try (NodeScenario types = NodeScenario.start("types", server.url()))
            {
                final JsonNode received = types.await("received", 15_000);
                final JsonNode expected = JSON.readTree("{\"/types/null\":null,\"/types/true\":true," +
                    "\"/types/false\":false,\"/types/float\":1.5,\"/types/int\":42,\"/types/negative\":-7.25," +
                    "\"/types/string\":\"héllo ✓\",\"/types/bytes\":{\"bytes\":[1,2,255]}," +
                    "\"/types/array\":[1,\"a\",[true,null]],\"/types/map\":{\"b\":1,\"a\":{\"x\":\"y\"}," +
                    "\"list\":[2.5]}}");
                assertEquals(expected, received.get("values"));
                assertEquals(JSON.readTree("[\"b\",\"a\",\"list\"]"), received.get("mapKeys"), "map order kept");
                types.awaitDone(5_000);
            }
            // The JS client sends 42 as F64; the router must not turn it into an integer.
            final byte[] address = "/types/int".getBytes(StandardCharsets.UTF_8);
            final List<byte[]> frames = raw.receiveUntil(f -> f.length > 8 && f[4] == 0x21 &&
                containsAt(f, 8, address), 5_000);
            final byte[] set = frames.get(frames.size() - 1);
            assertEquals(0x87, set[5] & 0xFF, "has-revision | vtype 7 (F64): " + Hex.of(set));
            assertEquals("40 45 00 00 00 00 00 00", Hex.of(java.util.Arrays.copyOfRange(set, 8 + address.length,
                16 + address.length)), "42.0 as IEEE-754 binary64");
        }
    }

    @Test
    void emitIsDeliveredNotEchoedAndNotStored() throws Exception
    {
        try (NodeScenario emit = NodeScenario.start("emit", server.url()))
        {
            final JsonNode delivery = emit.await("delivery", 15_000);
            assertEquals(JSON.readTree("[{\"address\":\"/cue/go\",\"value\":{\"scene\":3,\"fade\":1.5}}]"),
                delivery.get("heard"));
            assertEquals(0, delivery.get("echoed").size(), "not echoed to the sender: " + delivery);
            final JsonNode get = emit.await("get", 15_000);
            assertEquals("failed", get.get("result").asText(), "an event is not stored: " + get);
            assertEquals("Timeout", get.get("message").asText());
            emit.awaitDone(5_000);
        }
    }

    @Test
    void singleStarMatchesOneSegmentDoubleStarAny() throws Exception
    {
        try (NodeScenario wildcards = NodeScenario.start("wildcards", server.url()))
        {
            final JsonNode matched = wildcards.await("matched", 15_000);
            assertEquals(JSON.readTree("[\"/deep/a\",\"/deep/end\"]"), matched.get("single"));
            assertEquals(JSON.readTree("[\"/deep/a\",\"/deep/a/b\",\"/deep/a/b/c\",\"/deep/end\"]"),
                matched.get("multi"));
            wildcards.awaitDone(5_000);
        }
    }

    @Test
    void bundleAppliesEverythingInOrder() throws Exception
    {
        try (NodeScenario bundle = NodeScenario.start("bundle", server.url()))
        {
            final JsonNode received = bundle.await("received", 15_000);
            assertEquals(JSON.readTree("[{\"address\":\"/bundle/a\",\"value\":1},{\"address\":\"/bundle/b\"," +
                "\"value\":\"two\"},{\"address\":\"/bundle/e\",\"value\":{\"go\":true}}]"), received.get("items"));
            assertEquals("two", received.get("stored").asText(), "bundle SETs are stored");
            bundle.awaitDone(5_000);
        }
    }

    @Test
    void unsubscribeStopsDeliveryAtTheRouter() throws Exception
    {
        try (NodeScenario unsubscribe = NodeScenario.start("unsubscribe", server.url()))
        {
            final JsonNode result = unsubscribe.await("result", 15_000);
            assertEquals(JSON.readTree("[1]"), result.get("values"));
            assertEquals(1, result.get("framesAfterUnsubscribe").asInt(),
                "only the marker reached the socket after unsubscribing: " + result);
            unsubscribe.awaitDone(5_000);
        }
    }

    @Test
    void threePublishersKeepTheirOwnOrder() throws Exception
    {
        final int count = 300;
        try (NodeScenario ordering = NodeScenario.start("ordering", server.url(), Integer.toString(count)))
        {
            final JsonNode seen = ordering.await("received", 30_000).get("seen");
            final JsonNode expected = JSON.valueToTree(IntStream.rangeClosed(1, count).boxed()
                .collect(Collectors.toList()));
            for (int i = 0; i < 3; i++)
            {
                assertEquals(expected, seen.get("/order/p" + i), "publisher " + i + ": all values, in order");
            }
            ordering.awaitDone(5_000);
        }
    }

    @Test
    void javaClientAndJsClientExchangeValues() throws Exception
    {
        final List<Object> javaSaw = new CopyOnWriteArrayList<>();
        try (WebSocketClaspClient java = WebSocketClaspClient.create(server.url(), new ClientOptions().reconnect(false)))
        {
            java.connect();
            java.subscribe("/x/js", (address, value, revision, signal) ->
            {
                if (signal == Signal.PARAM)
                {
                    javaSaw.add(value);
                }
            });
            try (NodeScenario jsSubscriber = NodeScenario.start("subscriber", server.url(), "/x/java", "2"))
            {
                jsSubscriber.await("subscribed", 10_000);
                java.set("/x/java", 7L);
                java.set("/x/java", 7.5);
                jsSubscriber.awaitDone(10_000);
                assertEquals(List.of(7.0, 7.5), valuesOf(jsSubscriber, "value"));
            }
            try (NodeScenario publisher = NodeScenario.start("publisher", server.url(), "/x/js", "3", "10", "1", "1"))
            {
                publisher.awaitDone(10_000);
            }
            final long deadline = System.currentTimeMillis() + 5_000;
            while (javaSaw.size() < 3 && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(10);
            }
            assertEquals(List.of(1.0, 2.0, 3.0), javaSaw, "JS numbers arrive as Double (F64)");
        }
    }

    @Test
    void clientReconnectsAndResubscribesAfterServerRestart() throws Exception
    {
        try (ServerProcess own = ServerProcess.start();
             NodeScenario subscriber = NodeScenario.start("reconnect", own.url(), "/re/*", "after-restart"))
        {
            subscriber.await("subscribed", 10_000);
            assertEquals(0, own.stop(), "SIGTERM exit code; log:\n" + own.log());
            subscriber.await("disconnected", 10_000);
            own.launch();
            subscriber.await(e -> "connected".equals(e.path("event").asText()) && e.path("count").asInt() == 2,
                "reconnected", 20_000);
            try (WebSocketClaspClient writer = WebSocketClaspClient.create(own.url(),
                new ClientOptions().reconnect(false)))
            {
                writer.connect();
                // The re-SUBSCRIBE follows the reconnect asynchronously; keep writing until it is in place.
                final long deadline = System.currentTimeMillis() + 15_000;
                while (System.currentTimeMillis() < deadline && !hasEvent(subscriber, "done"))
                {
                    writer.set("/re/x", "after-restart");
                    Thread.sleep(200);
                }
            }
            final JsonNode value = subscriber.await(e -> "value".equals(e.path("event").asText()) &&
                "after-restart".equals(e.path("value").asText()), "value after restart", 5_000);
            assertEquals(2, value.get("connects").asInt());
            subscriber.awaitDone(5_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static boolean hasEvent(final NodeScenario scenario, final String type)
    {
        return scenario.events().stream().anyMatch(e -> type.equals(e.path("event").asText()));
    }

    private static List<Double> valuesOf(final NodeScenario scenario, final String type)
    {
        final List<Double> values = new ArrayList<>();
        for (final JsonNode e : scenario.events())
        {
            if (type.equals(e.path("event").asText()))
            {
                values.add(e.get("value").asDouble());
            }
        }
        return values;
    }

    private static boolean containsAt(final byte[] frame, final int offset, final byte[] bytes)
    {
        if (frame.length < offset + bytes.length)
        {
            return false;
        }
        for (int i = 0; i < bytes.length; i++)
        {
            if (frame[offset + i] != bytes[i])
            {
                return false;
            }
        }
        return true;
    }
}
