package to.clasp.transport.aeron;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.BundleItem;
import to.clasp.client.ClaspException;
import to.clasp.client.SetOptions;
import to.clasp.client.Signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Aeron clients against a real router and Aeron edge: real embedded media drivers, real UDP on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronClientsTest
{
    private static final long WAIT_MS = 5_000;

    /** Set by {@link AeronClientsCoreOnEdgeTest}: the same tests with the core on the edge's agent. */
    boolean coreOnEdge;
    private AeronRouterFixture fixture;
    private AeronClaspClient alice;
    private AeronClaspClient bob;

    @BeforeEach
    void start()
    {
        fixture = coreOnEdge ? AeronRouterFixture.startWithCoreOnEdge(e -> e) : AeronRouterFixture.start();
        alice = fixture.client("alice");
        bob = fixture.client("bob");
    }

    AeronRouterFixture fixture()
    {
        return fixture;
    }

    @AfterEach
    void stop()
    {
        close(alice);
        close(bob);
        fixture.close();
    }

    private static void close(final AutoCloseable c)
    {
        try
        {
            if (null != c)
            {
                c.close();
            }
        }
        catch (final Exception ignore)
        {
            // best effort
        }
    }

    @Test
    void setReachesWildcardSubscribersAndGetReadsIt() throws Exception
    {
        final Recorder oneLevel = new Recorder();
        final Recorder anyDepth = new Recorder();
        bob.subscribe("/lights/*/level", oneLevel);
        bob.subscribe("/lights/**", anyDepth);
        awaitSubscribed();

        alice.set("/lights/1/level", 0.5);
        alice.set("/lights/2/level", 7L);
        alice.set("/lights/2/colour/r", "red");
        alice.set("/other/level", 1.0);

        final List<Recorder.Delivery> exact = oneLevel.await(2, WAIT_MS);
        assertEquals("/lights/1/level", exact.get(0).address());
        assertEquals(0.5, exact.get(0).value());
        assertEquals(1L, exact.get(0).revision());
        assertEquals("/lights/2/level", exact.get(1).address());
        assertEquals(7L, exact.get(1).value(), "an integer stays an integer over Aeron");
        assertEquals(Signal.PARAM, exact.get(1).signal());

        final List<Recorder.Delivery> deep = anyDepth.await(3, WAIT_MS);
        assertEquals("/lights/2/colour/r", deep.get(2).address());
        assertEquals("red", deep.get(2).value());

        // A round trip after the last SET: had /other/level matched, it would have arrived by now.
        assertEquals(1.0, alice.get("/other/level").get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(1.0, bob.get("/other/level").get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(2, oneLevel.size(), "nothing else matched /lights/*/level");
        assertEquals(3, anyDepth.size(), "/other/level matched /lights/**");
        assertEquals(0.5, bob.get("/lights/1/level").get(WAIT_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void lateJoinerGetsASnapshot() throws Exception
    {
        alice.set("/studio/fader/1", 0.25);
        alice.set("/studio/fader/2", 0.75);
        alice.set("/elsewhere", 1L);
        assertEquals(0.75, alice.get("/studio/fader/2").get(WAIT_MS, TimeUnit.MILLISECONDS));

        try (AeronClaspClient carol = fixture.client("carol"))
        {
            // connect() returns on WELCOME; the SNAPSHOT of the whole state follows it and would also reach a
            // listener registered now. A GET is answered after it (per-session FIFO), so once it resolves only the
            // SUBSCRIBE snapshot can reach the listener below.
            assertEquals(1L, carol.get("/elsewhere").get(WAIT_MS, TimeUnit.MILLISECONDS));
            final Recorder late = new Recorder();
            carol.subscribe("/studio/**", late);
            final List<Recorder.Delivery> snapshot = late.await(2, WAIT_MS);
            assertEquals("/studio/fader/1", snapshot.get(0).address());
            assertEquals(0.25, snapshot.get(0).value());
            assertEquals("/studio/fader/2", snapshot.get(1).address());
            assertEquals(0.75, snapshot.get(1).value());
            assertEquals(0.75, carol.cached("/studio/fader/2"));
            assertEquals(1L, carol.get("/elsewhere").get(WAIT_MS, TimeUnit.MILLISECONDS));
            assertEquals(2, late.size(), "/elsewhere is outside /studio/**");
        }
    }

    @Test
    void emitReachesOthersButNotTheSender() throws Exception
    {
        final Recorder bobs = new Recorder();
        final Recorder alices = new Recorder();
        bob.subscribe("/cue/**", bobs);
        alice.subscribe("/cue/**", alices);
        awaitSubscribed();

        alice.emit("/cue/go", "scene 2");
        final Recorder.Delivery event = bobs.await(1, WAIT_MS).get(0);
        assertEquals("/cue/go", event.address());
        assertEquals("scene 2", event.value());
        assertEquals(Signal.EVENT, event.signal());

        bob.emit("/cue/stop", 3L);
        assertEquals("/cue/stop", alices.await(1, WAIT_MS).get(0).address());
        // A round trip from each sender after its event: had the router sent the event back, it would be queued
        // ahead of the GET's answer (per-recipient FIFO) and already in the recorder.
        awaitSubscribed();
        assertEquals(1, bobs.size(), "the sender never gets its own event");
        assertEquals(1, alices.size());
    }

    @Test
    void bundleArrivesWhole() throws Exception
    {
        final Recorder bobs = new Recorder();
        bob.subscribe("/scene/**", bobs);
        awaitSubscribed();

        alice.bundle(List.of(
            BundleItem.set("/scene/a", 1L),
            BundleItem.set("/scene/b", 2.5),
            BundleItem.emit("/scene/go", "now")));
        final List<Recorder.Delivery> got = bobs.await(3, WAIT_MS);
        assertEquals("/scene/a", got.get(0).address());
        assertEquals(1L, got.get(0).value());
        assertEquals("/scene/b", got.get(1).address());
        assertEquals("/scene/go", got.get(2).address());
        assertEquals(Signal.EVENT, got.get(2).signal());
        assertEquals(2.5, bob.get("/scene/b").get(WAIT_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void lockHeldByOneClientRefusesTheOtherUntilItsHolderLeaves() throws Exception
    {
        alice.set("/desk/master", 0.8, SetOptions.defaults().lock());
        // Alice's own round trip first: her SET and Bob's GET travel on different sessions, in no set order.
        assertEquals(0.8, alice.get("/desk/master").get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(0.8, bob.get("/desk/master").get(WAIT_MS, TimeUnit.MILLISECONDS));

        bob.set("/desk/master", 0.1);
        final ClaspException refused = awaitError(bob);
        assertEquals(400, refused.code());
        assertTrue(refused.getMessage().contains("lock held"), refused.getMessage());
        assertEquals(0.8, bob.get("/desk/master").get(WAIT_MS, TimeUnit.MILLISECONDS));

        // The holder leaves over Aeron: its Disconnect reaches the core, which releases the lock.
        alice.close();
        alice = null;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Object value = null;
        while (System.nanoTime() < deadline)
        {
            bob.set("/desk/master", 0.2);
            value = bob.get("/desk/master").get(WAIT_MS, TimeUnit.MILLISECONDS);
            if (Double.valueOf(0.2).equals(value))
            {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(0.2, value, "lock released when its holder disconnected");
    }

    @Test
    void manySetsArriveInOrder() throws Exception
    {
        final int count = 5_000;
        final Recorder bobs = new Recorder();
        bob.subscribe("/seq", bobs);
        awaitSubscribed();
        for (long i = 0; i < count; i++)
        {
            alice.set("/seq", i);
        }
        final List<Recorder.Delivery> got = bobs.await(count, 20_000);
        for (int i = 0; i < count; i++)
        {
            assertEquals((long)i, got.get(i).value(), "delivery " + i);
            assertEquals(i + 1L, got.get(i).revision());
        }
    }

    @Test
    void unknownAddressFailsGetFast()
    {
        // Fast means answered by the router (ERROR 201), not the client giving up after its GET timeout: a timeout
        // fails the GET with a TimeoutException instead, or leaves it pending past WAIT_MS.
        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> alice.get("/nothing/here").get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertTrue(ex.getCause() instanceof ClaspException, ex.toString());
        assertEquals(201, ((ClaspException)ex.getCause()).code(), ex.toString());
    }

    private static ClaspException awaitError(final AeronClaspClient client) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline)
        {
            final ClaspException error = client.session().lastError();
            if (null != error)
            {
                return error;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no ERROR from the router");
    }

    /** A round trip through the router: after it, earlier SUBSCRIBEs from both clients are registered. */
    private void awaitSubscribed() throws Exception
    {
        alice.set("/sync/alice", 1L);
        bob.set("/sync/bob", 1L);
        alice.get("/sync/alice").get(WAIT_MS, TimeUnit.MILLISECONDS);
        bob.get("/sync/bob").get(WAIT_MS, TimeUnit.MILLISECONDS);
    }
}
