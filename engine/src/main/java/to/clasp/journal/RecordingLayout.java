package to.clasp.journal;

import java.io.File;

import io.aeron.archive.client.AeronArchive;

/**
 * Where the bytes of the journal's recording live: the archive writes a recording as segment files
 * {@code <recordingId>-<segmentBasePosition>.rec} of {@code segmentLength} bytes each, each a run of terms of
 * {@code termLength} bytes holding Aeron frames (a frame never crosses a term end; a padding frame fills the rest of a
 * term). Immutable.
 */
public final class RecordingLayout
{
    static final String SEGMENT_SUFFIX = ".rec";

    private final File directory;
    private final long recordingId;
    private final long startPosition;
    private final int termLength;
    private final int segmentLength;

    public RecordingLayout(
        final File directory, final long recordingId, final long startPosition, final int termLength,
        final int segmentLength)
    {
        this.directory = directory;
        this.recordingId = recordingId;
        this.startPosition = startPosition;
        this.termLength = termLength;
        this.segmentLength = segmentLength;
    }

    public File directory()
    {
        return directory;
    }

    public long recordingId()
    {
        return recordingId;
    }

    /** First position still in the recording (moves forward when old segments are purged). */
    public long startPosition()
    {
        return startPosition;
    }

    public int termLength()
    {
        return termLength;
    }

    public int segmentLength()
    {
        return segmentLength;
    }

    /** @return the base position of the segment file holding {@code position}. */
    public long segmentBase(final long position)
    {
        return AeronArchive.segmentFileBasePosition(startPosition, position, termLength, segmentLength);
    }

    /** @return the segment file holding {@code position} (it may not exist). */
    public File segmentFile(final long position)
    {
        return new File(directory, recordingId + "-" + segmentBase(position) + SEGMENT_SUFFIX);
    }

    /** The same recording after a purge moved its start. */
    public RecordingLayout withStart(final long newStart)
    {
        return new RecordingLayout(directory, recordingId, newStart, termLength, segmentLength);
    }
}
