package to.clasp.protocol.message;

/**
 * One FEDERATION_SYNC revision entry.
 */
public record RevisionEntry(String key, long revision)
{
}
