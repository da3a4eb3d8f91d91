package to.clasp.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads the journal's records straight from the recording's segment files (as Aeron's own archive tools do), so
 * recovery runs at memory speed and REPLAY never loads the thread that records and syncs the journal. Walks Aeron
 * frames (skipping padding, reassembling fragmented records), checks every record with {@link RecordCodec#verify}, and
 * stops at the first frame or record that is not whole and valid: everything before it is the valid journal, and
 * {@link #validEnd()} says where it ends.
 * <p>
 * Only reads, never writes. One reader per thread; reusable; allocates a reassembly buffer once.
 */
public final class JournalReader implements AutoCloseable
{
    /** Told about each valid record, in journal order. */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * @param codec    has verified the record: its accessors describe it.
         * @param template {@link RecordCodec#PARAM_WRITTEN}, {@link RecordCodec#PARAM_REMOVED} or
         *                 {@link RecordCodec#EVENT_PUBLISHED}.
         * @param start    journal position of the record's first frame.
         * @param end      journal position just after its last frame.
         * @return false to stop reading after this record.
         */
        boolean onRecord(RecordCodec codec, int template, DirectBuffer buffer, int offset, int length, long start,
            long end);
    }

    /** How {@link #read} ended. */
    public enum Outcome
    {
        /** Reached the limit, or the end of the data (a zero frame header or a missing segment). */
        END,
        /** The handler asked to stop. */
        STOPPED,
        /** A frame or record that is torn or corrupt: nothing from {@link #validEnd()} on can be trusted. */
        INVALID
    }

    private static final int HEADER = DataHeaderFlyweight.HEADER_LENGTH;

    private final RecordCodec codec = new RecordCodec();
    private final UnsafeBuffer assembly = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(BitUtil.align(RecordCodec.MAX_RECORD_LENGTH, 64), 64));
    private final UnsafeBuffer segment = new UnsafeBuffer(0, 0);
    private MappedByteBuffer mapped;
    private long mappedBase = -1;
    private long validEnd;
    private long records;
    private String invalidReason;

    /**
     * Read records from {@code from} (a record boundary) until {@code limit} (exclusive), the end of the data, a
     * handler stop or an invalid frame.
     */
    public Outcome read(final RecordingLayout layout, final long from, final long limit, final RecordHandler handler)
    {
        return read(layout, from, limit, handler, false);
    }

    /**
     * As {@link #read(RecordingLayout, long, long, RecordHandler)}; with {@code fromSegmentStart} the first frames
     * may be the tail of a record that began in a purged segment, and are skipped rather than called invalid (reading
     * from a recording's start after a purge).
     */
    public Outcome read(
        final RecordingLayout layout, final long from, final long limit, final RecordHandler handler,
        final boolean fromSegmentStart)
    {
        boolean head = fromSegmentStart;
        validEnd = from;
        records = 0;
        invalidReason = null;
        long position = from;
        long recordStart = -1;
        int assembled = 0;
        try
        {
            while (position < limit)
            {
                if (!map(layout, position))
                {
                    return recordStart < 0 ? Outcome.END : invalid("segment missing inside a fragmented record");
                }
                final int fileOffset = (int)(position - mappedBase);
                final int termOffset = (int)(position & (layout.termLength() - 1));
                if (fileOffset + HEADER > segment.capacity())
                {
                    return fileOffset == segment.capacity() && recordStart < 0 ?
                        Outcome.END : invalid("segment file shorter than its data");
                }
                final int frameLength = segment.getInt(fileOffset, ByteOrder.LITTLE_ENDIAN);
                if (0 == frameLength)
                {
                    return recordStart < 0 ? Outcome.END : invalid("journal ends inside a fragmented record");
                }
                final int aligned = BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
                if (frameLength < HEADER || aligned > layout.termLength() - termOffset)
                {
                    return invalid("bad frame length " + frameLength);
                }
                final int type = segment.getShort(fileOffset + HeaderFlyweight.TYPE_FIELD_OFFSET,
                    ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                if (HeaderFlyweight.HDR_TYPE_PAD == type)
                {
                    if (recordStart >= 0)
                    {
                        return invalid("padding inside a fragmented record");
                    }
                    position += aligned;
                    validEnd = position;
                    continue;
                }
                if (HeaderFlyweight.HDR_TYPE_DATA != type || fileOffset + frameLength > segment.capacity())
                {
                    return invalid(HeaderFlyweight.HDR_TYPE_DATA != type ? "bad frame type " + type : "torn frame");
                }
                final int flags = segment.getByte(fileOffset + HeaderFlyweight.FLAGS_FIELD_OFFSET) & 0xC0;
                final int payloadOffset = fileOffset + HEADER;
                final int payloadLength = frameLength - HEADER;
                final long next = position + aligned;
                if (head && (FrameDescriptor.BEGIN_FRAG_FLAG & 0xFF & flags) == 0)
                {
                    position = next; // the rest of a record whose start was purged
                    validEnd = position;
                    continue;
                }
                head = false;
                if ((FrameDescriptor.UNFRAGMENTED & 0xFF) == flags)
                {
                    if (recordStart >= 0)
                    {
                        return invalid("unfragmented frame inside a fragmented record");
                    }
                    final Outcome o = deliver(segment, payloadOffset, payloadLength, position, next, handler);
                    if (null != o)
                    {
                        return o;
                    }
                }
                else if ((FrameDescriptor.BEGIN_FRAG_FLAG & 0xFF) == flags)
                {
                    if (recordStart >= 0 || payloadLength > assembly.capacity())
                    {
                        return invalid("bad fragment sequence");
                    }
                    recordStart = position;
                    assembly.putBytes(0, segment, payloadOffset, payloadLength);
                    assembled = payloadLength;
                }
                else
                {
                    if (recordStart < 0 || assembled + payloadLength > assembly.capacity())
                    {
                        return invalid("bad fragment sequence");
                    }
                    assembly.putBytes(assembled, segment, payloadOffset, payloadLength);
                    assembled += payloadLength;
                    if ((FrameDescriptor.END_FRAG_FLAG & 0xFF) == flags)
                    {
                        final Outcome o = deliver(assembly, 0, assembled, recordStart, next, handler);
                        recordStart = -1;
                        assembled = 0;
                        if (null != o)
                        {
                            return o;
                        }
                    }
                }
                position = next;
            }
            return recordStart < 0 ? Outcome.END : invalid("limit inside a fragmented record");
        }
        finally
        {
            unmap();
        }
    }

    private Outcome deliver(
        final DirectBuffer buffer, final int offset, final int length, final long start, final long end,
        final RecordHandler handler)
    {
        final int template = codec.verify(buffer, offset, length);
        if (RecordCodec.INVALID == template || RecordCodec.SNAPSHOT_BEGIN == template ||
            RecordCodec.SNAPSHOT_END == template)
        {
            return invalid("record failed its checksum or layout check");
        }
        validEnd = end;
        records++;
        return handler.onRecord(codec, template, buffer, offset, length, start, end) ? null : Outcome.STOPPED;
    }

    private Outcome invalid(final String reason)
    {
        invalidReason = reason;
        return Outcome.INVALID;
    }

    private boolean map(final RecordingLayout layout, final long position)
    {
        final long base = layout.segmentBase(position);
        if (base == mappedBase && null != mapped)
        {
            return true;
        }
        unmap();
        final File file = layout.segmentFile(position);
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final long size = Math.min(channel.size(), layout.segmentLength());
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            segment.wrap(mapped, 0, (int)size);
            mappedBase = base;
            return true;
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read journal segment " + file, ex);
        }
    }

    private void unmap()
    {
        if (null != mapped)
        {
            IoUtil.unmap(mapped);
            mapped = null;
            mappedBase = -1;
            segment.wrap(0, 0);
        }
    }

    /** @return the position after the last valid record (or padding) of the last {@link #read}. */
    public long validEnd()
    {
        return validEnd;
    }

    /** @return valid records delivered by the last {@link #read}. */
    public long records()
    {
        return records;
    }

    /** @return why the last read ended {@link Outcome#INVALID}, or null. */
    public String invalidReason()
    {
        return invalidReason;
    }

    public void close()
    {
        unmap();
    }
}
