package to.clasp.security;

/**
 * A tokens file that cannot be used: unreadable, or a line that does not parse. The message names the file and,
 * for a bad line, its number; it never contains a token.
 */
public final class TokenFileException extends Exception
{
    private static final long serialVersionUID = 1L;

    public TokenFileException(final String message)
    {
        super(message);
    }
}
