package to.clasp.journal;

import java.util.Locale;

/**
 * When the journal forces recorded bytes to disk, and so what an ACK promises ({@code --fsync}).
 */
public enum FsyncPolicy
{
    /**
     * Sync as soon as anything new is recorded (group commit: one sync covers everything recorded since the last).
     * A QoS ≥ 1 write is ACKed only when its record is on disk: a crash, even of the machine, loses no ACKed write.
     */
    ALWAYS,
    /**
     * Sync at most once per interval ({@code --fsync-interval}, default 2 ms). ACKs wait for the sync that covers their
     * record; a machine crash loses at most the writes of the last interval, none of them ACKed.
     */
    BATCH,
    /**
     * Never sync (the operating system writes back when it likes). ACKs are not held. A killed process loses only what
     * the journal had not yet written (microseconds); a machine crash can lose any write not yet written back.
     */
    NEVER;

    /**
     * @return the policy for a flag value, any case.
     * @throws IllegalArgumentException for anything else.
     */
    public static FsyncPolicy parse(final String value)
    {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** @return whether QoS ≥ 1 ACKs wait until their record is synced. */
    public boolean holdsAcks()
    {
        return this != NEVER;
    }
}
