package to.clasp.protocol;

/**
 * QoS codes in the frame flags' top two bits. The router uses them only to decide whether to ACK (QoS ≥ 1):
 * Python sends everything at {@link #FIRE} and cannot decode ACK.
 */
public final class Qos
{
    public static final int FIRE = 0;
    public static final int CONFIRM = 1;
    public static final int COMMIT = 2;

    private Qos()
    {
    }
}
