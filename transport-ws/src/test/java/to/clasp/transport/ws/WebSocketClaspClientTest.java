package to.clasp.transport.ws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import to.clasp.client.BundleItem;
import to.clasp.client.ClaspException;
import to.clasp.client.ClientOptions;
import to.clasp.client.GesturePhases;
import to.clasp.client.SetOptions;
import to.clasp.client.Signal;
import to.clasp.client.SubscribeOptions;
import to.clasp.core.CoreThreading;
import to.clasp.transport.ws.testing.RouterFixture;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java client over a real WebSocket against a real router.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketClaspClientTest
{

    /** Shared by the tests of a class; the {@code …DedicatedCoreTest} subclass starts its own (hiding start()). */
    static RouterFixture fixture;

    @BeforeAll
    static void start()
    {
        fixture = RouterFixture.start(CoreThreading.SHARED);
    }

    /** The threading of the class's router, for tests that start a router of their own. */
    static CoreThreading threading()
    {
        return fixture.router().context().coreThreading();
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    /** What a listener saw. */
    record Seen(String address, Object value, long revision, Signal signal)
    {
    }

    private static WebSocketClaspClient client()
    {
        final WebSocketClaspClient client = WebSocketClaspClient.create(fixture.url(),
            new ClientOptions().name("java test").reconnect(false).getTimeoutMs(2_000));
        client.connect();
        return client;
    }

    private static Seen next(final BlockingQueue<Seen> queue) throws InterruptedException
    {
        final Seen seen = queue.poll(5, TimeUnit.SECONDS);
        assertNotNull(seen, "nothing delivered within 5 s");
        return seen;
    }

    /** A round trip through the router: everything sent before it has been handled. */
    private static void sync(final WebSocketClaspClient client) throws Exception
    {
        client.set("/sync/" + client.sessionId(), 1L);
        client.get("/sync/" + client.sessionId()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void connectGivesASessionId()
    {
        try (WebSocketClaspClient client = client())
        {
            assertTrue(client.isConnected());
            assertTrue(client.sessionId().matches("[0-9a-f-]{36}"), client.sessionId());
            assertTrue(Math.abs(client.routerTimeMicros() - System.currentTimeMillis() * 1000) < 5_000_000);
        }
    }

    @Test
    void connectToNothingFailsWithinTheTimeout()
    {
        final WebSocketClaspClient client = WebSocketClaspClient.create("ws://127.0.0.1:1/",
            new ClientOptions().reconnect(false).connectTimeoutMs(2_000));
        try (client)
        {
            assertThrows(ClaspException.class, client::connect);
            assertFalse(client.isConnected());
        }
    }

    @Test
    void setIsBroadcastToOwnSubscriptionAndGetReturnsIt() throws Exception
    {
        try (WebSocketClaspClient client = client())
        {
            final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
            client.subscribe("/j/**", (a, v, r, s) -> seen.add(new Seen(a, v, r, s)));
            client.set("/j/int", 42L);
            client.set("/j/float", 42.0);
            assertEquals(new Seen("/j/int", 42L, 1, Signal.PARAM), next(seen));
            assertEquals(new Seen("/j/float", 42.0, 1, Signal.PARAM), next(seen));
            assertEquals(42L, client.get("/j/int").get(5, TimeUnit.SECONDS), "Int stays Long");
            assertEquals(42.0, client.get("/j/float").get(5, TimeUnit.SECONDS), "Float stays Double");
            assertEquals(42L, client.cached("/j/int"));
            assertTrue(client.session().acksReceived() >= 2, "SET at QoS 1 is ACKed");
        }
    }

    @Test
    void everyValueTypeRoundTrips() throws Exception
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("z", 1L);
        map.put("a", List.of(true, "x", 2.5));
        final Object[] values = {null, true, false, -7L, 3.25, "héllo ✓", new byte[] {1, 2, (byte)255},
            List.of(1L, "a", List.of(false)), map};
        try (WebSocketClaspClient client = client())
        {
            for (int i = 0; i < values.length; i++)
            {
                client.set("/types/" + i, values[i]);
            }
            for (int i = 0; i < values.length; i++)
            {
                final Object got = client.get("/types/" + i).get(5, TimeUnit.SECONDS);
                if (values[i] instanceof byte[])
                {
                    assertArrayEquals((byte[])values[i], (byte[])got);
                }
                else
                {
                    assertEquals(values[i], got, "value " + i);
                }
            }
            assertEquals(List.of("z", "a"),
                List.copyOf(((Map<?, ?>)client.get("/types/8").get(5, TimeUnit.SECONDS)).keySet()), "key order");
        }
    }

    @Test
    void getOfAnUnknownAddressFailsFastWith201()
    {
        try (WebSocketClaspClient client = client())
        {
            final long start = System.nanoTime();
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> client.get("/does/not/exist").get(5, TimeUnit.SECONDS));
            assertInstanceOf(ClaspException.class, ex.getCause());
            assertEquals(201, ((ClaspException)ex.getCause()).code());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "no 5 s timeout");
        }
    }

    @Test
    void emitReachesOthersButNotTheSenderAndIsNotStored() throws Exception
    {
        try (WebSocketClaspClient sender = client(); WebSocketClaspClient receiver = client())
        {
            final BlockingQueue<Seen> atSender = new LinkedBlockingQueue<>();
            final BlockingQueue<Seen> atReceiver = new LinkedBlockingQueue<>();
            sender.subscribe("/ev/*", (a, v, r, s) -> atSender.add(new Seen(a, v, r, s)));
            receiver.subscribe("/ev/*", (a, v, r, s) -> atReceiver.add(new Seen(a, v, r, s)));
            sync(receiver);
            sender.emit("/ev/go", Map.of("scene", 3L));
            sender.stream("/ev/level", 0.5);
            sender.gesture("/ev/touch", 7, GesturePhases.START, null);
            assertEquals(new Seen("/ev/go", Map.of("scene", 3L), -1, Signal.EVENT), next(atReceiver));
            assertEquals(new Seen("/ev/level", 0.5, -1, Signal.STREAM), next(atReceiver));
            assertEquals(new Seen("/ev/touch", null, -1, Signal.GESTURE), next(atReceiver));
            sync(sender);
            assertTrue(atSender.isEmpty(), "no echo: " + atSender);
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> receiver.get("/ev/go").get(5, TimeUnit.SECONDS));
            assertEquals(201, ((ClaspException)ex.getCause()).code(), "events are not stored");
        }
    }

    @Test
    void bundleIsAppliedInOrder() throws Exception
    {
        try (WebSocketClaspClient sender = client(); WebSocketClaspClient receiver = client())
        {
            final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
            receiver.subscribe("/bun/**", (a, v, r, s) -> seen.add(new Seen(a, v, r, s)));
            sync(receiver);
            sender.bundle(List.of(BundleItem.set("/bun/a", 1L), BundleItem.set("/bun/b", "two"),
                BundleItem.emit("/bun/e", true)));
            assertEquals(new Seen("/bun/a", 1L, 1, Signal.PARAM), next(seen));
            assertEquals(new Seen("/bun/b", "two", 1, Signal.PARAM), next(seen));
            assertEquals(new Seen("/bun/e", true, -1, Signal.EVENT), next(seen));

            sender.bundle(List.of(BundleItem.set("/bun/later", 5L)), sender.routerTimeMicros() + 300_000);
            final long start = System.nanoTime();
            assertEquals(new Seen("/bun/later", 5L, 1, Signal.PARAM), next(seen));
            assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(150), "scheduled, not immediate");
        }
    }

    @Test
    void unsubscribeStopsDeliveryAndTypeMaskFilters() throws Exception
    {
        try (WebSocketClaspClient writer = client(); WebSocketClaspClient reader = client())
        {
            final BlockingQueue<Seen> all = new LinkedBlockingQueue<>();
            final BlockingQueue<Seen> eventsOnly = new LinkedBlockingQueue<>();
            final int id = reader.subscribe("/un/*", (a, v, r, s) -> all.add(new Seen(a, v, r, s)));
            reader.subscribe("/un/*", (a, v, r, s) -> eventsOnly.add(new Seen(a, v, r, s)),
                SubscribeOptions.only(Signal.EVENT));
            sync(reader);
            writer.set("/un/a", 1L);
            assertEquals(1L, next(all).value());
            reader.unsubscribe(id);
            sync(reader);
            writer.set("/un/a", 2L);
            writer.emit("/un/e", "ping");
            assertEquals(new Seen("/un/e", "ping", -1, Signal.EVENT), next(eventsOnly));
            assertTrue(all.isEmpty(), "nothing after unsubscribe: " + all);
        }
    }

    @Test
    void lockedParamRejectsOtherWriters() throws Exception
    {
        try (WebSocketClaspClient owner = client(); WebSocketClaspClient other = client())
        {
            owner.set("/lock/x", 1L, SetOptions.defaults().lock());
            sync(owner);
            other.set("/lock/x", 2L);
            sync(other);
            assertNotNull(other.session().lastError(), "ERROR for the rejected write");
            assertEquals(400, other.session().lastError().code());
            assertEquals(1L, other.get("/lock/x").get(5, TimeUnit.SECONDS));
            other.set("/rev/x", 1L);
            other.set("/rev/x", 2L, SetOptions.defaults().expectedRevision(1));
            other.set("/rev/x", 3L, SetOptions.defaults().expectedRevision(1));
            sync(other);
            assertEquals(2L, other.get("/rev/x").get(5, TimeUnit.SECONDS), "stale expected revision rejected");
        }
    }

    @Test
    void notConnectedOperationsThrow()
    {
        final WebSocketClaspClient client = WebSocketClaspClient.create(fixture.url(),
            new ClientOptions().reconnect(false));
        try (client)
        {
            assertThrows(ClaspException.class, () -> client.set("/a", 1L));
            assertNull(client.sessionId());
        }
    }

    @Test
    void reconnectsWithBackoffAndResubscribes() throws Exception
    {
        RouterFixture first = RouterFixture.start(threading());
        final int port = first.port();
        final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        try (WebSocketClaspClient client = WebSocketClaspClient.create(first.url(),
            new ClientOptions().reconnectInitialDelayMs(50).reconnectMaxDelayMs(400)))
        {
            client.connect();
            final String firstSession = client.sessionId();
            client.subscribe("/re/*", (a, v, r, s) -> seen.add(new Seen(a, v, r, s)));
            first.close(); // clients get 1001
            final long deadline = System.currentTimeMillis() + 5_000;
            while (client.isConnected() && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(10);
            }
            assertFalse(client.isConnected());
            Thread.sleep(600); // a few failed attempts while nothing listens
            first = RouterFixture.start(threading(), r -> r, e -> e.port(port));
            final long reconnectDeadline = System.currentTimeMillis() + 10_000;
            while (!client.isConnected() && System.currentTimeMillis() < reconnectDeadline)
            {
                Thread.sleep(10);
            }
            assertTrue(client.isConnected(), "reconnected");
            assertFalse(firstSession.equals(client.sessionId()), "a new session");
            try (WebSocketClaspClient writer = WebSocketClaspClient.create(first.url(),
                new ClientOptions().reconnect(false)))
            {
                writer.connect();
                sync(client);
                writer.set("/re/x", "again");
                assertEquals(new Seen("/re/x", "again", 1, Signal.PARAM), next(seen));
            }
        }
        finally
        {
            first.close();
        }
    }

    @Test
    void unsupportedValuesAreRejectedLocally()
    {
        try (WebSocketClaspClient client = client())
        {
            assertThrows(IllegalArgumentException.class, () -> client.set("/bad", new Object()));
            assertThrows(IllegalArgumentException.class, () -> client.subscribe("no-slash", (a, v, r, s) -> { }));
            assertTrue(client.isConnected(), Arrays.toString(new Object[] {client}));
        }
    }
}
