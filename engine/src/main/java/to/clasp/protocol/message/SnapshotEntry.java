package to.clasp.protocol.message;

/**
 * One SNAPSHOT entry; {@code writer} and {@code timestamp} are null when absent.
 */
public record SnapshotEntry(String address, Object value, long revision, String writer, Long timestamp)
{
}
