package to.clasp.interop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM the moment the router prints its start-up line — what a supervisor or a script does when it stops a router it
 * just saw start. The router prints its start-up line and listens before the main thread waits for signals; a signal
 * in that gap used to meet the JVM's default handler (exit 143: no drain, no shutdown snapshot; seen as a second
 * start replaying the whole journal again). Every round must drain, exit 0 and write its shutdown snapshot.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
final class SigtermAtStartTest
{
    private static final int ROUNDS = 5;
    private static final Pattern SNAPSHOT = Pattern.compile("shutdown snapshot snapshot-");

    @TempDir
    Path tmp;

    @Test
    void aSigtermRightAfterStartDrainsAndWritesTheShutdownSnapshot() throws Exception
    {
        try (ServerProcess server = ServerProcess.prepare("--data-dir", tmp.resolve("data").toString()))
        {
            for (int round = 1; round <= ROUNDS; round++)
            {
                server.launchExpectingExit();
                awaitStartUpLine(server, round);
                assertEquals(0, server.stop(), "round " + round + ": exit code after SIGTERM; log:\n" + server.log());
                final String log = server.log();
                assertEquals(round, count(log), "round " + round + ": shutdown snapshots written; log:\n" + log);
                assertTrue(log.contains("SIGTERM received: draining"), log);
            }
        }
    }

    /** Spin on the log until this round's start-up line is there: the signal goes out as soon as it is printed. */
    private static void awaitStartUpLine(final ServerProcess server, final int round) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (countReady(server.log()) < round)
        {
            assertTrue(server.process().isAlive(), "round " + round + ": the server exited; log:\n" + server.log());
            assertTrue(System.nanoTime() < deadline, "round " + round + ": no start-up line; log:\n" + server.log());
            Thread.onSpinWait();
        }
    }

    private static int countReady(final String log)
    {
        int n = 0;
        for (int i = log.indexOf("' ready: "); i >= 0; i = log.indexOf("' ready: ", i + 1))
        {
            n++;
        }
        return n;
    }

    private static int count(final String log)
    {
        final Matcher m = SNAPSHOT.matcher(log);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }
}
