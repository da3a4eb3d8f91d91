package to.clasp.client;

import to.clasp.protocol.GesturePhase;

/**
 * Gesture phase codes for {@link ClaspClient#gesture}.
 */
public final class GesturePhases
{
    public static final int START = GesturePhase.START;
    public static final int MOVE = GesturePhase.MOVE;
    public static final int END = GesturePhase.END;
    public static final int CANCEL = GesturePhase.CANCEL;

    private GesturePhases()
    {
    }
}
