package to.clasp.journal;

/**
 * For tests outside this package: a {@link DurablePosition} whose progress the test drives, as the journal thread
 * would.
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
}
