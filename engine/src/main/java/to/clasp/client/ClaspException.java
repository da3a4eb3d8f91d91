package to.clasp.client;

/**
 * A client-side failure: cannot connect, not connected, or an ERROR from the router ({@link #code()} > 0).
 */
public final class ClaspException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int code;

    public ClaspException(final String message)
    {
        this(0, message, null);
    }

    public ClaspException(final String message, final Throwable cause)
    {
        this(0, message, cause);
    }

    public ClaspException(final int code, final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = code;
    }

    /**
     * @return the router's error code (e.g. 201 not found, 400 conflict), or 0 for local failures.
     */
    public int code()
    {
        return code;
    }
}
