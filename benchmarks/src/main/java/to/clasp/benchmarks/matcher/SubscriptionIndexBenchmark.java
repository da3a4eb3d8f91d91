package to.clasp.benchmarks.matcher;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import to.clasp.address.MatchResult;
import to.clasp.address.Pattern;
import to.clasp.address.SubscriptionIndex;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@link SubscriptionIndex#match} with 10 000 subscriptions from 1 000 sessions: 40 % literal, 20 % with a
 * {@code *} segment, 20 % ending in {@code **}, 20 % with in-segment globs. Every address used matches several
 * subscriptions of every kind.
 * <ul>
 *   <li>{@code cachedHit}: 1 024 addresses in rotation, all already cached (the steady state).</li>
 *   <li>{@code cachedHitOneAddress}: the same address every time: the lookup's compute cost with everything in
 *   L1, for comparison with {@code cachedHit} (whose extra cost is memory).</li>
 *   <li>{@code missNewAddress}: an address never seen before on every call (cache enabled, so this includes
 *   storing the entry and, every 65 536 calls, clearing the full cache).</li>
 *   <li>{@code missNoCache}: the trie walk and result grouping alone (cache disabled).</li>
 *   <li>{@code resubscribeThenMatch}: one unsubscribe + subscribe of an exact pattern, which patches the one cached
 *   address it matches, then a match of one of the 1 024 addresses (a hit). (Before the cache was patched this
 *   benchmark was {@code missAfterResubscribe}: the resubscribe flushed every cached result and the match walked.)
 *   {@link SubscriptionChurnBenchmark} varies the pattern and the number of cached addresses.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class SubscriptionIndexBenchmark
{
    private static final int SESSIONS = BenchmarkSubscriptions.SESSIONS;
    private static final int ZONES = BenchmarkSubscriptions.ZONES;
    private static final int DEVICES = BenchmarkSubscriptions.DEVICES;
    private static final int ADDRESSES = 1_024;

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final SubscriptionIndex uncached = new SubscriptionIndex(0, 0);
    private final UnsafeBuffer[] addresses = new UnsafeBuffer[ADDRESSES];
    private final int[] lengths = new int[ADDRESSES];
    private int next;

    private final UnsafeBuffer fresh = new UnsafeBuffer(new byte[64]);
    private int freshPrefix;
    private int freshCounter;

    private Pattern churnPattern;

    @Setup
    public void setup()
    {
        BenchmarkSubscriptions.addTo(index, uncached);

        for (int i = 0; i < ADDRESSES; i++)
        {
            final byte[] utf8 = ("/zone" + (i % ZONES) + "/device" + (i % DEVICES) + "/param" + (i % 7))
                .getBytes(StandardCharsets.UTF_8);
            addresses[i] = new UnsafeBuffer(utf8);
            lengths[i] = utf8.length;
            index.match(addresses[i], 0, lengths[i]);
        }

        final byte[] prefix = "/zone3/device17/param".getBytes(StandardCharsets.UTF_8);
        fresh.putBytes(0, prefix);
        freshPrefix = prefix.length;

        churnPattern = Pattern.compile("/zone3/device17/param2");
        index.add(SESSIONS, 1, churnPattern, 0);
        index.add(SESSIONS + 1, 1, churnPattern, 0); // keeps the pattern's nodes alive across the churn
    }

    @Benchmark
    public int cachedHit()
    {
        final int i = next++ & (ADDRESSES - 1);
        final MatchResult r = index.match(addresses[i], 0, lengths[i]);
        return r.sessionCount();
    }

    @Benchmark
    public int cachedHitOneAddress()
    {
        final MatchResult r = index.match(addresses[5], 0, lengths[5]);
        return r.sessionCount();
    }

    @Benchmark
    public int missNewAddress()
    {
        // "/zone3/device17/param" + 9 digits: matches the **, * and glob subscriptions of that zone/device.
        fresh.putNaturalPaddedIntAscii(freshPrefix, 9, freshCounter++ % 1_000_000_000);
        final MatchResult r = index.match(fresh, 0, freshPrefix + 9);
        return r.sessionCount();
    }

    @Benchmark
    public int missNoCache()
    {
        final int i = next++ & (ADDRESSES - 1);
        final MatchResult r = uncached.match(addresses[i], 0, lengths[i]);
        return r.sessionCount();
    }

    @Benchmark
    public int resubscribeThenMatch()
    {
        index.remove(SESSIONS + 1, 1);
        index.add(SESSIONS + 1, 1, churnPattern, 0);
        final int i = next++ & (ADDRESSES - 1);
        final MatchResult r = index.match(addresses[i], 0, lengths[i]);
        return r.sessionCount();
    }
}
