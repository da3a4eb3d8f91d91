package to.clasp.protocol;

/**
 * Sequential-access bookkeeping for variable-length repeated groups: moving to entry i+1 after entry i costs one
 * entry parse, any backwards move restarts from the first entry. No allocation.
 */
final class EntryCursor
{
    int count;
    int firstPosition;
    int current = -1;
    int nextPosition;

    void reset(final int count, final int firstPosition)
    {
        this.count = count;
        this.firstPosition = firstPosition;
        this.current = -1;
        this.nextPosition = firstPosition;
    }

    void checkIndex(final int index)
    {
        if (index < 0 || index >= count)
        {
            throw new IndexOutOfBoundsException("entry " + index + " of " + count);
        }
    }
}
