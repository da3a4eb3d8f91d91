package to.clasp.journal;

import java.io.File;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.agrona.IoUtil;

/**
 * Embedded Aeron driver directories are named {@code clasp-<role>-<pid>-<8 hex>}; a process killed with SIGKILL cannot
 * delete its own, so the next process of the same kind deletes those whose pid no longer runs. Best effort.
 */
public final class StaleAeronDirectories
{
    private StaleAeronDirectories()
    {
    }

    /**
     * @param parent where the driver directories are made (e.g. /dev/shm).
     * @param roles  the role names to sweep, e.g. {@code journal}, {@code edge}.
     */
    public static void sweep(final File parent, final String... roles)
    {
        final Pattern name = Pattern.compile("clasp-(?:" + String.join("|", roles) + ")-(\\d{1,10})-[0-9a-f]{8}");
        final File[] candidates = parent.listFiles((d, n) -> name.matcher(n).matches());
        if (null == candidates)
        {
            return;
        }
        for (final File candidate : candidates)
        {
            final Matcher m = name.matcher(candidate.getName());
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty())
            {
                IoUtil.delete(candidate, true);
            }
        }
    }
}
