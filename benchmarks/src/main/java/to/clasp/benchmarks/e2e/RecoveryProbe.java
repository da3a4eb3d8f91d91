package to.clasp.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressView;
import to.clasp.journal.DurableState;
import to.clasp.journal.FsyncPolicy;
import to.clasp.journal.JournalWriter;
import to.clasp.state.ParamStore;
import to.clasp.state.ParamWrite;
import to.clasp.state.WriteResult;

/**
 * Recovery time of a large state: a data directory holding {@code PARAMS} params written by {@code RECORDS} journal
 * records (the first write of each param, then updates spread over all of them) and no snapshot after them — the
 * state a {@code kill -9} leaves when the last snapshot is old — then the real server ({@code clasp-server.jar}) is
 * started on it and timed until its start-up line, which also gives the recovery's own time.
 * <pre>
 * mvn -B -q -DskipTests package -pl server,benchmarks -am
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *   -cp benchmarks/target/benchmarks.jar to.clasp.benchmarks.e2e.RecoveryProbe [PARAMS [RECORDS [DIR]]]
 * </pre>
 * Defaults: 1 000 000 params, 10 000 000 records, a temporary directory (DIR should be on the disk the router uses;
 * about 1 GB). The directory is written by a child JVM that plays the core (each record appended after its write, as
 * the core does) and then halts without a final snapshot; the server then recovers it with its defaults.
 */
public final class RecoveryProbe
{
    private static final String GENERATE = "--generate";

    private RecoveryProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && GENERATE.equals(args[0]))
        {
            generate(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            return;
        }
        final int params = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final long records = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        final Path parent = args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir"));
        final Path dir = Files.createTempDirectory(parent, "clasp-recovery-probe");
        try
        {
            final long genStart = System.nanoTime();
            final Process generator = new ProcessBuilder(java(List.of("-Xmx2g", "-cp",
                System.getProperty("java.class.path"), RecoveryProbe.class.getName(), GENERATE, dir.toString(),
                Integer.toString(params), Long.toString(records)))).inheritIO().start();
            if (generator.waitFor() != 0)
            {
                throw new IllegalStateException("the generator exited with " + generator.exitValue());
            }
            System.out.printf(Locale.ROOT, "generated %,d params in %,d records in %.1f s%n", params, records,
                (System.nanoTime() - genStart) / 1e9);
            for (int attempt = 1; attempt <= 2; attempt++)
            {
                timeStart(dir, params, attempt);
            }
        }
        finally
        {
            delete(dir);
        }
    }

    /** The child: play the core against an empty data directory, then halt as kill -9 would (no final snapshot). */
    private static void generate(final Path dir, final int params, final long records)
    {
        final ParamStore store = new ParamStore(new ParamStore.Context().maxParams(params).initialParams(params));
        final DurableState.Context ctx = new DurableState.Context().directory(dir.toFile()).snapshotIntervalNs(0);
        ctx.journal().fsync(FsyncPolicy.NEVER);
        final DurableState durable = DurableState.open(ctx, store);
        final JournalWriter writer = durable.writer();
        final UnsafeBuffer address = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[9]);
        final UnsafeBuffer session = new UnsafeBuffer("0123456789abcdef0123456789abcdef0123".getBytes());
        value.putByte(0, (byte)0x05); // I64
        final AddressView addressView = new AddressView();
        final ParamWrite write = new ParamWrite().value(value, 0, 9).writer(0, session, 0, 36);
        final WriteResult result = new WriteResult();
        final long startMicros = System.currentTimeMillis() * 1000;
        for (long i = 0; i < records; i++)
        {
            final int param = (int)(i % params);
            final int length = address.putStringWithoutLengthAscii(0, "/sensors/" + param / 1000 + "/" + param);
            value.putLong(1, i);
            addressView.wrap(address, 0, length);
            store.write(write.address(addressView).at(startMicros + i), result);
            while (!writer.hasRoom(200))
            {
                writer.endOfCycle(); // the journal is behind: wait, as a refused write would be retried
                Thread.onSpinWait();
            }
            writer.appendParam(store, result.id(), false, false);
            if ((i & 1023) == 0)
            {
                writer.endOfCycle();
            }
        }
        writer.endOfCycle();
        final long end = writer.position();
        while (durable.metrics().recordedPosition() < end)
        {
            Thread.onSpinWait();
        }
        // Everything is recorded (in the page cache; recovery reads it as a restarted router would after kill -9).
        System.out.printf(Locale.ROOT, "journal: %,d MiB recorded%n", end >> 20);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** Start the server jar on the directory and time it until its start-up line. */
    private static void timeStart(final Path dir, final int params, final int attempt) throws Exception
    {
        final Path jar = Path.of(System.getProperty("clasp.server.jar", "server/target/clasp-server.jar"));
        final List<String> command = java(List.of("-Xmx3g", "-jar", jar.toString(), "server", "--host", "127.0.0.1",
            "--port", "0", "--data-dir", dir.toString(), "--max-params",
            Integer.toString(Math.max(2_000_000, params)), "--snapshot-interval", "0"));
        final long start = System.nanoTime();
        String line = null;
        final Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String l;
            while (null != (l = out.readLine()))
            {
                if (l.contains("' ready: "))
                {
                    line = l;
                    break;
                }
            }
            final long readyNs = System.nanoTime() - start;
            if (null == line)
            {
                throw new IllegalStateException("the server ended before its start-up line");
            }
            final Matcher m = Pattern.compile("data dir \\S+ \\((.*)\\), core ").matcher(line);
            System.out.printf(Locale.ROOT, "start %d: ready after %,d ms (process start to start-up line); %s%n",
                attempt, TimeUnit.NANOSECONDS.toMillis(readyNs), m.find() ? m.group(1) : line);
            // SIGTERM through the handle (Process.destroy would also close the streams we still drain): the final
            // snapshot makes the second start a snapshot recovery.
            server.toHandle().destroy();
            while (null != (l = out.readLine()))
            {
                if (l.contains("WARN") || l.contains("ERROR") || l.contains("napshot") || l.contains("drain"))
                {
                    System.out.println("  server: " + l);
                }
            }
        }
        if (!server.waitFor(120, TimeUnit.SECONDS))
        {
            server.destroyForcibly();
        }
    }

    private static List<String> java(final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.addAll(args);
        return command;
    }

    private static void delete(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
