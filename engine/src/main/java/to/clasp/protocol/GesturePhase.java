package to.clasp.protocol;

/**
 * Gesture phase, the 3-bit field in PUBLISH flags (wire-protocol.md §4.3).
 */
public final class GesturePhase
{
    public static final int START = 0;
    public static final int MOVE = 1;
    public static final int END = 2;
    public static final int CANCEL = 3;

    private GesturePhase()
    {
    }

    /**
     * @return the canonical phase; codes 4..7 read as {@link #START} like the reference decoders.
     */
    public static int decode(final int code)
    {
        return code >= START && code <= CANCEL ? code : START;
    }

    public static String name(final int phase)
    {
        switch (decode(phase))
        {
            case MOVE: return "move";
            case END: return "end";
            case CANCEL: return "cancel";
            default: return "start";
        }
    }

    /**
     * @return the code for a lower-case name, or -1 when unknown.
     */
    public static int fromName(final String name)
    {
        switch (name)
        {
            case "start": return START;
            case "move": return MOVE;
            case "end": return END;
            case "cancel": return CANCEL;
            default: return -1;
        }
    }
}
