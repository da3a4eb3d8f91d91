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
     * Group commit bounded by a window ({@code --fsync-interval}, default 2 ms). A record whose ACK the core holds is
     * synced as soon as the sync in progress (if any) has finished, so an ACK waits for a sync, never for the window;
     * records nobody waits for (QoS 0 writes, expiries, events) are synced at the latest one window after the last
     * sync, so a stream of them costs at most one sync per window. A machine crash loses at most the writes of the
     * last window, none of them ACKed.
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
