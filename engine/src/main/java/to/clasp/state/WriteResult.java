package to.clasp.state;

/**
 * The answer of {@link ParamStore#check} and {@link ParamStore#write}: a caller-owned object the store fills and the
 * caller reuses for every write (no allocation), instead of results left in side fields of the store.
 * <ul>
 *   <li>{@link #code()}: {@link #OK} or why the write is refused ({@link #REVISION_CONFLICT}, {@link #LOCK_HELD},
 *   {@link #STATE_FULL});</li>
 *   <li>after an accepted write: the param's {@link #id()}, its new {@link #revision()} and whether the write
 *   {@link #created()} it;</li>
 *   <li>after a revision conflict: the {@link #actualRevision()} the expected one was compared with (for the
 *   "expected N, actual M" error text).</li>
 * </ul>
 * The codes are plain ints so the core can switch on them cheaply.
 */
public final class WriteResult
{
    /** The write is (or would be) accepted. */
    public static final int OK = 0;

    /** The SET carried an expected revision and the existing param has another; see {@link #actualRevision()}. */
    public static final int REVISION_CONFLICT = 1;

    /** The param is locked by another session (also when the SET carries the unlock bit). */
    public static final int LOCK_HELD = 2;

    /** A new address when the store already holds its maximum number of params, or the value arena is full. */
    public static final int STATE_FULL = 3;

    int code;
    int id = ParamStore.NULL_ID;
    long revision;
    boolean created;
    long actualRevision;

    /** @return {@link #OK} or the reason for refusal. */
    public int code()
    {
        return code;
    }

    public boolean isAccepted()
    {
        return OK == code;
    }

    /**
     * @return the param the write targets: after an accepted write the param written; otherwise (a check, a refusal)
     * the param at the address, or {@link ParamStore#NULL_ID} when the address is new.
     */
    public int id()
    {
        return id;
    }

    /** @return the param's revision after an accepted write (1 when created). */
    public long revision()
    {
        return revision;
    }

    /** @return whether the accepted write created the param. */
    public boolean created()
    {
        return created;
    }

    /** @return after {@link #REVISION_CONFLICT}: the revision the write would have replaced. */
    public long actualRevision()
    {
        return actualRevision;
    }

    WriteResult target(final int id)
    {
        this.id = id;
        created = false;
        return this;
    }

    WriteResult refuse(final int code)
    {
        this.code = code;
        return this;
    }

    WriteResult conflict(final long actual)
    {
        actualRevision = actual;
        return refuse(REVISION_CONFLICT);
    }

    WriteResult accept(final int id, final long revision, final boolean created)
    {
        code = OK;
        this.id = id;
        this.revision = revision;
        this.created = created;
        return this;
    }

    /** Text for logs and error messages. */
    public String toString()
    {
        return OK == code ? "OK(id=" + id + ", revision=" + revision + (created ? ", created)" : ")") : name(code);
    }

    /**
     * @param code a result code.
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
