package to.clasp.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import to.clasp.client.ClaspClient;
import to.clasp.client.ClaspException;
import to.clasp.client.ClientOptions;
import to.clasp.client.ReplayOptions;
import to.clasp.transport.ws.WebSocketClaspClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code kill -9} at random instants while the Java client writes QoS 1 SETs as fast as 12 000 a second (at least
 * 10 000), against the built server jar with {@code --data-dir} (and a snapshot every second, so kills land in
 * snapshots too). After each restart every param is read back and checked against what was sent:
 * <ul>
 *   <li>every ACKed write is there with the revision its ACK carried (or a later write to its address is);</li>
 *   <li>what survived is a prefix of the writes in the order they were sent — one client on one connection, so the
 *   journal holds them in that order — and every param has exactly the revision that prefix gives it: nothing lost in
 *   the middle, nothing invented, revisions continuing across every restart;</li>
 *   <li>under {@code --fsync batch} the lost writes are only the last ones before the kill (none ACKed): the first of
 *   them that the router had accepted went out to subscribers at most {@link #BATCH_LOSS_BOUND_MICROS} before the kill
 *   (below).</li>
 * </ul>
 * <b>The batch bound in router time.</b> What {@code batch} promises is about the router: a write it accepted is on
 * disk one window (2 ms) plus the sync in progress and its own sync later. Measured from the client's send time, the
 * client's own delays (its JIT, its outbound queue, a descheduled writer thread) and the router's inbound backlog
 * counted against the journal, and a busy machine failed the bound with nothing wrong in the router. A second client
 * subscribes to the writes, so the router's fan-out, which it sends when it accepts a write (never held for the disk),
 * shows when the router had accepted each one; the bound applies to the first lost write the router accepted, from
 * the moment its fan-out arrived (the router runs on this machine: one wall clock) to the kill signal. Lost writes the
 * router never accepted (still in its inbound queue at the kill) are not its journal's loss. 750 ms: a router that lost
 * writes 1 s old fails it, and one that synced only once a second (losing up to 1 s at a kill at a random instant)
 * fails a round with probability 1/4, the 20 rounds with 99.7 %. It is far above the window because the journal
 * thread needs a core to sync: with both cores taken by other builds (load average 18–20) the journal lagged by several
 * hundred ms. The fan-out can reach the subscriber late on such a machine too, which makes that figure small, so the
 * test also bounds the most the age can be, by the router's own stamps: the kill minus the later of the last
 * survivor's stamp (from REPLAY; one connection, so the router accepted every lost write after it) and the first lost
 * write's send time — at most {@link #BATCH_AGE_AT_MOST_MICROS}, the 1 s this test asserted from the send time alone.
 * (At load average 18–20 in one 5-round run: 4 ms by the subscriber, at most 419 ms by the stamps, 1 089 ms from the
 * send; another run reached 923 ms by the stamps, 1 292 ms from the send.)
 * <p>
 * Rounds per level: {@code -Dclasp.crash.rounds} (5 in {@code ./clasp test}, about a minute for both levels on two
 * cores, two on a busy machine; the 20 with
 * {@code mvn -B verify -pl interop -am -Dtest=CrashRecoveryTest -Dclasp.crash.rounds=20}, about 5 minutes).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
final class CrashRecoveryTest
{
    private static final int ADDRESSES = 1_000;
    private static final long TARGET_RATE = 12_000;
    private static final long MIN_RATE = 10_000;
    /** Oldest a lost write may be at the kill under {@code --fsync batch}, by the router's clock (class comment). */
    private static final long BATCH_LOSS_BOUND_MICROS = TimeUnit.MILLISECONDS.toMicros(750);
    /**
     * The most the age of the first lost write may be by the router's own stamps under {@code --fsync batch}: the 1 s
     * this test always asserted, measured from a time never earlier than the client's send (class comment).
     */
    private static final long BATCH_AGE_AT_MOST_MICROS = TimeUnit.SECONDS.toMicros(1);

    @TempDir
    Path tmp;

    /** One SET the client sent. */
    private static final class Write
    {
        final long seq;
        final int address;
        /** Wall clock just before the client sent it (µs since the epoch): no later than the router accepted it. */
        final long sentMicros;
        final long sentNs;
        final CompletableFuture<Long> answer;
        volatile long answeredNs;

        Write(final long seq, final int address, final long sentMicros, final long sentNs,
            final CompletableFuture<Long> answer)
        {
            this.seq = seq;
            this.address = address;
            this.sentMicros = sentMicros;
            this.sentNs = sentNs;
            this.answer = answer;
            answer.whenComplete((r, t) -> answeredNs = System.nanoTime());
        }

        /** @return the ACKed revision, or -1 (not ACKed: refused, or the outcome is unknown). */
        long ackedRevision()
        {
            return answer.isDone() && !answer.isCompletedExceptionally() ? answer.join() : -1;
        }

        /** @return whether the router refused it (an ERROR, not a lost connection): it changed nothing. */
        boolean refused()
        {
            if (!answer.isCompletedExceptionally())
            {
                return false;
            }
            try
            {
                answer.join();
                return false;
            }
            catch (final RuntimeException ex)
            {
                return ex.getCause() instanceof ClaspException && ((ClaspException)ex.getCause()).code() > 0;
            }
        }
    }

    private static int rounds()
    {
        return Integer.getInteger("clasp.crash.rounds", 5);
    }

    @Test
    void underFsyncAlwaysEveryAckedWriteSurvivesKillMinus9WithItsRevision() throws Exception
    {
        run("always");
    }

    @Test
    void underFsyncBatchOnlyTheLastUnackedWritesMayBeLost() throws Exception
    {
        run("batch");
    }

    private void run(final String fsync) throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final long[] revision = new long[ADDRESSES]; // what the router holds, as verified after the last restart
        final long[] value = new long[ADDRESSES];
        long nextSeq = 1;
        long totalWrites = 0;
        long totalLost = 0;
        long totalSendingNs = 0;
        long worstLossMicros = 0;
        long worstAgeAtMostMicros = 0;
        long worstLossFromSendNs = 0;
        try (ServerProcess server = ServerProcess.start("--data-dir", tmp.resolve("data-" + fsync).toString(),
            "--fsync", fsync, "--snapshot-interval", "1s"))
        {
            warmUpWriter(server);
            for (int round = 1; round <= rounds(); round++)
            {
                final String context = fsync + " round " + round + " (seed " + seed + ", log " + server.log().length() +
                    " chars in)";
                final List<Write> writes = new ArrayList<>();
                final long killAfterMs = 200 + random.nextInt(1_300);
                final long startNs;
                final long killNs;
                final long[] killMicros = {-1};
                final long roundStartMicros;
                final long roundFirstSeq = nextSeq;
                // When the router's fan-out of each write of this round reached a subscriber (wall clock, µs).
                final Map<Long, Long> fannedOutMicros = new ConcurrentHashMap<>();
                try (ClaspClient watcher = WebSocketClaspClient.create(server.url(),
                    new ClientOptions().name("crash watcher").reconnect(false).getTimeoutMs(30_000));
                    ClaspClient client = WebSocketClaspClient.create(server.url(),
                    new ClientOptions().name("crash writer").reconnect(false).getTimeoutMs(30_000)))
                {
                    watcher.connect();
                    watcher.subscribe("/crash/*", (address, v, rev, signal) ->
                    {
                        final long now = ServerProcess.epochMicros();
                        if (v instanceof Long && (Long)v >= roundFirstSeq)
                        {
                            fannedOutMicros.putIfAbsent((Long)v, now);
                        }
                    });
                    // A round trip (answered, or 201 before the first write): the subscription is in place.
                    watcher.get("/crash/0").exceptionally(t -> null).get(30, TimeUnit.SECONDS);
                    client.connect();
                    roundStartMicros = client.routerTimeMicros() - TimeUnit.SECONDS.toMicros(1);
                    startNs = System.nanoTime();
                    final long killAtNs = startNs + TimeUnit.MILLISECONDS.toNanos(killAfterMs);
                    final Thread killer = new Thread(() ->
                    {
                        LockSupport.parkNanos(killAtNs - System.nanoTime());
                        try
                        {
                            killMicros[0] = server.kill();
                        }
                        catch (final InterruptedException ex)
                        {
                            Thread.currentThread().interrupt();
                        }
                    }, "killer");
                    killer.start();
                    // Open loop at the target rate: write i is due at start + i / rate, sent at once when late.
                    long i = 0;
                    while (killer.isAlive())
                    {
                        final long due = startNs + i * 1_000_000_000L / TARGET_RATE;
                        final long wait = due - System.nanoTime();
                        if (wait > 20_000)
                        {
                            LockSupport.parkNanos(wait);
                            continue;
                        }
                        final int address = (int)(nextSeq % ADDRESSES);
                        final long sentMicros = ServerProcess.epochMicros();
                        final CompletableFuture<Long> answer;
                        try
                        {
                            answer = client.setConfirmed("/crash/" + address, nextSeq);
                        }
                        catch (final ClaspException gone)
                        {
                            break; // the connection is gone: the kill happened
                        }
                        writes.add(new Write(nextSeq++, address, sentMicros, System.nanoTime(), answer));
                        i++;
                    }
                    killer.join();
                    killNs = System.nanoTime();
                    for (final Write w : writes)
                    {
                        try
                        {
                            w.answer.get(30, TimeUnit.SECONDS); // every future ends: ACK, ERROR or connection lost
                        }
                        catch (final ExecutionException ignore)
                        {
                            // refused or unknown: classified below
                        }
                    }
                }
                final long sendingNs = writes.isEmpty() ? 1 : writes.get(writes.size() - 1).sentNs - startNs;
                final long rate = writes.size() * 1_000_000_000L / Math.max(1, sendingNs);
                totalWrites += writes.size();
                totalSendingNs += sendingNs;

                server.note("kill -9 " + context + " after " + killAfterMs + " ms, " + writes.size() + " writes");
                server.launch();
                final long[] recoveredRevision = revision.clone();
                final long[] recoveredValue = value.clone();
                final long[] recoveredMicros = new long[ADDRESSES];
                readBack(server, roundStartMicros, recoveredRevision, recoveredValue, recoveredMicros);

                // The surviving prefix: the highest sequence number still there.
                long prefix = 0;
                for (int a = 0; a < ADDRESSES; a++)
                {
                    if (recoveredRevision[a] != revision[a])
                    {
                        prefix = Math.max(prefix, recoveredValue[a]);
                    }
                }
                final long[] expectedRevision = revision.clone();
                final long[] expectedValue = value.clone();
                long lost = 0;
                long firstLostNs = Long.MAX_VALUE;
                long firstLostSentMicros = Long.MIN_VALUE;
                long firstLostFannedOutMicros = Long.MIN_VALUE;
                for (final Write w : writes)
                {
                    if (w.refused())
                    {
                        continue;
                    }
                    final long acked = w.ackedRevision();
                    if (w.seq <= prefix)
                    {
                        expectedRevision[w.address]++;
                        expectedValue[w.address] = w.seq;
                        if (acked > 0 && acked != expectedRevision[w.address])
                        {
                            fail(context + ": write " + w.seq + " was ACKed with revision " + acked + ", recovered as " +
                                expectedRevision[w.address]);
                        }
                    }
                    else
                    {
                        if (0 == lost++)
                        {
                            firstLostNs = w.sentNs;
                            firstLostSentMicros = w.sentMicros;
                        }
                        final Long fannedOut = fannedOutMicros.get(w.seq);
                        if (null != fannedOut && Long.MIN_VALUE == firstLostFannedOutMicros)
                        {
                            firstLostFannedOutMicros = fannedOut; // the first lost write the router had accepted
                        }
                        if (acked > 0)
                        {
                            fail(context + ": ACKed write " + w.seq + " (/crash/" + w.address + " revision " + acked +
                                ") is missing after the restart; log " + server.log());
                        }
                    }
                }
                for (int a = 0; a < ADDRESSES; a++)
                {
                    assertEquals(expectedRevision[a], recoveredRevision[a], context + ": revision of /crash/" + a +
                        " (surviving prefix " + prefix + ")");
                    assertEquals(expectedValue[a], recoveredValue[a], context + ": value of /crash/" + a);
                }
                if ("batch".equals(fsync) && lost > 0)
                {
                    assertTrue(killMicros[0] > 0, context + ": the kill's time");
                    // The most the age can be: the router accepted the first lost write after the last survivor (its
                    // stamp, from REPLAY) and after the client sent it.
                    final long lastSurvivorMicros = prefix >= writes.get(0).seq ?
                        recoveredMicros[(int)(prefix % ADDRESSES)] : Long.MIN_VALUE;
                    final long ageAtMostMicros = killMicros[0] - Math.max(lastSurvivorMicros, firstLostSentMicros);
                    worstAgeAtMostMicros = Math.max(worstAgeAtMostMicros, ageAtMostMicros);
                    assertTrue(ageAtMostMicros <= BATCH_AGE_AT_MOST_MICROS, context + ": " + lost + " lost writes; " +
                        "the router accepted the first of them up to " + ageAtMostMicros / 1_000 + " ms before the " +
                        "kill (last survivor stamped " + (killMicros[0] - lastSurvivorMicros) / 1_000 + " ms before " +
                        "it, first lost sent " + (killMicros[0] - firstLostSentMicros) / 1_000 + " ms before it)");
                    worstLossFromSendNs = Math.max(worstLossFromSendNs, killNs - firstLostNs);
                    if (Long.MIN_VALUE != firstLostFannedOutMicros)
                    {
                        final long lossMicros = killMicros[0] - firstLostFannedOutMicros;
                        worstLossMicros = Math.max(worstLossMicros, lossMicros);
                        assertTrue(lossMicros <= BATCH_LOSS_BOUND_MICROS, context + ": " + lost + " lost writes; the " +
                            "router had sent the first it accepted to subscribers " + lossMicros / 1_000 + " ms " +
                            "before the kill (last survivor stamped " + (killMicros[0] - lastSurvivorMicros) / 1_000 +
                            " ms before it, first lost sent " + (killMicros[0] - firstLostSentMicros) / 1_000 +
                            " ms before it)");
                    }
                }
                totalLost += lost;
                final long[] ackNs = writes.stream().filter(w -> w.ackedRevision() > 0)
                    .mapToLong(w -> w.answeredNs - w.sentNs).sorted().toArray();
                if (ackNs.length > 0)
                {
                    System.out.printf("crash test --fsync %s round %d: %d writes in %d ms (%d/s), %d ACKed (p50 %.2f ms, " +
                        "p99 %.2f ms, max %.2f ms), %d lost%n", fsync, round, writes.size(),
                        TimeUnit.NANOSECONDS.toMillis(sendingNs), rate, ackNs.length, ackNs[ackNs.length / 2] / 1e6,
                        ackNs[(int)(ackNs.length * 0.99)] / 1e6, ackNs[ackNs.length - 1] / 1e6, lost);
                }
                System.arraycopy(recoveredRevision, 0, revision, 0, ADDRESSES);
                System.arraycopy(recoveredValue, 0, value, 0, ADDRESSES);
            }
            System.out.printf("crash test --fsync %s: %d rounds, %d writes, %d unACKed writes lost%s%n", fsync,
                rounds(), totalWrites, totalLost, "batch".equals(fsync) ? String.format(
                "; the first lost write the router accepted had reached subscribers at most %.1f ms before the kill " +
                "(accepted at most %.1f ms before it by the router's stamps; sent %.1f ms before it)",
                worstLossMicros / 1e3, worstAgeAtMostMicros / 1e3, worstLossFromSendNs / 1e6) : "");
            // The load the issue asks for, over the whole level: the first round also warms the writer's JIT, so one
            // slow round on a busy machine is not a fault; a level that never reached the rate tested too little.
            final long levelRate = totalWrites * 1_000_000_000L / Math.max(1, totalSendingNs);
            assertTrue(totalWrites < 1_000 || levelRate >= MIN_RATE,
                fsync + ": wrote " + totalWrites + " at " + levelRate + "/s over " + rounds() + " rounds");
            assertEquals(0, server.stop(), server.log());
        }
    }

    /**
     * The writer's code (this JVM's client: encoding, futures, its event loop) compiled before the first round: a
     * cold client queues its sends behind the JIT, and a write it "sent" a second before the kill may still have been
     * in its own outbound queue — time the router never had, counted against the batch window. Addresses of their
     * own, so the rounds' checks do not see them.
     */
    private static void warmUpWriter(final ServerProcess server) throws Exception
    {
        try (ClaspClient client = WebSocketClaspClient.create(server.url(),
            new ClientOptions().name("crash warm-up").reconnect(false).getTimeoutMs(30_000)))
        {
            client.connect();
            for (int batch = 0; batch < 10; batch++)
            {
                final List<CompletableFuture<Long>> acks = new ArrayList<>();
                for (int i = 0; i < 2_000; i++)
                {
                    acks.add(client.setConfirmed("/warm-up/" + i % 100, (long)i));
                }
                for (final CompletableFuture<Long> ack : acks)
                {
                    ack.get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * Read every param back with a fresh client: the journal's entries since the round started (REPLAY, which
     * carries revisions; the last entry per address is its state) over what was known before the round, each checked
     * against the param's current value (GET); {@code stampedMicros} gets the time the router stamped on each address's
     * last entry of the round.
     */
    private static void readBack(final ServerProcess server, final long sinceMicros, final long[] revisions,
        final long[] values, final long[] stampedMicros) throws Exception
    {
        try (ClaspClient client = WebSocketClaspClient.create(server.url(),
            new ClientOptions().name("crash reader").reconnect(false).getTimeoutMs(30_000)))
        {
            client.connect();
            final long entries = client.replay("/crash/*", ReplayOptions.all().from(sinceMicros).limit(100_000),
                (address, v, revision, signal, t) ->
                {
                    final int a = Integer.parseInt(address.substring("/crash/".length()));
                    revisions[a] = revision;
                    values[a] = (Long)v;
                    stampedMicros[a] = t;
                }).get(60, TimeUnit.SECONDS);
            assertTrue(entries < 100_000, "a round's writes fit one REPLAY");
            final List<CompletableFuture<Object>> gets = new ArrayList<>();
            for (int a = 0; a < ADDRESSES; a++)
            {
                gets.add(client.get("/crash/" + a).exceptionally(t -> null));
            }
            for (int a = 0; a < ADDRESSES; a++)
            {
                final Object current = gets.get(a).get(30, TimeUnit.SECONDS);
                assertEquals(0 == revisions[a] ? null : (Object)values[a], current,
                    "/crash/" + a + ": the state is the journal's last entry");
            }
        }
    }
}
