package to.clasp.transport.ws;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.client.ClaspException;
import to.clasp.client.ClientOptions;
import to.clasp.client.ReplayOptions;
import to.clasp.client.SetOptions;
import to.clasp.client.Signal;
import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import to.clasp.state.ParamStore;
import to.clasp.transport.ws.testing.RouterFixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java client's confirmed writes and REPLAY over a real WebSocket against a router with a real journal: a confirmed
 * write completes with its revision once durable, or with the router's ERROR; a replay hands the journal's entries to
 * its own listener with their times — never to the cache or to subscriptions, although they are SET frames like live
 * updates — filtered by pattern, time range, limit and type; replays queue one behind another; without a journal 501.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableClientTest
{
    @TempDir
    Path dir;

    private RouterFixture fixture;
    private DurableState durable;
    private ParamStore store;

    @AfterEach
    void stop()
    {
        if (null != fixture)
        {
            fixture.close();
        }
        if (null != durable)
        {
            durable.close();
        }
    }

    private void startWithJournal(final boolean events)
    {
        store = new to.clasp.core.Router.Context().newParamStore();
        final DurableState.Context ctx = new DurableState.Context().directory(dir.toFile()).snapshotIntervalNs(0)
            .journalEvents(events);
        ctx.journal().fsync(FsyncPolicy.BATCH).termLength(1 << 20).segmentLength(1 << 22);
        durable = DurableState.open(ctx, store);
        fixture = RouterFixture.start(r -> r.initialState(store).durableState(durable), e -> e);
    }

    private WebSocketClaspClient client()
    {
        final WebSocketClaspClient client = WebSocketClaspClient.create(fixture.url(),
            new ClientOptions().name("durable test").reconnect(false).getTimeoutMs(5_000));
        client.connect();
        return client;
    }

    /** One replayed entry as the listener saw it. */
    record Entry(String address, Object value, long revision, Signal signal, long micros)
    {
    }

    private static List<Entry> replay(final WebSocketClaspClient client, final String pattern,
        final ReplayOptions options) throws Exception
    {
        final List<Entry> entries = new CopyOnWriteArrayList<>();
        final long count = client.replay(pattern, options, (a, v, r, s, t) -> entries.add(new Entry(a, v, r, s, t)))
            .get(10, TimeUnit.SECONDS);
        assertEquals(count, entries.size(), "the future counts the entries");
        return entries;
    }

    private static String describe(final List<Entry> entries)
    {
        final StringBuilder b = new StringBuilder();
        for (final Entry e : entries)
        {
            b.append(e.address()).append('@').append(e.revision()).append('=').append(e.value()).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void aConfirmedWriteCompletesWithItsRevisionOrTheRoutersError() throws Exception
    {
        startWithJournal(false);
        try (WebSocketClaspClient a = client(); WebSocketClaspClient b = client())
        {
            assertEquals(1L, a.setConfirmed("/c/x", 1L).get(10, TimeUnit.SECONDS));
            final CompletableFuture<Long> second = a.setConfirmed("/c/x", 2L);
            final CompletableFuture<Long> third = a.setConfirmed("/c/x", 3L);
            final CompletableFuture<Long> other = a.setConfirmed("/c/y", "y");
            assertEquals(2L, second.get(10, TimeUnit.SECONDS));
            assertEquals(3L, third.get(10, TimeUnit.SECONDS));
            assertEquals(1L, other.get(10, TimeUnit.SECONDS));

            final ExecutionException conflict = assertThrows(ExecutionException.class, () ->
                a.setConfirmed("/c/x", 9L, SetOptions.defaults().expectedRevision(1)).get(10, TimeUnit.SECONDS));
            assertEquals(400, ((ClaspException)conflict.getCause()).code());
            // The refusal kept its place: the write after it is answered after it, with its own revision.
            assertEquals(4L, a.setConfirmed("/c/x", 4L).get(10, TimeUnit.SECONDS));

            a.setConfirmed("/c/locked", 1L, SetOptions.defaults().lock()).get(10, TimeUnit.SECONDS);
            final ExecutionException held = assertThrows(ExecutionException.class, () ->
                b.setConfirmed("/c/locked", 2L).get(10, TimeUnit.SECONDS));
            assertTrue(held.getCause().getMessage().contains("lock held"), held.getCause().getMessage());
        }
    }

    @Test
    void replayedEntriesGoToTheReplayListenerNeverToTheCacheOrToSubscriptions() throws Exception
    {
        startWithJournal(false);
        try (WebSocketClaspClient client = client())
        {
            final List<String> live = new CopyOnWriteArrayList<>();
            client.subscribe("/r/**", (address, value, revision, signal) -> live.add(address + "@" + revision));
            client.get("/r/none").exceptionally(t -> null).get(10, TimeUnit.SECONDS); // the subscription is in place
            for (long v = 1; v <= 3; v++)
            {
                client.setConfirmed("/r/a", v).get(10, TimeUnit.SECONDS);
            }
            client.setConfirmed("/r/b", "text").get(10, TimeUnit.SECONDS);
            client.setConfirmed("/other", 0L).get(10, TimeUnit.SECONDS);
            final long before = client.routerTimeMicros();

            final List<Entry> entries = replay(client, "/r/**", ReplayOptions.all());
            assertEquals("/r/a@1=1 /r/a@2=2 /r/a@3=3 /r/b@1=text", describe(entries));
            for (final Entry e : entries)
            {
                assertEquals(Signal.PARAM, e.signal());
                assertTrue(e.micros() > before - TimeUnit.MINUTES.toMicros(1) && e.micros() <= before + 1_000_000,
                    "the write's time: " + e.micros());
            }
            client.get("/other").get(10, TimeUnit.SECONDS); // a round trip after the replay (outside /r/**)
            assertEquals(3L, client.cached("/r/a"), "the cache keeps the latest value, not the replayed 1, 2, 3");
            assertEquals(List.of("/r/a@1", "/r/a@2", "/r/a@3", "/r/b@1"), live, "subscriptions saw only live updates");
        }
    }

    @Test
    void timeRangeLimitAndTypesSelectTheEntriesAndReplaysQueue() throws Exception
    {
        startWithJournal(true);
        try (WebSocketClaspClient client = client())
        {
            for (long v = 1; v <= 6; v++)
            {
                client.setConfirmed("/q/p", v).get(10, TimeUnit.SECONDS);
                client.emit("/q/e", v);
            }
            // A confirmed write after the last event: once it is ACKed, everything before it is durable (REPLAY reads
            // what is durable when it starts).
            client.setConfirmed("/z/barrier", 0L).get(10, TimeUnit.SECONDS);
            final List<Entry> all = replay(client, "/q/*", ReplayOptions.all());
            assertEquals(12, all.size(), describe(all));
            final long from = all.get(4).micros();
            final long to = all.get(7).micros();
            final List<Entry> range = replay(client, "/q/*", ReplayOptions.all().from(from).to(to));
            assertEquals(all.stream().filter(e -> e.micros() >= from && e.micros() <= to).toList(), range);

            final CompletableFuture<Long> events = client.replay("/q/*", ReplayOptions.all().only(Signal.EVENT),
                (a, v, r, s, t) -> assertEquals(Signal.EVENT, s));
            final CompletableFuture<Long> limited = client.replay("/q/*", ReplayOptions.all().limit(3),
                (a, v, r, s, t) -> { });
            final CompletableFuture<Long> params = client.replay("/q/p", ReplayOptions.all().only(Signal.PARAM),
                (a, v, r, s, t) -> assertEquals("/q/p", a));
            assertEquals(6L, events.get(10, TimeUnit.SECONDS));
            assertEquals(3L, limited.get(10, TimeUnit.SECONDS));
            assertEquals(6L, params.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void withoutAJournalAReplayFailsWith501AndAnInvalidPatternWith202() throws Exception
    {
        fixture = RouterFixture.start();
        try (WebSocketClaspClient client = client())
        {
            final ExecutionException none = assertThrows(ExecutionException.class, () ->
                client.replay("/x/**", ReplayOptions.all(), (a, v, r, s, t) -> { }).get(10, TimeUnit.SECONDS));
            assertEquals(501, ((ClaspException)none.getCause()).code());
        }
        fixture.close();
        fixture = null;
        startWithJournal(false);
        try (WebSocketClaspClient client = client())
        {
            final ExecutionException invalid = assertThrows(ExecutionException.class, () ->
                client.replay("no-slash", ReplayOptions.all(), (a, v, r, s, t) -> { }).get(10, TimeUnit.SECONDS));
            assertEquals(202, ((ClaspException)invalid.getCause()).code());
            // The next replay is not held up by the refused one.
            assertEquals(0L, client.replay("/nothing/**", ReplayOptions.all(), (a, v, r, s, t) -> { })
                .get(10, TimeUnit.SECONDS));
        }
    }
}
