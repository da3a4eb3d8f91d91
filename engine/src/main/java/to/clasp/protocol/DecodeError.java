package to.clasp.protocol;

/**
 * Result codes of {@link FrameDecoder#decode}. {@link #OK} is zero, every error is a distinct positive code so a
 * caller can count them per code in metrics. The router drops a frame that fails to decode and keeps the
 * connection (router-behaviour.md §2); see docs/protocol.md.
 */
public final class DecodeError
{
    public static final int OK = 0;
    /** Fewer bytes than the header, or a field runs past the end of the payload. */
    public static final int TRUNCATED = 1;
    /** Byte 0 is not 0x53. */
    public static final int BAD_MAGIC = 2;
    /** The u16 payload length points past the bytes received. */
    public static final int LENGTH_PAST_END = 3;
    /** Payload length 0: there is no type byte. */
    public static final int EMPTY_PAYLOAD = 4;
    /** Flags bit 4 (encrypted) or bit 3 (compressed) is set; no known peer does either. */
    public static final int ENCRYPTED_OR_COMPRESSED = 5;
    /** The first payload byte is not a known message type. */
    public static final int UNKNOWN_MESSAGE_TYPE = 6;
    /** A value type code outside 0x00..0x0B. */
    public static final int UNKNOWN_VALUE_TYPE = 7;
    /** A string field or string value is not valid UTF-8. */
    public static final int INVALID_UTF8 = 8;
    /** Values nested deeper than {@link ValueType#MAX_DEPTH}, or a BUNDLE inside a BUNDLE. */
    public static final int TOO_DEEP = 9;
    /** A MessagePack payload that is malformed or does not map onto a CLASP message. */
    public static final int BAD_MESSAGEPACK = 10;
    /** A field holds a value the layout does not allow (e.g. a PUBLISH value indicator above 2). */
    public static final int MALFORMED_FIELD = 11;
    /** A compact-binary BUNDLE item that is MessagePack: items must be compact binary. */
    public static final int BAD_BUNDLE_ITEM = 12;
    /** A MessagePack payload whose compact-binary form would not fit a frame (65 535 bytes). */
    public static final int TOO_LARGE = 13;
    /** The caller passed an offset/length outside the buffer. */
    public static final int BAD_ARGUMENT = 14;

    private DecodeError()
    {
    }

    public static String describe(final int code)
    {
        switch (code)
        {
            case OK: return "ok";
            case TRUNCATED: return "truncated";
            case BAD_MAGIC: return "bad magic byte";
            case LENGTH_PAST_END: return "payload length past end of message";
            case EMPTY_PAYLOAD: return "empty payload";
            case ENCRYPTED_OR_COMPRESSED: return "encrypted or compressed frame not supported";
            case UNKNOWN_MESSAGE_TYPE: return "unknown message type";
            case UNKNOWN_VALUE_TYPE: return "unknown value type";
            case INVALID_UTF8: return "invalid UTF-8";
            case TOO_DEEP: return "nesting too deep";
            case BAD_MESSAGEPACK: return "malformed MessagePack payload";
            case MALFORMED_FIELD: return "malformed field";
            case BAD_BUNDLE_ITEM: return "bundle item is not compact binary";
            case TOO_LARGE: return "message too large for a frame";
            case BAD_ARGUMENT: return "offset/length outside the buffer";
            default: return "unknown decode error " + code;
        }
    }
}
