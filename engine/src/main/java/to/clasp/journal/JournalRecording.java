package to.clasp.journal;

import java.io.File;

import io.aeron.archive.CatalogView;
import io.aeron.archive.client.AeronArchive;

/**
 * The journal's recording as the archive's catalog describes it, read before the archive starts (recovery needs it
 * to find and check the segment files). Immutable.
 */
public final class JournalRecording
{
    private static final String CATALOG_FILE = "archive.catalog";

    private final long recordingId;
    private final long startPosition;
    private final long stopPosition;
    private final int initialTermId;
    private final int termLength;
    private final int segmentLength;
    private final int mtu;

    JournalRecording(
        final long recordingId, final long startPosition, final long stopPosition, final int initialTermId,
        final int termLength, final int segmentLength, final int mtu)
    {
        this.recordingId = recordingId;
        this.startPosition = startPosition;
        this.stopPosition = stopPosition;
        this.initialTermId = initialTermId;
        this.termLength = termLength;
        this.segmentLength = segmentLength;
        this.mtu = mtu;
    }

    /**
     * @return the journal's recording in this archive directory (the newest one on the journal's stream), or null when
     * there is no catalog or no such recording.
     */
    public static JournalRecording find(final File directory)
    {
        if (!new File(directory, CATALOG_FILE).isFile())
        {
            return null;
        }
        final JournalRecording[] found = new JournalRecording[1];
        CatalogView.listRecordings(directory,
            (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition, stopPosition,
                initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId, strippedChannel,
                originalChannel, sourceIdentity) ->
            {
                if (Journal.STREAM_ID == streamId && (null == found[0] || recordingId > found[0].recordingId))
                {
                    found[0] = new JournalRecording(recordingId, startPosition, stopPosition, initialTermId,
                        termBufferLength, segmentFileLength, mtuLength);
                }
            });
        return found[0];
    }

    public long recordingId()
    {
        return recordingId;
    }

    public long startPosition()
    {
        return startPosition;
    }

    /** @return where the recording stopped, or {@link AeronArchive#NULL_POSITION} if the router did not stop it. */
    public long stopPosition()
    {
        return stopPosition;
    }

    public boolean stoppedCleanly()
    {
        return AeronArchive.NULL_POSITION != stopPosition;
    }

    public int initialTermId()
    {
        return initialTermId;
    }

    public int termLength()
    {
        return termLength;
    }

    public int segmentLength()
    {
        return segmentLength;
    }

    public int mtu()
    {
        return mtu;
    }

    /** @return where its bytes are. */
    public RecordingLayout layout(final File directory)
    {
        return new RecordingLayout(directory, recordingId, startPosition, termLength, segmentLength);
    }
}
