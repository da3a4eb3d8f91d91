package to.clasp.transport.aeron;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedded driver directories: deleted on close, and those of processes killed with SIGKILL swept at the next start.
 */
class DriverDirectoryTest
{
    @Test
    void directoriesOfDeadProcessesAreSweptAndLiveOnesKept() throws IOException
    {
        final File parent = Files.createTempDirectory("clasp-sweep").toFile();
        try
        {
            long deadPid = 4_000_000;
            while (ProcessHandle.of(deadPid).isPresent())
            {
                deadPid++;
            }
            final File dead = mkdir(parent, "clasp-client-" + deadPid + "-0123abcd");
            final File live = mkdir(parent, "clasp-edge-" + ProcessHandle.current().pid() + "-89abcdef");
            final File other = mkdir(parent, "someone-else-" + deadPid + "-0123abcd");
            AeronRuntime.sweepStaleDirectories(parent);
            assertFalse(dead.exists(), "a killed process's driver directory is removed");
            assertTrue(live.exists(), "a running process's directory stays");
            assertTrue(other.exists(), "only our own naming pattern is touched");
        }
        finally
        {
            IoUtil.delete(parent, true);
        }
    }

    @Test
    void embeddedDriverDirectoryIsDeletedOnClose() throws IOException
    {
        final File parent = Files.createTempDirectory("clasp-embedded").toFile();
        try
        {
            final AeronRuntime runtime = AeronRuntime.start(
                new DriverOptions().embeddedDirParent(parent.getPath()).conclude(), "clasp-client", Throwable::printStackTrace);
            final File dir = new File(runtime.directory());
            assertTrue(dir.isDirectory(), "the driver runs in its own directory");
            runtime.close();
            assertFalse(dir.exists(), "and removes it when it stops");
        }
        finally
        {
            IoUtil.delete(parent, true);
        }
    }

    private static File mkdir(final File parent, final String name)
    {
        final File dir = new File(parent, name);
        assertTrue(dir.mkdirs());
        return dir;
    }
}
