package to.clasp.security;

/** A capability token that is malformed or fails verification; the message never contains the token. */
public final class CapabilityException extends Exception
{
    private static final long serialVersionUID = 1L;

    public CapabilityException(final String message)
    {
        super(message);
    }
}
