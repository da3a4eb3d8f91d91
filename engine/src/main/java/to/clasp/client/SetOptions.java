package to.clasp.client;

import to.clasp.protocol.Qos;

/**
 * Options of a SET: lock, unlock, TTL, expected revision and the frame QoS. Immutable; each method returns a copy.
 * <pre>{@code client.set("/mixer/master", 0.8, SetOptions.defaults().lock().expectedRevision(4));}</pre>
 */
public final class SetOptions
{
    private static final SetOptions DEFAULTS = new SetOptions(false, false, -1, false, -1, Qos.CONFIRM);

    private final boolean lock;
    private final boolean unlock;
    private final long ttlSeconds;
    private final boolean absoluteTtl;
    private final long expectedRevision;
    private final int qos;

    private SetOptions(
        final boolean lock,
        final boolean unlock,
        final long ttlSeconds,
        final boolean absoluteTtl,
        final long expectedRevision,
        final int qos)
    {
        this.lock = lock;
        this.unlock = unlock;
        this.ttlSeconds = ttlSeconds;
        this.absoluteTtl = absoluteTtl;
        this.expectedRevision = expectedRevision;
        this.qos = qos;
    }

    /** No lock, no TTL, no expected revision, QoS Confirm (the router ACKs). */
    public static SetOptions defaults()
    {
        return DEFAULTS;
    }

    /** Take the param's lock with this write. */
    public SetOptions lock()
    {
        return new SetOptions(true, unlock, ttlSeconds, absoluteTtl, expectedRevision, qos);
    }

    /** Release the lock with this write. */
    public SetOptions unlock()
    {
        return new SetOptions(lock, true, ttlSeconds, absoluteTtl, expectedRevision, qos);
    }

    /** Expire the param {@code seconds} after its last write (0 = never). */
    public SetOptions ttlSeconds(final long seconds)
    {
        return ttl(seconds, false);
    }

    /** Expire the param {@code seconds} after this write, whatever comes later. */
    public SetOptions absoluteTtlSeconds(final long seconds)
    {
        return ttl(seconds, true);
    }

    private SetOptions ttl(final long seconds, final boolean absolute)
    {
        if (seconds < 0 || seconds > 0x7FFF_FFFFL)
        {
            throw new IllegalArgumentException("ttl seconds must be 0..2^31-1: " + seconds);
        }
        return new SetOptions(lock, unlock, seconds, absolute, expectedRevision, qos);
    }

    /** Apply only if the param's current revision is {@code revision} (else ERROR 400). */
    public SetOptions expectedRevision(final long revision)
    {
        if (revision < 0)
        {
            throw new IllegalArgumentException("revision must be >= 0: " + revision);
        }
        return new SetOptions(lock, unlock, ttlSeconds, absoluteTtl, revision, qos);
    }

    /** Frame QoS: 0 Fire (no ACK), 1 Confirm, 2 Commit. */
    public SetOptions qos(final int qos)
    {
        if (qos < Qos.FIRE || qos > Qos.COMMIT)
        {
            throw new IllegalArgumentException("qos must be 0..2: " + qos);
        }
        return new SetOptions(lock, unlock, ttlSeconds, absoluteTtl, expectedRevision, qos);
    }

    public boolean isLock()
    {
        return lock;
    }

    public boolean isUnlock()
    {
        return unlock;
    }

    /** @return TTL seconds, or -1 for none (router default). */
    public long ttl()
    {
        return ttlSeconds;
    }

    public boolean isAbsoluteTtl()
    {
        return absoluteTtl;
    }

    /** @return the expected revision, or -1 for none. */
    public long expectedRevision()
    {
        return expectedRevision;
    }

    public int qos()
    {
        return qos;
    }

    /** @return the u32 TTL field: bit 31 absolute, bits 30-0 seconds. */
    long wireTtl()
    {
        return absoluteTtl ? (ttlSeconds | 0x8000_0000L) : ttlSeconds;
    }
}
