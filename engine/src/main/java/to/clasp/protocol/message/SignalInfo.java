package to.clasp.protocol.message;

/**
 * A signal definition in ANNOUNCE; {@code datatype}, {@code access} and {@code meta} are null when absent.
 */
public record SignalInfo(String address, int signal, String datatype, String access, SignalMeta meta)
{
}
