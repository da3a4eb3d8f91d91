package to.clasp.protocol;

/**
 * Signal types (wire-protocol.md §4.3): the 3-bit code in PUBLISH, ANNOUNCE and RESULT, the HELLO/WELCOME
 * feature bits and the SUBSCRIBE/REPLAY type-mask bits.
 */
public final class SignalType
{
    public static final int PARAM = 0;
    public static final int EVENT = 1;
    public static final int STREAM = 2;
    public static final int GESTURE = 3;
    public static final int TIMELINE = 4;

    /** Type mask meaning "every signal type" (as is 0x00 on decode). */
    public static final int ALL_TYPES_MASK = 0xFF;
    /** HELLO feature bit for federation (Rust only); has no signal code. */
    public static final int FEATURE_FEDERATION = 0x04;

    private SignalType()
    {
    }

    /**
     * @return the canonical signal for a wire code; codes 5..7 (and anything else unknown) read as {@link #EVENT}
     * like all three reference decoders.
     */
    public static int decode(final int code)
    {
        return code >= PARAM && code <= TIMELINE ? code : EVENT;
    }

    /**
     * @return the SUBSCRIBE/REPLAY type-mask bit: param 0x01, event 0x02, stream 0x04, gesture 0x08, timeline 0x10.
     */
    public static int maskBit(final int signal)
    {
        return 1 << decode(signal);
    }

    /**
     * @return the HELLO/WELCOME feature bit: param 0x80, event 0x40, stream 0x20, gesture 0x10, timeline 0x08.
     */
    public static int featureBit(final int signal)
    {
        return 0x80 >>> decode(signal);
    }

    /**
     * @return true when a subscription type mask lets {@code signal} through; 0x00 and 0xFF both mean all.
     */
    public static boolean maskAllows(final int typeMask, final int signal)
    {
        final int mask = typeMask & 0xFF;
        return mask == 0 || mask == ALL_TYPES_MASK || (mask & maskBit(signal)) != 0;
    }

    /**
     * @return the lower-case name used by MessagePack ("param", "event", …).
     */
    public static String name(final int signal)
    {
        switch (decode(signal))
        {
            case PARAM: return "param";
            case STREAM: return "stream";
            case GESTURE: return "gesture";
            case TIMELINE: return "timeline";
            default: return "event";
        }
    }

    /**
     * @return the code for a lower-case name, or -1 when unknown.
     */
    public static int fromName(final String name)
    {
        switch (name)
        {
            case "param": return PARAM;
            case "event": return EVENT;
            case "stream": return STREAM;
            case "gesture": return GESTURE;
            case "timeline": return TIMELINE;
            default: return -1;
        }
    }
}
