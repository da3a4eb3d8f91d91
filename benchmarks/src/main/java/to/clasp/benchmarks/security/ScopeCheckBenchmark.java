package to.clasp.benchmarks.security;

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

import to.clasp.address.AddressView;
import to.clasp.benchmarks.load.BenchAuth;
import to.clasp.security.ScopeSet;

/**
 * The per-message write-scope check of token auth (#13), alone: {@code patterns} is {@link ScopeSet#canWrite} (the
 * session's compiled patterns, every message), {@code open} the open mode's flag. The addresses cycle over
 * {@link #ADDRESSES} benchmark addresses.
 * <p>
 * {@code bench} is the load generator's token ({@link BenchAuth#SCOPES}: {@code write:/bench/*}, a literal prefix and
 * one wildcard segment, matched by a prefix comparison); {@code app} a {@code write:/studio/app/**} token (the other
 * prefix shape); {@code wide} a token with several write scopes where the address matches the last one, through a
 * mid-pattern {@code **} (the general segment walk).
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ScopeCheckBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ScopeCheckBenchmark
{
    /** Distinct addresses written in turn. */
    public static final int ADDRESSES = 8;

    @Param({"bench", "app", "wide"})
    public String token;

    private final AddressView[] addresses = new AddressView[ADDRESSES];
    private ScopeSet scopes;
    private ScopeSet open;
    private int next;

    @Setup
    public void setUp()
    {
        final String prefix;
        if ("bench".equals(token))
        {
            scopes = ScopeSet.parse(BenchAuth.SCOPES);
            prefix = "/bench/";
        }
        else if ("app".equals(token))
        {
            scopes = ScopeSet.parse("read:/**,write:/studio/app/**");
            prefix = "/studio/app/mixer/fader";
        }
        else
        {
            scopes = ScopeSet.parse("read:/**,write:/studio/*/in/**,write:/lights/*/level,write:/venue/**/mixer/*");
            prefix = "/venue/hall-a/stage/mixer/fader";
        }
        open = ScopeSet.parse("write:/**");
        for (int i = 0; i < ADDRESSES; i++)
        {
            final byte[] bytes = (prefix + i).getBytes(StandardCharsets.UTF_8);
            addresses[i] = new AddressView();
            addresses[i].wrap(new UnsafeBuffer(bytes), 0, bytes.length);
            if (!scopes.canWrite(addresses[i].buffer(), 0, bytes.length))
            {
                throw new IllegalStateException("the benchmark address must be writable: " + addresses[i]);
            }
        }
    }

    private AddressView nextAddress()
    {
        return addresses[next++ & (ADDRESSES - 1)];
    }

    @Benchmark
    public boolean patterns()
    {
        final AddressView a = nextAddress();
        return scopes.canWrite(a.buffer(), a.offset(), a.length());
    }

    @Benchmark
    public boolean open()
    {
        final AddressView a = nextAddress();
        return open.canWrite(a.buffer(), a.offset(), a.length());
    }
}
