package to.clasp.protocol.message;

/**
 * ANNOUNCE signal meta; null / false fields are absent. {@code defaultValue} is meaningful when {@code hasDefault}.
 */
public record SignalMeta(String unit, boolean hasRange, double min, double max, boolean hasDefault, Object defaultValue, String description)
{
}
