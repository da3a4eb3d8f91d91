package to.clasp.server;

import picocli.CommandLine;

import java.time.Duration;

/**
 * Parses durations for the command line: a bare number is seconds ({@code 300}); units {@code ms}, {@code s},
 * {@code m}, {@code h}, {@code d} are accepted ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 30d}).
 * Negative values are rejected.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration>
{
    public Duration convert(final String value)
    {
        final NumberWithUnit n = NumberWithUnit.parse(value, 12);
        if (n == null)
        {
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration (use e.g. 300, 30s, 5m, 1h, 30d or 250ms)");
        }
        final long amount = n.amount();
        switch (n.unit())
        {
            case "":
            case "s":
                return Duration.ofSeconds(amount);
            case "ms":
                return Duration.ofMillis(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (use e.g. 300, 30s, 5m, 1h, 30d or 250ms)");
        }
    }
}
