package to.clasp.benchmarks.matcher;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import to.clasp.address.MatchResult;
import to.clasp.address.Pattern;
import to.clasp.address.SubscriptionIndex;

/**
 * Subscribe/unsubscribe churn against a warm {@link SubscriptionIndex}: the same 10 000 subscriptions from 1 000
 * sessions as {@link SubscriptionIndexBenchmark}, {@code cached} distinct addresses already matched, and one client
 * that subscribes and unsubscribes a pattern over and over.
 * <ul>
 *   <li>{@code subscribeUnsubscribe}: one subscribe and one unsubscribe of {@code pattern} (per operation): the
 *   trie insert and removal plus patching every cached address the pattern matches.</li>
 *   <li>{@code churnThenMatch}: the same, then a match of one of the cached addresses in rotation: what the fan-out
 *   pays per message while subscriptions churn (a hit when the cache is patched; a walk when a change flushes it).</li>
 * </ul>
 * Patterns: {@code exact} one address ({@code /zone3/device17/param2}); {@code oneLevel} a {@code *} segment
 * ({@code /zone3/*&#47;param2}); {@code subtree} a trailing {@code **} ({@code /zone3/device17/**}); {@code everything}
 * ({@code /**}, every cached address patched). The API used is the index's public one, so the class (with
 * {@link BenchmarkSubscriptions}) also runs against a build from before the cache was patched.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SubscriptionChurnBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class SubscriptionChurnBenchmark
{
    private static final int ZONES = BenchmarkSubscriptions.ZONES;
    private static final int DEVICES = BenchmarkSubscriptions.DEVICES;
    private static final int CHURN_SESSION = BenchmarkSubscriptions.SESSIONS;

    @Param({ "exact", "oneLevel", "subtree", "everything" })
    public String pattern;

    @Param({ "1024", "16384" })
    public int cached;

    private final SubscriptionIndex index = new SubscriptionIndex();
    private UnsafeBuffer[] addresses;
    private int[] lengths;
    private int mask;
    private int next;
    private Pattern churn;

    @Setup
    public void setup()
    {
        BenchmarkSubscriptions.addTo(index);

        // Distinct addresses: zone × device × param, then numbered params beyond the 7 subscribed ones.
        addresses = new UnsafeBuffer[cached];
        lengths = new int[cached];
        mask = cached - 1;
        for (int i = 0; i < cached; i++)
        {
            final byte[] utf8 = ("/zone" + (i % ZONES) + "/device" + ((i / ZONES) % DEVICES) + "/param" +
                (i / (ZONES * DEVICES))).getBytes(StandardCharsets.UTF_8);
            addresses[i] = new UnsafeBuffer(utf8);
            lengths[i] = utf8.length;
            index.match(addresses[i], 0, lengths[i]);
        }

        switch (pattern)
        {
            case "exact":
                churn = Pattern.compile("/zone3/device17/param2");
                break;
            case "oneLevel":
                churn = Pattern.compile("/zone3/*/param2");
                break;
            case "subtree":
                churn = Pattern.compile("/zone3/device17/**");
                break;
            default:
                churn = Pattern.compile("/**");
                break;
        }
    }

    @Benchmark
    public int subscribeUnsubscribe()
    {
        final int handle = index.add(CHURN_SESSION, 1, churn, 0);
        index.remove(CHURN_SESSION, 1);
        return handle;
    }

    @Benchmark
    public int churnThenMatch()
    {
        index.add(CHURN_SESSION, 1, churn, 0);
        index.remove(CHURN_SESSION, 1);
        final int i = next++ & mask;
        final MatchResult r = index.match(addresses[i], 0, lengths[i]);
        return r.sessionCount();
    }
}
