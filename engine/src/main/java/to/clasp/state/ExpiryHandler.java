package to.clasp.state;

/**
 * Told about each param {@link ParamStore#expire} removes, just before its removal, so the record (address, value,
 * writer) can still be read, e.g. to journal a tombstone or drop a per-address cache entry. It must not mutate the
 * store.
 */
@FunctionalInterface
public interface ExpiryHandler
{
    void onExpire(int id);
}
