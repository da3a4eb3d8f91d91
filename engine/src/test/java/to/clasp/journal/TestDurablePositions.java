package to.clasp.journal;

/**
 * For tests outside this package: a {@link DurablePosition} whose progress the test drives, as the journal thread
 * would — and the journal thread's failure signal, injected into a real journal (a disk error cannot be ordered on
 * cue in a unit test; the process-level full-disk test makes a real one).
 */
public final class TestDurablePositions
{
    private TestDurablePositions()
    {
    }

    public static DurablePosition create(final long initial)
    {
        return new DurablePosition(initial);
    }

    public static void advance(final DurablePosition position, final long to)
    {
        position.advance(to);
    }

    /** What the journal thread does when the archive stops recording or a sync fails. */
    public static void fail(final DurablePosition position, final String reason)
    {
        position.fail(reason);
    }
}
