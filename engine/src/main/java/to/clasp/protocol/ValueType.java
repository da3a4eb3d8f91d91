package to.clasp.protocol;

/**
 * Value type codes (wire-protocol.md §4.2). The router keeps exactly two numeric kinds: Int ({@link #I64}) and
 * Float ({@link #F64}); narrower codes are widened on decode and never written by this codec's canonical paths.
 */
public final class ValueType
{
    public static final int NULL = 0x00;
    public static final int BOOL = 0x01;
    public static final int I8 = 0x02;
    public static final int I16 = 0x03;
    public static final int I32 = 0x04;
    public static final int I64 = 0x05;
    public static final int F32 = 0x06;
    public static final int F64 = 0x07;
    public static final int STRING = 0x08;
    public static final int BYTES = 0x09;
    public static final int ARRAY = 0x0A;
    public static final int MAP = 0x0B;

    /** Arrays and maps may nest this many levels (a scalar inside 32 containers is fine, 33 is {@link DecodeError#TOO_DEEP}). */
    public static final int MAX_DEPTH = 32;

    private ValueType()
    {
    }

    /**
     * @return true for the codes 0x00..0x0B.
     */
    public static boolean isValid(final int code)
    {
        return code >= NULL && code <= MAP;
    }

    /**
     * @return the canonical code: I8/I16/I32 → I64, F32 → F64, anything else unchanged.
     */
    public static int widen(final int code)
    {
        switch (code)
        {
            case I8:
            case I16:
            case I32:
                return I64;
            case F32:
                return F64;
            default:
                return code;
        }
    }

    public static String name(final int code)
    {
        switch (code)
        {
            case NULL: return "null";
            case BOOL: return "bool";
            case I8: return "i8";
            case I16: return "i16";
            case I32: return "i32";
            case I64: return "i64";
            case F32: return "f32";
            case F64: return "f64";
            case STRING: return "string";
            case BYTES: return "bytes";
            case ARRAY: return "array";
            case MAP: return "map";
            default: return "unknown";
        }
    }
}
