package to.clasp.client;

import to.clasp.protocol.SignalType;

/**
 * The signal types (wire-protocol.md §4.3), with their SUBSCRIBE type-mask bits.
 */
public enum Signal
{
    PARAM(SignalType.PARAM),
    EVENT(SignalType.EVENT),
    STREAM(SignalType.STREAM),
    GESTURE(SignalType.GESTURE),
    TIMELINE(SignalType.TIMELINE);

    private static final Signal[] BY_CODE = {PARAM, EVENT, STREAM, GESTURE, TIMELINE};

    private final int code;

    Signal(final int code)
    {
        this.code = code;
    }

    /** @return the 3-bit signal code. */
    public int code()
    {
        return code;
    }

    /** @return the SUBSCRIBE type-mask bit. */
    public int maskBit()
    {
        return 1 << code;
    }

    /** @return the signal for a wire code; 5-7 decode as event, as every client does. */
    public static Signal of(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : EVENT;
    }
}
