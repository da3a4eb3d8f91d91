package to.clasp.reliability;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import to.clasp.protocol.DecodeError;
import to.clasp.protocol.FrameDecoder;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.testing.Frames;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token auth under attack, against the server jar over real sockets: a storm of wrong-token HELLOs from many
 * connections (the router stays responsive to its clients, every failure is counted, the log grows at a bounded
 * rate), huge tokens, scope escape attempts, and brute force on {@code /auth/login}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthHostileTest
{
    private static final String GOOD = "good-token-for-the-hostile-suite";

    @TempDir
    Path dir;

    private Path tokens(final String... lines) throws Exception
    {
        final Path file = dir.resolve("tokens");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static FrameDecoder decode(final byte[] frame)
    {
        final FrameDecoder d = new FrameDecoder();
        assertEquals(DecodeError.OK, d.decode(new UnsafeBuffer(frame), 0, frame.length));
        return d;
    }

    /** Connect, HELLO with {@code token}; @return the first answer (ERROR or WELCOME). */
    private static FrameDecoder hello(final RawWs ws, final String token) throws Exception
    {
        ws.send(Frames.hello("hostile", token));
        final byte[] first = ws.read();
        assertNotNull(first, "closed without an answer (code " + ws.closeCode() + ")");
        return decode(first);
    }

    @Test
    void aThousandWrongTokenHellosASecondLeaveTheRouterResponsiveCountedAndQuietlyLogged() throws Exception
    {
        final int seconds = 5;
        final int perSecond = 1_000;
        try (RouterProcess router = RouterProcess.start("--auth-tokens", tokens(GOOD + " admin:/**").toString());
             RawWs legit = RawWs.open(router.port()))
        {
            assertEquals(MessageType.WELCOME, hello(legit, GOOD).type());
            legit.expect(MessageType.SNAPSHOT);
            legit.send(Frames.subscribe(1, "/live/**"));
            legit.roundTrip();

            final AtomicInteger refused = new AtomicInteger();
            final AtomicInteger failed = new AtomicInteger();
            final AtomicLong sent = new AtomicLong();
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds);
            final ExecutorService attackers = Executors.newFixedThreadPool(32);
            final List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 32; t++)
            {
                running.add(attackers.submit(() ->
                {
                    long n;
                    while ((n = sent.getAndIncrement()) < (long)seconds * perSecond && System.nanoTime() < end + 5e9)
                    {
                        // Paced to perSecond in total: attempt n starts no earlier than n / perSecond s.
                        final long due = start + n * 1_000_000_000L / perSecond;
                        final long wait = due - System.nanoTime();
                        if (wait > 0)
                        {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        try (RawWs ws = RawWs.open(router.port()))
                        {
                            final FrameDecoder answer = hello(ws, "wrong-" + n + "-" + Long.toHexString(start));
                            if (MessageType.ERROR == answer.type() && 300 == answer.error().code() &&
                                null == ws.read())
                            {
                                refused.incrementAndGet();
                            }
                            else
                            {
                                failed.incrementAndGet();
                            }
                        }
                        catch (final Exception ex)
                        {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // Meanwhile the legitimate client keeps working: values arrive, round trips are answered promptly.
            long worstRoundTripNs = 0;
            int rounds = 0;
            try (RawWs writer = RawWs.open(router.port()))
            {
                assertEquals(MessageType.WELCOME, hello(writer, GOOD).type());
                while (running.stream().anyMatch(f -> !f.isDone()))
                {
                    final long t0 = System.nanoTime();
                    writer.send(Frames.set(Qos.FIRE, "/live/x", (double)rounds));
                    legit.expect(MessageType.SET);
                    worstRoundTripNs = Math.max(worstRoundTripNs, System.nanoTime() - t0);
                    rounds++;
                    Thread.sleep(20);
                }
            }
            for (final Future<?> f : running)
            {
                f.get();
            }
            attackers.shutdown();
            final double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("wrong-token storm: %d refused, %d failed in %.1f s (%.0f/s); legit SET->SET worst " +
                "%.1f ms over %d rounds%n", refused.get(), failed.get(), elapsed, refused.get() / elapsed,
                worstRoundTripNs / 1e6, rounds);
            assertEquals(0, failed.get(), "every wrong token gets ERROR 300 and a close");
            assertEquals((long)seconds * perSecond, refused.get());
            assertTrue(worstRoundTripNs < TimeUnit.SECONDS.toNanos(2), "the router stayed responsive: worst " +
                worstRoundTripNs / 1e6 + " ms");
            assertEquals(refused.get(), (long)router.metric("clasp_auth_failures_total{code=\"300\"}"),
                "every failure counted");

            // Huge tokens (a frame's worth) are refused like any other, without harm.
            final String huge = "h".repeat(60_000);
            for (int i = 0; i < 50; i++)
            {
                try (RawWs ws = RawWs.open(router.port()))
                {
                    assertEquals(300, hello(ws, huge).error().code());
                }
            }
            legit.roundTrip();

            // The log: at most 10 failure lines per second (plus one summary line each), never a token.
            final String log = router.log();
            final long lines = log.lines().filter(l -> l.contains("auth: HELLO refused")).count();
            assertTrue(lines <= 10L * (Math.round(elapsed) + 10), lines + " auth lines in " + elapsed + " s");
            assertTrue(log.contains("more auth failure(s) not logged"), "the rest is summed up");
            assertTrue(router.metric("clasp_auth_log_lines_suppressed_total") > 0);
            assertFalse(log.contains("wrong-1-"), "no token in the log");
            assertFalse(log.contains(GOOD), "no token in the log");
            assertFalse(log.contains(huge.substring(0, 100)), "no token in the log");
            assertEquals(0, router.terminate(7_000), log);
        }
    }

    @Test
    void scopeEscapeAttemptsReachNothingOutsideTheScopes() throws Exception
    {
        try (RouterProcess router = RouterProcess.start("--auth-tokens",
            tokens(GOOD + " admin:/**", "narrow read:/a/*,write:/a/in/*").toString());
             RawWs admin = RawWs.open(router.port());
             RawWs narrow = RawWs.open(router.port()))
        {
            assertEquals(MessageType.WELCOME, hello(admin, GOOD).type());
            admin.expect(MessageType.SNAPSHOT);
            admin.send(Frames.set(Qos.CONFIRM, "/b/secret", 1.0));
            admin.expect(MessageType.ACK);
            assertEquals(MessageType.WELCOME, hello(narrow, "narrow").type());
            assertEquals(0, decode(narrow.expect(MessageType.SNAPSHOT)).snapshot().count());

            final String[] patterns = {"/a/**", "/**", "/*", "/*/*", "/a/*/**", "/a/../b/*", "/a/*/../../b/**",
                "/A/*", "//a/*", "/a/*/", "/b/secret", "/a/**/b"};
            for (int i = 0; i < patterns.length; i++)
            {
                narrow.send(Frames.subscribe(10 + i, patterns[i]));
                final FrameDecoder e = decode(narrow.expect(MessageType.ERROR));
                assertTrue(e.error().code() == 301 || e.error().code() == 202, patterns[i] + ": " +
                    e.error().code());
            }
            // Nothing normalises an address: "..", "%2F" and a Unicode slash are bytes of ONE segment under /a, so
            // these patterns lie inside read:/a/* and are allowed (or refused as invalid), never an escape.
            final String[] inside = {"/a/..", "/a/%2F*", "/a/\u2215b"};
            for (int i = 0; i < inside.length; i++)
            {
                narrow.send(Frames.subscribe(40 + i, inside[i]));
                narrow.send(Frames.ping());
                byte[] next = narrow.read();
                if (MessageType.ERROR == RawWs.typeOf(next))
                {
                    assertEquals(202, decode(next).error().code(), inside[i]);
                    next = narrow.read();
                }
                assertEquals(MessageType.PONG, RawWs.typeOf(next), inside[i] + ": accepted, nothing else sent");
            }
            final String[] addresses = {"/a/x", "/a/in/x/y", "/a/in/../../b/secret", "/a/in%2F..%2Fb", "/A/in/x",
                "/a/in", "/b/secret", "/a/in/*", "/a/in/**", "/a//in/x", "/a/in\u2215x"};
            for (final String address : addresses)
            {
                narrow.send(Frames.set(Qos.CONFIRM, address, 2.0));
                final FrameDecoder e = decode(narrow.expect(MessageType.ERROR));
                assertTrue(e.error().code() == 301 || e.error().code() == 200, address + ": " + e.error().code());
                narrow.send(Frames.get(Qos.CONFIRM, address));
                final FrameDecoder g = decode(narrow.expect(MessageType.ERROR));
                assertTrue(g.error().code() == 301 || g.error().code() == 200 || g.error().code() == 201,
                    address + ": GET " + g.error().code());
            }
            narrow.send(Frames.set(Qos.CONFIRM, "/a/in/ok", 3.0));
            narrow.expect(MessageType.ACK);
            // Nothing written outside the scopes; the secret is untouched and was never sent to the narrow client.
            admin.send(Frames.get(Qos.CONFIRM, "/b/secret"));
            assertEquals(1.0, decode(admin.expect(MessageType.SNAPSHOT)).snapshot().entry(0).value().toObject());
            for (final String address : new String[] {"/a/in/x/y", "/a/x", "/A/in/x", "/a/in"})
            {
                admin.send(Frames.get(Qos.CONFIRM, address));
                assertEquals(201, decode(admin.expect(MessageType.ERROR)).error().code(), address);
            }
            admin.send(Frames.set(Qos.FIRE, "/b/secret", 4.0));
            admin.send(Frames.set(Qos.FIRE, "/a/x", 5.0));
            admin.roundTrip();
            narrow.send(Frames.ping());
            final byte[] next = narrow.read();
            assertEquals(MessageType.PONG, RawWs.typeOf(next), "no update from outside the scopes arrived");
            assertEquals(0, router.terminate(7_000), router.log());
        }
    }

    @Test
    void bruteForceOnLoginIsLimitedAndNeverStallsTheRouter() throws Exception
    {
        final int authPort = RouterProcess.freePort();
        try (RouterProcess router = RouterProcess.start("--auth-port", Integer.toString(authPort), "--auth-db",
            dir.resolve("auth.db").toString());
             RawWs ws = RawWs.open(router.port()))
        {
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final URI register = URI.create("http://127.0.0.1:" + authPort + "/auth/register");
            final URI login = URI.create("http://127.0.0.1:" + authPort + "/auth/login");
            final HttpResponse<String> registered = http.send(HttpRequest.newBuilder(register)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"victim\",\"password\":\"right-password\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, registered.statusCode(), registered.body());
            final String token = registered.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
            assertEquals(MessageType.WELCOME, hello(ws, token).type());
            ws.expect(MessageType.SNAPSHOT);

            final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            final ExecutorService attackers = Executors.newFixedThreadPool(24);
            final List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 400; i++)
            {
                final int n = i;
                running.add(attackers.submit(() ->
                {
                    final HttpResponse<String> r = http.send(HttpRequest.newBuilder(login)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"victim\",\"password\":\"guess-" +
                            n + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    return null;
                }));
            }
            long worstNs = 0;
            while (running.stream().anyMatch(f -> !f.isDone()))
            {
                final long t0 = System.nanoTime();
                ws.roundTrip();
                worstNs = Math.max(worstNs, System.nanoTime() - t0);
                Thread.sleep(20);
            }
            for (final Future<?> f : running)
            {
                f.get();
            }
            attackers.shutdown();
            System.out.println("login brute force: statuses " + statuses + ", WebSocket round trip worst " +
                worstNs / 1e6 + " ms");
            assertEquals(400, statuses.values().stream().mapToInt(AtomicInteger::get).sum(), "every request answered");
            assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 429 || s == 503), statuses.toString());
            assertTrue(statuses.getOrDefault(401, new AtomicInteger()).get() <= 5 + 24,
                "at most the limit's worth of password checks (plus those already running): " + statuses);
            assertTrue(statuses.containsKey(429), statuses.toString());
            // The right password from the same address is limited too for the rest of the window.
            final HttpResponse<String> right = http.send(HttpRequest.newBuilder(login)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"victim\",\"password\":\"right-password\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, right.statusCode(), right.body());
            assertTrue(worstNs < TimeUnit.SECONDS.toNanos(2), "WebSocket clients unaffected: worst " + worstNs / 1e6);
            assertFalse(router.log().contains("right-password") || router.log().contains("guess-1"));
            assertFalse(router.log().contains(token));
            assertEquals(0, router.terminate(7_000), router.log());
        }
    }
}
