package to.clasp.state;

/**
 * Outcome codes of {@link ParamStore#check} and, negated, of {@link ParamStore#write}.
 * <p>
 * Plain int constants rather than an enum so the write path can return "id or failure" in one int without boxing
 * and the core can switch on them cheaply.
 */
public final class WriteResult
{
    /** The write is (or would be) accepted. Never returned negated: {@code write} returns the param id instead. */
    public static final int OK = 0;

    /** The SET carried an expected revision and the existing param has another; see
     * {@link ParamStore#lastConflictActualRevision()}. */
    public static final int REVISION_CONFLICT = 1;

    /** The param is locked by another session (also when the SET carries the unlock bit). */
    public static final int LOCK_HELD = 2;

    /** A new address when the store already holds its maximum number of params, or the value arena is full. */
    public static final int STATE_FULL = 3;

    private WriteResult()
    {
    }

    /**
     * Text for logs and error messages.
     *
     * @param code a result code, positive or negated.
     * @return its name.
     */
    public static String name(final int code)
    {
        switch (Math.abs(code))
        {
            case OK:
                return "OK";
            case REVISION_CONFLICT:
                return "REVISION_CONFLICT";
            case LOCK_HELD:
                return "LOCK_HELD";
            case STATE_FULL:
                return "STATE_FULL";
            default:
                return "UNKNOWN(" + code + ")";
        }
    }
}
