package to.clasp.journal;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import to.clasp.journal.sbe.EventPublishedDecoder;
import to.clasp.journal.sbe.EventPublishedEncoder;
import to.clasp.journal.sbe.MessageHeaderDecoder;
import to.clasp.journal.sbe.MessageHeaderEncoder;
import to.clasp.journal.sbe.ParamRemovedDecoder;
import to.clasp.journal.sbe.ParamRemovedEncoder;
import to.clasp.journal.sbe.ParamWrittenDecoder;
import to.clasp.journal.sbe.ParamWrittenEncoder;
import to.clasp.journal.sbe.RemovalReason;
import to.clasp.journal.sbe.SnapshotBeginDecoder;
import to.clasp.journal.sbe.SnapshotBeginEncoder;
import to.clasp.journal.sbe.SnapshotEndDecoder;
import to.clasp.journal.sbe.SnapshotEndEncoder;
import to.clasp.state.ParamStore;

/**
 * Encodes and checks the SBE records of the journal and the snapshots (schema {@code clasp-journal.xml}). Every record
 * is sealed with a CRC-32C over the bytes after its checksum field; the 8-byte SBE header is checked field by field
 * against the template's known block length, schema id and version instead. {@link #verify} accepts a record only if
 * all of that holds and its variable-length fields end exactly at the record's end, and then exposes its fields in
 * place (offsets into the buffer, no copies).
 * <p>
 * One instance per thread: it holds reusable flyweights. Allocates nothing.
 */
public final class RecordCodec
{
    /** What {@link #verify} returns for a record that is torn, corrupt or of an unknown type. */
    public static final int INVALID = -1;
    public static final int PARAM_WRITTEN = ParamWrittenEncoder.TEMPLATE_ID;
    public static final int PARAM_REMOVED = ParamRemovedEncoder.TEMPLATE_ID;
    public static final int EVENT_PUBLISHED = EventPublishedEncoder.TEMPLATE_ID;
    public static final int SNAPSHOT_BEGIN = SnapshotBeginEncoder.TEMPLATE_ID;
    public static final int SNAPSHOT_END = SnapshotEndEncoder.TEMPLATE_ID;

    static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    /** The checksum is each message's first field. */
    static final int CHECKSUM_LENGTH = 4;
    private static final int CHECKED_FROM = HEADER_LENGTH + CHECKSUM_LENGTH;

    /** Longest ParamWritten record: address 1024, writer 64 and value 65 535 bytes. */
    public static final int MAX_PARAM_RECORD_LENGTH = paramRecordLength(
        ParamStore.MAX_ADDRESS_LENGTH, ParamStore.MAX_WRITER_LENGTH, ParamStore.MAX_VALUE_LENGTH);
    /** Longest PUBLISH payload an EventPublished record carries (a whole frame's payload). */
    static final int MAX_PAYLOAD_LENGTH = 65_547;
    /** Longest record of any type (an EventPublished with the longest payload is the largest). */
    public static final int MAX_RECORD_LENGTH = eventRecordLength(
        ParamStore.MAX_ADDRESS_LENGTH, ParamStore.MAX_WRITER_LENGTH, MAX_PAYLOAD_LENGTH);

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ParamWrittenEncoder paramEncoder = new ParamWrittenEncoder();
    private final ParamWrittenDecoder paramDecoder = new ParamWrittenDecoder();
    private final ParamRemovedEncoder removedEncoder = new ParamRemovedEncoder();
    private final ParamRemovedDecoder removedDecoder = new ParamRemovedDecoder();
    private final EventPublishedEncoder eventEncoder = new EventPublishedEncoder();
    private final EventPublishedDecoder eventDecoder = new EventPublishedDecoder();
    private final SnapshotBeginEncoder beginEncoder = new SnapshotBeginEncoder();
    private final SnapshotBeginDecoder beginDecoder = new SnapshotBeginDecoder();
    private final SnapshotEndEncoder endEncoder = new SnapshotEndEncoder();
    private final SnapshotEndDecoder endDecoder = new SnapshotEndDecoder();
    private final CRC32C crc = new CRC32C();
    private java.nio.ByteBuffer viewSource;
    private java.nio.ByteBuffer view;

    // Fields of the last record verify() accepted: offsets into its buffer.
    private long timestampMicros;
    private long revision;
    private long deadlineMicros;
    private long ttlRaw;
    private boolean hasTtl;
    private boolean lockBit;
    private boolean unlockBit;
    private int signalType;
    private int addressOffset;
    private int addressLength;
    private int writerOffset;
    private int writerLength;
    private int valueOffset;
    private int valueLength;
    private long recordingId;
    private long journalPosition;
    private long createdMicros;
    private long paramCount;

    /** Bytes a ParamWritten record takes for these field lengths. */
    public static int paramRecordLength(final int addressLength, final int writerLength, final int valueLength)
    {
        return HEADER_LENGTH + ParamWrittenEncoder.BLOCK_LENGTH +
            ParamWrittenEncoder.addressHeaderLength() + addressLength +
            ParamWrittenEncoder.writerHeaderLength() + writerLength +
            ParamWrittenEncoder.valueHeaderLength() + valueLength;
    }

    /** Bytes a ParamRemoved record takes for this address length. */
    public static int removedRecordLength(final int addressLength)
    {
        return HEADER_LENGTH + ParamRemovedEncoder.BLOCK_LENGTH + ParamRemovedEncoder.addressHeaderLength() +
            addressLength;
    }

    /** Bytes an EventPublished record takes for these field lengths. */
    public static int eventRecordLength(final int addressLength, final int writerLength, final int payloadLength)
    {
        return HEADER_LENGTH + EventPublishedEncoder.BLOCK_LENGTH +
            EventPublishedEncoder.addressHeaderLength() + addressLength +
            EventPublishedEncoder.writerHeaderLength() + writerLength +
            EventPublishedEncoder.payloadHeaderLength() + payloadLength;
    }

    // ------------------------------------------------------------------------------------------------ encode

    /**
     * A param as it is now in the store (after an accepted write, or as a snapshot reads it).
     *
     * @return the record's length.
     */
    public int encodeParam(
        final ParamStore store, final int id, final boolean lock, final boolean unlock,
        final MutableDirectBuffer dst, final int offset)
    {
        final boolean hasTtl = store.hasTtl(id);
        paramEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .checksum(0)
            .timestampMicros(store.timestamp(id))
            .revision(store.revision(id))
            .deadlineMicros(store.expiryDeadline(id))
            .ttl(hasTtl ? store.ttlRaw(id) : 0)
            .flags().clear().hasTtl(hasTtl).lockBit(lock).unlockBit(unlock);
        paramEncoder.putAddress(store.addressBuffer(), store.addressOffset(id), store.addressLength(id));
        paramEncoder.putWriter(store.writerBuffer(), store.writerOffset(id), store.writerLength(id));
        paramEncoder.putValue(store.valueBuffer(), store.valueOffset(id), store.valueLength(id));
        return seal(dst, offset, paramEncoder.limit() - offset);
    }

    /**
     * A param about to be removed by TTL expiry (read before the removal).
     *
     * @return the record's length.
     */
    public int encodeRemoved(
        final ParamStore store, final int id, final long nowMicros, final MutableDirectBuffer dst, final int offset)
    {
        removedEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .checksum(0)
            .timestampMicros(nowMicros)
            .revision(store.revision(id))
            .reason(RemovalReason.EXPIRED)
            .putAddress(store.addressBuffer(), store.addressOffset(id), store.addressLength(id));
        return seal(dst, offset, removedEncoder.limit() - offset);
    }

    /**
     * A PUBLISH the router forwarded.
     *
     * @param signalType the subscription type bit of its signal (event 0x02, stream 0x04, ...).
     * @return the record's length.
     */
    public int encodeEvent(
        final long nowMicros, final int signalType,
        final DirectBuffer address, final int addressOffset, final int addressLength,
        final DirectBuffer writer, final int writerOffset, final int writerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength,
        final MutableDirectBuffer dst, final int offset)
    {
        eventEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .checksum(0)
            .timestampMicros(nowMicros)
            .signalType((short)signalType)
            .putAddress(address, addressOffset, addressLength)
            .putWriter(writer, writerOffset, writerLength)
            .putPayload(payload, payloadOffset, payloadLength);
        return seal(dst, offset, eventEncoder.limit() - offset);
    }

    /** @return the record's length. */
    public int encodeSnapshotBegin(
        final long recordingId, final long journalPosition, final long createdMicros,
        final MutableDirectBuffer dst, final int offset)
    {
        beginEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .checksum(0)
            .recordingId(recordingId)
            .journalPosition(journalPosition)
            .createdMicros(createdMicros);
        return seal(dst, offset, HEADER_LENGTH + SnapshotBeginEncoder.BLOCK_LENGTH);
    }

    /** @return the record's length. */
    public int encodeSnapshotEnd(
        final long paramCount, final long endPosition, final MutableDirectBuffer dst, final int offset)
    {
        endEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .checksum(0)
            .paramCount(paramCount)
            .endPosition(endPosition);
        return seal(dst, offset, HEADER_LENGTH + SnapshotEndEncoder.BLOCK_LENGTH);
    }

    private int seal(final MutableDirectBuffer dst, final int offset, final int length)
    {
        dst.putInt(offset + HEADER_LENGTH, checksum(dst, offset, length));
        return length;
    }

    private int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        final int from = offset + CHECKED_FROM;
        final int count = length - CHECKED_FROM;
        crc.reset();
        final byte[] array = buffer.byteArray();
        final java.nio.ByteBuffer byteBuffer = buffer.byteBuffer();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + from, count);
        }
        else if (null != byteBuffer)
        {
            if (byteBuffer != viewSource)
            {
                viewSource = byteBuffer;
                view = byteBuffer.duplicate();
            }
            final int at = buffer.wrapAdjustment() + from;
            view.limit(at + count).position(at);
            crc.update(view);
        }
        else
        {
            // A buffer wrapping a raw address (not used by the journal's own buffers): checksum through a copy.
            final byte[] copy = new byte[count];
            buffer.getBytes(from, copy);
            crc.update(copy, 0, count);
        }
        return (int)crc.getValue();
    }

    // ------------------------------------------------------------------------------------------------ verify

    /**
     * Check one record that should occupy exactly {@code [offset, offset + length)}: header, checksum and field
     * bounds. On success the accessors below describe it.
     *
     * @return its template id ({@link #PARAM_WRITTEN}, ...) or {@link #INVALID}.
     */
    public int verify(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < CHECKED_FROM || offset < 0 || offset + length > buffer.capacity())
        {
            return INVALID;
        }
        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            headerDecoder.version() != MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return INVALID;
        }
        final int template = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int end = offset + length;
        final int body = offset + HEADER_LENGTH;
        if (body + blockLength > end)
        {
            return INVALID;
        }
        final int stored = buffer.getInt(body);
        final boolean fits;
        switch (template)
        {
            case ParamWrittenDecoder.TEMPLATE_ID:
                fits = blockLength == ParamWrittenDecoder.BLOCK_LENGTH && readParam(buffer, body, end);
                break;
            case ParamRemovedDecoder.TEMPLATE_ID:
                fits = blockLength == ParamRemovedDecoder.BLOCK_LENGTH && readRemoved(buffer, body, end);
                break;
            case EventPublishedDecoder.TEMPLATE_ID:
                fits = blockLength == EventPublishedDecoder.BLOCK_LENGTH && readEvent(buffer, body, end);
                break;
            case SnapshotBeginDecoder.TEMPLATE_ID:
                fits = blockLength == SnapshotBeginDecoder.BLOCK_LENGTH && body + blockLength == end;
                if (fits)
                {
                    beginDecoder.wrap(buffer, body, blockLength, MessageHeaderDecoder.SCHEMA_VERSION);
                    recordingId = beginDecoder.recordingId();
                    journalPosition = beginDecoder.journalPosition();
                    createdMicros = beginDecoder.createdMicros();
                }
                break;
            case SnapshotEndDecoder.TEMPLATE_ID:
                fits = blockLength == SnapshotEndDecoder.BLOCK_LENGTH && body + blockLength == end;
                if (fits)
                {
                    endDecoder.wrap(buffer, body, blockLength, MessageHeaderDecoder.SCHEMA_VERSION);
                    paramCount = endDecoder.paramCount();
                    journalPosition = endDecoder.endPosition();
                }
                break;
            default:
                fits = false;
        }
        return fits && stored == checksum(buffer, offset, length) ? template : INVALID;
    }

    private boolean readParam(final DirectBuffer buffer, final int body, final int end)
    {
        final ParamWrittenDecoder d = paramDecoder.wrap(
            buffer, body, ParamWrittenDecoder.BLOCK_LENGTH, MessageHeaderDecoder.SCHEMA_VERSION);
        timestampMicros = d.timestampMicros();
        revision = d.revision();
        deadlineMicros = d.deadlineMicros();
        ttlRaw = d.ttl();
        final int flags = buffer.getByte(body + ParamWrittenDecoder.flagsEncodingOffset());
        hasTtl = (flags & 1) != 0;
        lockBit = (flags & 2) != 0;
        unlockBit = (flags & 4) != 0;
        return revision >= 1 &&
            readAddressWriterData(buffer, body + ParamWrittenDecoder.BLOCK_LENGTH, end, ParamStore.MAX_VALUE_LENGTH);
    }

    /**
     * The variable part shared by ParamWritten and EventPublished: address (u16 length), writer (u8), then the value
     * or payload (u32), which must end exactly at {@code end}.
     */
    private boolean readAddressWriterData(
        final DirectBuffer buffer, final int from, final int end, final int maxDataLength)
    {
        int at = from;
        if (at + 2 > end)
        {
            return false;
        }
        addressLength = buffer.getShort(at, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        addressOffset = at + 2;
        at = addressOffset + addressLength;
        if (at + 1 > end || addressLength > ParamStore.MAX_ADDRESS_LENGTH)
        {
            return false;
        }
        writerLength = buffer.getByte(at) & 0xFF;
        writerOffset = at + 1;
        at = writerOffset + writerLength;
        if (at + 4 > end || writerLength > ParamStore.MAX_WRITER_LENGTH)
        {
            return false;
        }
        final long length = buffer.getInt(at, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        valueOffset = at + 4;
        valueLength = (int)Math.min(length, Integer.MAX_VALUE);
        return length > 0 && length <= maxDataLength && valueOffset + length == end;
    }

    private boolean readRemoved(final DirectBuffer buffer, final int body, final int end)
    {
        final ParamRemovedDecoder d = removedDecoder.wrap(
            buffer, body, ParamRemovedDecoder.BLOCK_LENGTH, MessageHeaderDecoder.SCHEMA_VERSION);
        timestampMicros = d.timestampMicros();
        revision = d.revision();
        final int at = body + ParamRemovedDecoder.BLOCK_LENGTH;
        if (at + 2 > end)
        {
            return false;
        }
        addressLength = buffer.getShort(at, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        addressOffset = at + 2;
        return addressLength <= ParamStore.MAX_ADDRESS_LENGTH && addressOffset + addressLength == end;
    }

    private boolean readEvent(final DirectBuffer buffer, final int body, final int end)
    {
        final EventPublishedDecoder d = eventDecoder.wrap(
            buffer, body, EventPublishedDecoder.BLOCK_LENGTH, MessageHeaderDecoder.SCHEMA_VERSION);
        timestampMicros = d.timestampMicros();
        signalType = d.signalType();
        return readAddressWriterData(buffer, body + EventPublishedDecoder.BLOCK_LENGTH, end, MAX_PAYLOAD_LENGTH);
    }

    // ------------------------------------------------------------------------------- fields of the last verify

    /** µs of the write, removal or publish. */
    public long timestampMicros()
    {
        return timestampMicros;
    }

    /** Revision after the write (ParamWritten) or of the removed param (ParamRemoved). */
    public long revision()
    {
        return revision;
    }

    /** ParamWritten: expiry deadline µs, {@link ParamStore#NEVER} for none. */
    public long deadlineMicros()
    {
        return deadlineMicros;
    }

    /** ParamWritten: the TTL u32, meaningful when {@link #hasTtl()}. */
    public long ttlRaw()
    {
        return ttlRaw;
    }

    public boolean hasTtl()
    {
        return hasTtl;
    }

    /** ParamWritten: the SET's lock bit. */
    public boolean lockBit()
    {
        return lockBit;
    }

    /** ParamWritten: the SET's unlock bit. */
    public boolean unlockBit()
    {
        return unlockBit;
    }

    /** EventPublished: the signal's subscription type bit. */
    public int signalType()
    {
        return signalType;
    }

    public int addressOffset()
    {
        return addressOffset;
    }

    public int addressLength()
    {
        return addressLength;
    }

    public int writerOffset()
    {
        return writerOffset;
    }

    public int writerLength()
    {
        return writerLength;
    }

    /** ParamWritten: the canonical value; EventPublished: the PUBLISH payload. */
    public int valueOffset()
    {
        return valueOffset;
    }

    public int valueLength()
    {
        return valueLength;
    }

    /** SnapshotBegin: the recording its positions refer to. */
    public long recordingId()
    {
        return recordingId;
    }

    /** SnapshotBegin: replay start; SnapshotEnd: the journal position when the last param was read. */
    public long journalPosition()
    {
        return journalPosition;
    }

    /** SnapshotBegin: when it was started, µs. */
    public long createdMicros()
    {
        return createdMicros;
    }

    /** SnapshotEnd: ParamWritten records in the file. */
    public long paramCount()
    {
        return paramCount;
    }
}
