package to.clasp.protocol.message;

/**
 * One RESULT entry; {@code datatype} and {@code access} are null when absent.
 */
public record ResultEntry(String address, int signal, String datatype, String access)
{
}
