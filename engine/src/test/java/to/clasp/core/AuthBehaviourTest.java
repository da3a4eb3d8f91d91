package to.clasp.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.protocol.ErrorDecoder;
import to.clasp.protocol.GesturePhase;
import to.clasp.protocol.MessageType;
import to.clasp.protocol.Qos;
import to.clasp.protocol.SignalType;
import to.clasp.protocol.SnapshotDecoder;
import to.clasp.security.AuthResult;
import to.clasp.security.Authenticator;
import to.clasp.security.CapabilityToken;
import to.clasp.security.CapabilityVerifier;
import to.clasp.security.Ed25519;
import to.clasp.security.Grant;
import to.clasp.security.IssuedTokens;
import to.clasp.security.ScopeSet;
import to.clasp.security.Secrets;
import to.clasp.security.StaticTokenFile;
import to.clasp.security.TokenSource;
import to.clasp.testing.Frames;
import to.clasp.testing.Received;
import to.clasp.testing.TestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token auth in the core (router-behaviour.md §6, #13): HELLO refusals (300, 302) and close, per-message scope checks
 * (301 with the address, connection kept), nothing leaking through snapshots, QUERY or P2P, capability tokens
 * verified off the core with the client's early frames held in order, sessions closed when their token expires or
 * is revoked, and the counters.
 */
class AuthBehaviourTest extends RouterFixture
{
    private final IssuedTokens tokens = new IssuedTokens();
    private Authenticator authenticator;

    @AfterEach
    void closeAuthenticator()
    {
        if (null != router)
        {
            router.close();
            router = null;
        }
        if (null != authenticator)
        {
            authenticator.close();
        }
    }

    private void token(final String token, final String scopes, final long expiresAtMs)
    {
        tokens.put(Secrets.TokenDigest.of(token), new Grant(ScopeSet.parse(scopes), expiresAtMs, token,
            IssuedTokens.SOURCE));
    }

    private void startWith(final TokenSource... sources)
    {
        authenticator = new Authenticator(List.of(sources));
        start(ctx -> ctx.authenticator(authenticator));
    }

    private void startWithTokens()
    {
        token("admin", "admin:/**", Grant.NEVER);
        token("reader", "read:/a/**", Grant.NEVER);
        token("narrow", "read:/a/*,write:/a/in/*", Grant.NEVER);
        startWith(tokens);
    }

    private TestClient open(final String name, final String token)
    {
        return TestClient.connect(port()).hello(name, token);
    }

    /** A session past its HELLO snapshot. */
    private TestClient welcomed(final String name, final String token)
    {
        final TestClient c = open(name, token);
        c.expect(MessageType.SNAPSHOT);
        return c;
    }

    /** An admin session subscribed to everything, to see what reaches subscribers. */
    private TestClient watchingEverything()
    {
        final TestClient admin = welcomed("admin", "admin");
        admin.send(Frames.subscribe(1, "/**"));
        admin.expectNothingMore();
        return admin;
    }

    private static ErrorDecoder error(final TestClient c, final int code)
    {
        final Received r = c.expect(MessageType.ERROR);
        final ErrorDecoder e = r.decoder().error();
        assertEquals(code, e.code(), e.message());
        return e;
    }

    private static List<String> snapshotAddresses(final Received snapshot)
    {
        final SnapshotDecoder d = snapshot.decoder().snapshot();
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < d.count(); i++)
        {
            out.add(d.entry(i).address());
        }
        return out;
    }

    @Test
    void helloWithoutAValidTokenGetsError300OrExpired302ThenClose()
    {
        token("old", "read:/**", clock.epochMicros() / 1000 - 1);
        startWithTokens();
        final String[][] cases = {{null, "300"}, {"", "300"}, {"wrong", "300"}, {"old", "302"},
            {"x".repeat(Authenticator.MAX_TOKEN_LENGTH + 1), "300"}};
        for (final String[] c : cases)
        {
            final TestClient client = TestClient.connect(port());
            client.send(null == c[0] ? Frames.hello("c") : Frames.hello("c", c[0]));
            final ErrorDecoder e = error(client, Integer.parseInt(c[1]));
            if (null != c[0] && !c[0].isEmpty())
            {
                assertFalse(e.message().contains(c[0]), "the token is never echoed: " + e.message());
            }
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
            assertEquals(SessionAuth.CLOSE_CODE, client.connection().closeCode());
        }
        final AuthMetrics m = router.authMetrics();
        assertEquals(4, m.failures(300));
        assertEquals(1, m.failures(302));
        // The router is unharmed.
        final TestClient ok = open("ok", "admin");
        ok.expect(MessageType.SNAPSHOT);
        ok.expectNothingMore();
    }

    @Test
    void aReadOnlySessionsHelloSnapshotHoldsOnlyWhatItMayRead()
    {
        startWithTokens();
        final TestClient admin = open("admin", "admin");
        admin.expect(MessageType.SNAPSHOT);
        for (final String a : new String[] {"/a/x", "/a/y/z", "/b/secret", "/ab"})
        {
            admin.send(Frames.set(Qos.CONFIRM, a, 1.0));
            admin.expect(MessageType.ACK);
        }
        final TestClient reader = open("reader", "reader");
        assertEquals(List.of("/a/x", "/a/y/z"), snapshotAddresses(reader.expect(MessageType.SNAPSHOT)));
        final TestClient narrow = open("narrow", "narrow");
        assertEquals(List.of("/a/x"), snapshotAddresses(narrow.expect(MessageType.SNAPSHOT)));
        // GET outside the read scopes: 301 with the address, whether the param exists or not; the session stays.
        reader.send(Frames.get(Qos.FIRE, "/b/secret"));
        assertEquals("/b/secret", error(reader, 301).address());
        reader.send(Frames.get(Qos.FIRE, "/b/none"));
        assertEquals("/b/none", error(reader, 301).address());
        reader.send(Frames.get(Qos.FIRE, "/a/x"));
        assertEquals(List.of("/a/x"), snapshotAddresses(reader.expect(MessageType.SNAPSHOT)));
    }

    @Test
    void subscribeNeedsOneReadScopeCoveringTheWholePattern()
    {
        startWithTokens();
        final TestClient narrow = open("narrow", "narrow");
        narrow.expect(MessageType.SNAPSHOT);
        for (final String escape : new String[] {"/a/**", "/**", "/*", "/*/x", "/b/*", "/a/*/x"})
        {
            narrow.send(Frames.subscribe(1, escape));
            assertEquals(escape, error(narrow, 301).address(), escape);
        }
        narrow.send(Frames.subscribe(1, "/a/*"));
        narrow.send(Frames.subscribe(2, "/a/x"));
        narrow.expectNothingMore(); // no params yet: no snapshot, no error
        final TestClient admin = open("admin", "admin");
        admin.expect(MessageType.SNAPSHOT);
        admin.send(Frames.set(Qos.FIRE, "/a/x", 2.0));
        admin.send(Frames.set(Qos.FIRE, "/a/x/deeper", 3.0));
        admin.expectNothingMore();
        final List<Received> got = narrow.receiveUntilBarrier();
        assertEquals(1, got.size(), "/a/x once (two subscriptions, one session), /a/x/deeper not: " + got);
        assertEquals("/a/x", got.get(0).decoder().set().address());
        assertEquals(6, router.authMetrics().failures(301));
    }

    @Test
    void writesOutsideTheWriteScopesAreRefusedWith301AndChangeNothing()
    {
        startWithTokens();
        final TestClient admin = watchingEverything();
        final TestClient narrow = welcomed("narrow", "narrow");

        narrow.send(Frames.set(Qos.CONFIRM, "/a/x", 1.0)); // read only there
        assertEquals("/a/x", error(narrow, 301).address());
        narrow.send(Frames.publish(Qos.CONFIRM, SignalType.EVENT, "/b/e", 1L));
        assertEquals("/b/e", error(narrow, 301).address());
        narrow.send(Frames.publish(Qos.FIRE, SignalType.STREAM, "/a/in/x/y", 1.0));
        assertEquals("/a/in/x/y", error(narrow, 301).address());
        // A BUNDLE with one forbidden entry applies nothing.
        narrow.send(Frames.bundle(Qos.CONFIRM, null, Frames.set(Qos.FIRE, "/a/in/ok", 1.0),
            Frames.set(Qos.FIRE, "/a/nope", 2.0), Frames.publish(Qos.FIRE, SignalType.EVENT, "/a/in/e", 1L)));
        assertEquals("/a/nope", error(narrow, 301).address());
        // Allowed writes go through, on the same connection.
        narrow.send(Frames.set(Qos.CONFIRM, "/a/in/ok", 5.0));
        narrow.expect(MessageType.ACK);

        final List<Received> seen = admin.receiveUntilBarrier();
        assertEquals(1, seen.size(), "only the allowed SET reached a subscriber: " + seen);
        assertEquals("/a/in/ok", seen.get(0).decoder().set().address());
        admin.send(Frames.get(Qos.CONFIRM, "/a/x"));
        assertEquals(201, error(admin, 201).code());
        assertEquals(4, router.authMetrics().failures(301));
    }

    @Test
    void queryAnnounceAndP2pCarryOnlyWhatTheSessionMayRead()
    {
        startWithTokens();
        final TestClient admin = open("admin", "admin");
        admin.expect(MessageType.SNAPSHOT);
        admin.send(Frames.announce(Qos.CONFIRM, "/ns", new String[] {"/a/x", "/b/y"},
            new int[] {SignalType.PARAM, SignalType.EVENT}));
        admin.expect(MessageType.ACK);
        final TestClient reader = open("reader", "reader");
        reader.expect(MessageType.SNAPSHOT);
        reader.send(Frames.query("/**"));
        final Received result = reader.expect(MessageType.RESULT);
        assertEquals(1, result.decoder().result().count(), "only /a/x is readable");
        assertEquals("/a/x", result.decoder().result().entry(0).address());
        // ANNOUNCE needs write on every entry; one forbidden refuses all of it.
        reader.send(Frames.announce(Qos.CONFIRM, "/ns", new String[] {"/a/z"}, new int[] {SignalType.PARAM}));
        assertEquals("/a/z", error(reader, 301).address());
        admin.send(Frames.query("/a/z"));
        assertEquals(0, admin.expect(MessageType.RESULT).decoder().result().count());

        // P2P: the sender needs write on the address, and a target that may not read it is as good as unknown.
        final String toReader = "/clasp/p2p/signal/" + reader.sessionId();
        admin.send(Frames.publish(Qos.CONFIRM, SignalType.EVENT, toReader, "offer"));
        assertEquals(404, error(admin, 404).code());
        reader.expectNothingMore();
    }

    @Test
    void streamsAndGesturesNeedWriteOnTheirAddressAndAllowedOnesArrive()
    {
        startWithTokens();
        final TestClient admin = watchingEverything();
        final TestClient narrow = welcomed("narrow", "narrow");

        // Every gesture phase is a write: refused outside write:/a/in/*, whether the address is readable or not.
        narrow.send(Frames.publish(Qos.FIRE, SignalType.GESTURE, GesturePhase.START, "/b/g", 0.5, 7L));
        assertEquals("/b/g", error(narrow, 301).address());
        narrow.send(Frames.publish(Qos.CONFIRM, SignalType.GESTURE, GesturePhase.MOVE, "/a/g", 0.6, 7L));
        assertEquals("/a/g", error(narrow, 301).address());
        narrow.send(Frames.publish(Qos.CONFIRM, SignalType.GESTURE, GesturePhase.END, "/a/in/g/deeper", 0.7, 7L));
        assertEquals("/a/in/g/deeper", error(narrow, 301).address());
        narrow.send(Frames.publish(Qos.CONFIRM, SignalType.STREAM, "/a/s", 1.0));
        assertEquals("/a/s", error(narrow, 301).address());
        assertTrue(admin.receiveUntilBarrier().isEmpty(), "no refused signal reached a subscriber");

        // Inside the write scope: a stream sample and a whole gesture go through on the same connection.
        narrow.send(Frames.publish(Qos.FIRE, SignalType.STREAM, "/a/in/s", 2.0));
        narrow.send(Frames.publish(Qos.FIRE, SignalType.GESTURE, GesturePhase.START, "/a/in/g", 0.1, 8L));
        narrow.send(Frames.publish(Qos.FIRE, SignalType.GESTURE, GesturePhase.END, "/a/in/g", 0.2, 8L));
        narrow.expectNothingMore();
        final List<String> seen = new ArrayList<>();
        for (final Received r : admin.receiveUntilBarrier())
        {
            seen.add(r.decoder().publish().address() + ":" + r.decoder().publish().signal());
        }
        seen.sort(null); // streams and gestures travel in different outbound classes: compare as a set
        assertEquals(List.of("/a/in/g:" + SignalType.GESTURE, "/a/in/g:" + SignalType.GESTURE,
            "/a/in/s:" + SignalType.STREAM), seen);
        assertEquals(4, router.authMetrics().failures(301));
    }

    @Test
    void aBundleWithOneForbiddenPublishAppliesNothing()
    {
        startWithTokens();
        final TestClient admin = watchingEverything();
        final TestClient narrow = welcomed("narrow", "narrow");

        // The forbidden entry comes last, after an allowed SET and an allowed PUBLISH: neither is applied.
        for (final int qos : new int[] {Qos.CONFIRM, Qos.FIRE})
        {
            narrow.send(Frames.bundle(qos, null, Frames.set(Qos.FIRE, "/a/in/b", 1.0),
                Frames.publish(Qos.FIRE, SignalType.EVENT, "/a/in/e", 1L),
                Frames.publish(Qos.FIRE, SignalType.STREAM, "/b/s", 1.0)));
            assertEquals("/b/s", error(narrow, 301).address());
        }
        assertTrue(admin.receiveUntilBarrier().isEmpty(), "nothing of the refused bundles was forwarded");
        admin.send(Frames.get(Qos.CONFIRM, "/a/in/b"));
        error(admin, 201);

        // The same bundle without the forbidden entry is applied whole.
        narrow.send(Frames.bundle(Qos.CONFIRM, null, Frames.set(Qos.FIRE, "/a/in/b", 1.0),
            Frames.publish(Qos.FIRE, SignalType.EVENT, "/a/in/e", 1L)));
        narrow.expect(MessageType.ACK);
        assertEquals(2, admin.receiveUntilBarrier().size());
    }

    @Test
    void p2pNeedsWriteOnTheSignalAddressAndReachesATargetThatMayReadIt()
    {
        token("admin", "admin:/**", Grant.NEVER);
        token("narrow", "read:/a/*,write:/a/in/*", Grant.NEVER);
        token("signaller", "write:/clasp/p2p/signal/**", Grant.NEVER);
        startWith(tokens);
        final TestClient admin = welcomed("admin", "admin");
        final TestClient narrow = welcomed("narrow", "narrow");
        final TestClient signaller = welcomed("signaller", "signaller");
        final String toAdmin = "/clasp/p2p/signal/" + admin.sessionId();

        // Without write on the signal address: 301 (not 404: the sender learns nothing about the target).
        narrow.send(Frames.publish(Qos.CONFIRM, SignalType.EVENT, toAdmin, "offer"));
        assertEquals(toAdmin, error(narrow, 301).address());
        narrow.send(Frames.publish(Qos.CONFIRM, SignalType.EVENT, "/clasp/p2p/signal/nobody", "offer"));
        assertEquals(301, error(narrow, 301).code());
        admin.expectNothingMore();

        // With it: delivered to exactly the target, which may read its own signal address.
        signaller.send(Frames.publish(Qos.FIRE, SignalType.EVENT, toAdmin, "offer"));
        signaller.expectNothingMore();
        final Received got = admin.expect(MessageType.PUBLISH);
        assertEquals(toAdmin, got.decoder().publish().address());
        // A target whose token cannot read its signal address (narrow) is as good as unknown.
        signaller.send(Frames.publish(Qos.CONFIRM, SignalType.EVENT, "/clasp/p2p/signal/" + narrow.sessionId(),
            "offer"));
        error(signaller, 404);
        narrow.expectNothingMore();
    }

    @Test
    void aTokensFileReloadClosesTheSessionsOfRemovedOrChangedTokensOnly(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("tokens");
        Files.writeString(file, "# three tokens\nkeep-me read:/**,write:/k/**\ndrop-me read:/**\n" +
            "narrow-me read:/**,write:/n/**\n");
        try (StaticTokenFile fileTokens = StaticTokenFile.load(file))
        {
            startWith(fileTokens);
            final TestClient kept = welcomed("kept", "keep-me");
            final TestClient dropped = welcomed("dropped", "drop-me");
            final TestClient narrowed = welcomed("narrowed", "narrow-me");
            narrowed.send(Frames.set(Qos.CONFIRM, "/n/x", 1.0));
            narrowed.expect(MessageType.ACK);
            assertEquals(3, router.authMetrics().sessions(router.authMetrics().sourceIndex(StaticTokenFile.SOURCE)));

            // drop-me is gone, narrow-me lost its write scope, keep-me's line is unchanged (comment and order aside).
            Files.writeString(file, "narrow-me read:/**\n# edited\nkeep-me read:/**,write:/k/**\n");
            assertTrue(fileTokens.reload());
            for (final TestClient c : new TestClient[] {dropped, narrowed})
            {
                assertEquals(SessionAuth.TOKEN_REVOKED, error(c, 300).message());
                assertTrue(c.awaitClosed(Duration.ofSeconds(5)));
                assertEquals(SessionAuth.CLOSE_CODE, c.connection().closeCode());
            }
            kept.send(Frames.set(Qos.CONFIRM, "/k/x", 1.0));
            kept.expect(MessageType.ACK);
            assertEquals(2, router.authMetrics().invalidatedSessions());

            // The new table is in force for new HELLOs: the narrowed token may only read now, the dropped one nothing.
            final TestClient again = welcomed("again", "narrow-me");
            again.send(Frames.set(Qos.CONFIRM, "/n/x", 2.0));
            assertEquals("/n/x", error(again, 301).address());
            final TestClient refused = TestClient.connect(port());
            refused.send(Frames.hello("refused", "drop-me"));
            error(refused, 300);
            assertTrue(refused.awaitClosed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void capabilityTokensAreVerifiedOffTheCoreAndEarlyFramesWaitInOrder()
    {
        final byte[] root = Ed25519.newSeed();
        authenticator = new Authenticator(List.of(new CapabilityVerifier(List.of(Ed25519.publicKey(root)), 5)));
        start(ctx -> ctx.authenticator(authenticator));
        final long future = clock.epochMicros() / 1_000_000 + 3600;
        final byte[] child = Ed25519.newSeed();
        final String token = CapabilityToken.createRoot(root, List.of("write:/caps/**", "read:/caps/**"), future, null)
            .delegate(child, List.of("write:/caps/in/*", "read:/caps/**"), future, null).encode();

        // HELLO, then at once (before any WELCOME) a SUBSCRIBE and a SET: they wait for the verdict, in order.
        final TestClient c = TestClient.connect(port());
        c.send(Frames.hello("cap", token));
        c.send(Frames.subscribe(1, "/caps/**"));
        c.send(Frames.set(Qos.CONFIRM, "/caps/in/a", 1.0));
        c.expect(MessageType.WELCOME);
        c.expect(MessageType.SNAPSHOT);
        assertEquals("/caps/in/a", c.expect(MessageType.SET).decoder().set().address());
        c.expect(MessageType.ACK);
        c.send(Frames.set(Qos.CONFIRM, "/caps/other", 1.0));
        assertEquals("/caps/other", error(c, 301).address());

        // A forged chain (a stranger's key as root) and a tampered signature: 300, and close.
        final String stranger = CapabilityToken.createRoot(Ed25519.newSeed(), List.of("admin:/**"), future, null)
            .encode();
        for (final String bad : new String[] {stranger, token.substring(0, token.length() - 4) + "AAAA"})
        {
            final TestClient refused = TestClient.connect(port());
            refused.send(Frames.hello("bad", bad));
            // Held, then dropped with the session; or, when the verdict came first, refused by the closed connection
            // (a forgery fails on its first signature, well under a millisecond): either way never applied.
            refused.connection().send(Frames.set(Qos.CONFIRM, "/caps/in/a", 9.0));
            error(refused, 300);
            assertTrue(refused.awaitClosed(Duration.ofSeconds(5)));
        }
        c.send(Frames.get(Qos.CONFIRM, "/caps/in/a"));
        final SnapshotDecoder snap = c.expect(MessageType.SNAPSHOT).decoder().snapshot();
        assertEquals(1.0, snap.entry(0).value().toObject(), "the refused sessions' held SETs were never applied");
        assertEquals(1, router.authMetrics().sessions(router.authMetrics().sourceIndex(CapabilityVerifier.SOURCE)));
    }

    @Test
    void aVerificationQueueThatIsFullAnswers503AndTooManyEarlyFramesClose() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final TokenSource slow = new TokenSource()
        {
            public AuthResult authenticate(final String token, final long nowEpochMs)
            {
                try
                {
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                return AuthResult.accepted(new Grant(ScopeSet.parse("admin:/**"), Grant.NEVER, null, "slow"));
            }

            public boolean isExpensive(final String token)
            {
                return true;
            }

            public boolean isCurrent(final Grant grant, final long nowEpochMs)
            {
                return true;
            }

            public String name()
            {
                return "slow";
            }
        };
        startWith(slow);
        // One client pipelines more frames than may wait for a verdict: closed, nothing else harmed.
        final TestClient greedy = TestClient.connect(port());
        greedy.send(Frames.hello("greedy", "t"));
        for (int i = 0; i <= SessionAuth.MAX_HELD_FRAMES; i++)
        {
            greedy.send(Frames.ping());
        }
        assertTrue(greedy.awaitClosed(Duration.ofSeconds(5)));
        assertEquals(SessionAuth.CLOSE_CODE, greedy.connection().closeCode());

        final List<TestClient> waiting = new ArrayList<>();
        for (int i = 0; i < Authenticator.ASYNC_QUEUE + 1; i++)
        {
            final TestClient c = TestClient.connect(port());
            c.send(Frames.hello("w" + i, "t"));
            waiting.add(c);
        }
        final TestClient late = TestClient.connect(port());
        late.send(Frames.hello("late", "t"));
        assertEquals(503, error(late, 503).code());
        assertTrue(late.awaitClosed(Duration.ofSeconds(5)));
        assertTrue(router.authMetrics().busyRefusals() >= 1);
        release.countDown();
        // Every waiting client that was not turned away is welcomed once the verdicts come in.
        int welcomed = 0;
        for (final TestClient c : waiting)
        {
            final Received r = c.receive();
            if (MessageType.WELCOME == r.type())
            {
                welcomed++;
            }
            else
            {
                assertEquals(503, r.decoder().error().code());
            }
        }
        assertTrue(welcomed >= Authenticator.ASYNC_QUEUE - 1, "welcomed " + welcomed);
    }

    @Test
    void sessionsAreClosedWhenTheirTokenExpiresOrIsRevoked()
    {
        final long nowMs = clock.epochMicros() / 1000;
        token("short", "read:/**", nowMs + 60_000);
        token("revoked", "read:/**", Grant.NEVER);
        token("kept", "read:/**", Grant.NEVER);
        startWith(tokens);
        final TestClient shortLived = open("short", "short");
        final TestClient revoked = open("revoked", "revoked");
        final TestClient kept = open("kept", "kept");
        assertEquals(3, router.authMetrics().sessions(router.authMetrics().sourceIndex(IssuedTokens.SOURCE)));

        tokens.remove(Secrets.TokenDigest.of("revoked"));
        revoked.expect(MessageType.SNAPSHOT);
        assertEquals(SessionAuth.TOKEN_REVOKED, error(revoked, 300).message());
        assertTrue(revoked.awaitClosed(Duration.ofSeconds(5)));

        // A minute later (both clocks moved): the expiry timer closes the short-lived session.
        clock.offsetMicros.addAndGet(61_000_000L);
        clock.offsetNanos.addAndGet(61_000_000_000L);
        kept.expect(MessageType.SNAPSHOT);
        kept.expectNothingMore(); // a round trip: the core ran its due timers in that cycle
        shortLived.expect(MessageType.SNAPSHOT);
        assertEquals(SessionAuth.TOKEN_EXPIRED, error(shortLived, 302).message());
        assertTrue(shortLived.awaitClosed(Duration.ofSeconds(5)));

        kept.expectNothingMore();
        assertEquals(2, router.authMetrics().invalidatedSessions());
        await(() -> router.authMetrics().sessions(router.authMetrics().sourceIndex(IssuedTokens.SOURCE)) == 1,
            "one cpsk session left");
    }
}
