package to.clasp.protocol;

import org.agrona.DirectBuffer;

/**
 * PUBLISH 0x20:
 * <pre>
 * u8 type | u8 flags (bits7-5 signal, bit4 timestamp, bit3 gesture id, bits2-0 phase) | str address |
 * u8 indicator (0 nothing, 1 value: u8 vtype + data, 2 samples: u16 n + n × f64) |
 * [u64 timestamp (bit4)] [u32 gesture id (bit3)] [u32 rate: present iff at least 4 bytes remain]
 * </pre>
 */
public final class PublishDecoder
{
    public static final int FLAGS_OFFSET = 1;
    public static final int ADDRESS_OFFSET = 2;
    public static final int FLAG_TIMESTAMP = 0x10;
    public static final int FLAG_GESTURE_ID = 0x08;
    public static final int SIGNAL_SHIFT = 5;
    public static final int PHASE_MASK = 0x07;
    public static final int INDICATOR_NONE = 0;
    public static final int INDICATOR_VALUE = 1;
    public static final int INDICATOR_SAMPLES = 2;
    private static final int SAMPLE_SIZE = 8;

    private final ValueView value = new ValueView();
    private DirectBuffer buffer;
    private int flags;
    private int addressOffset;
    private int addressLength;
    private int indicator;
    private int sampleCount;
    private int samplesOffset;
    private long timestamp;
    private long gestureId;
    private boolean hasRate;
    private long rate;

    int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        final int limit = offset + length;
        int p = Wire.need(offset, ADDRESS_OFFSET, limit);
        if (p < 0)
        {
            return -p;
        }
        flags = Wire.u8(buffer, offset + FLAGS_OFFSET);
        addressOffset = p + Wire.STR_LENGTH_SIZE;
        if ((p = Wire.string(buffer, p, limit)) < 0)
        {
            return -p;
        }
        addressLength = p - addressOffset;
        if (p >= limit)
        {
            return DecodeError.TRUNCATED;
        }
        indicator = Wire.u8(buffer, p++);
        sampleCount = 0;
        samplesOffset = p;
        value.wrap(buffer, ValueType.NULL, p, 0);
        switch (indicator)
        {
            case INDICATOR_NONE:
                break;
            case INDICATOR_VALUE:
            {
                if (p >= limit)
                {
                    return DecodeError.TRUNCATED;
                }
                final int valueType = Wire.u8(buffer, p);
                final int end = Values.validate(buffer, valueType, p + 1, limit, 0);
                if (end < 0)
                {
                    return -end;
                }
                value.wrap(buffer, valueType, p + 1, end - p - 1);
                p = end;
                break;
            }
            case INDICATOR_SAMPLES:
            {
                if (limit - p < 2)
                {
                    return DecodeError.TRUNCATED;
                }
                sampleCount = Wire.u16(buffer, p);
                samplesOffset = p + 2;
                if ((p = Wire.need(samplesOffset, sampleCount * SAMPLE_SIZE, limit)) < 0)
                {
                    return -p;
                }
                break;
            }
            default:
                return DecodeError.MALFORMED_FIELD;
        }
        timestamp = 0;
        gestureId = 0;
        rate = 0;
        if ((flags & FLAG_TIMESTAMP) != 0)
        {
            if (limit - p < 8)
            {
                return DecodeError.TRUNCATED;
            }
            timestamp = Wire.i64(buffer, p);
            p += 8;
        }
        if ((flags & FLAG_GESTURE_ID) != 0)
        {
            if (limit - p < 4)
            {
                return DecodeError.TRUNCATED;
            }
            gestureId = Wire.u32(buffer, p);
            p += 4;
        }
        // The rate has no flag bit: JS reads it when at least 4 bytes remain, and so do we.
        hasRate = limit - p >= 4;
        if (hasRate)
        {
            rate = Wire.u32(buffer, p);
        }
        return DecodeError.OK;
    }

    /**
     * @return the raw PUBLISH flags byte.
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @return the buffer the offsets refer to (the decoder's {@link FrameDecoder#payload()}).
     */
    public DirectBuffer payloadBuffer()
    {
        return buffer;
    }

    public int addressOffset()
    {
        return addressOffset;
    }

    public int addressLength()
    {
        return addressLength;
    }

    public String address()
    {
        return Wire.utf8(buffer, addressOffset, addressLength);
    }

    /**
     * @return the signal type; wire codes 5..7 read as {@link SignalType#EVENT}.
     */
    public int signal()
    {
        return SignalType.decode(flags >>> SIGNAL_SHIFT);
    }

    /**
     * @return the gesture phase; codes 4..7 read as {@link GesturePhase#START}.
     */
    public int phase()
    {
        return GesturePhase.decode(flags & PHASE_MASK);
    }

    /**
     * @return 0 nothing, 1 value, 2 samples.
     */
    public int indicator()
    {
        return indicator;
    }

    /**
     * @return the value when {@link #indicator()} is 1; a null value otherwise.
     */
    public ValueView value()
    {
        return value;
    }

    public int sampleCount()
    {
        return sampleCount;
    }

    public double sample(final int index)
    {
        if (index < 0 || index >= sampleCount)
        {
            throw new IndexOutOfBoundsException("sample " + index + " of " + sampleCount);
        }
        return Wire.f64(buffer, samplesOffset + index * SAMPLE_SIZE);
    }

    /**
     * @return offset of the first f64 sample in the payload buffer.
     */
    public int samplesOffset()
    {
        return samplesOffset;
    }

    public boolean hasTimestamp()
    {
        return (flags & FLAG_TIMESTAMP) != 0;
    }

    public long timestamp()
    {
        return timestamp;
    }

    public boolean hasGestureId()
    {
        return (flags & FLAG_GESTURE_ID) != 0;
    }

    public long gestureId()
    {
        return gestureId;
    }

    public boolean hasRate()
    {
        return hasRate;
    }

    public long rate()
    {
        return rate;
    }
}
