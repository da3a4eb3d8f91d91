package to.clasp.server;

import picocli.CommandLine;


/**
 * Parses byte sizes for the command line: a bare number is bytes; units {@code k}/{@code KiB}, {@code m}/{@code MiB},
 * {@code g}/{@code GiB} are powers of 1024 ({@code 64MiB}, {@code 512m}, {@code 1g}). A percentage ({@code 25%}) is
 * that share of the JVM's maximum heap, for limits on memory that lives on the heap. Negative values are rejected.
 */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long>
{
    public Long convert(final String value)
    {
        final NumberWithUnit n = NumberWithUnit.parse(value, 15);
        if (n == null)
        {
            throw invalid(value);
        }
        final long amount = n.amount();
        final long unit;
        switch (n.unit())
        {
            case "":
            case "b":
                unit = 1;
                break;
            case "k":
            case "kib":
                unit = 1024;
                break;
            case "m":
            case "mib":
                unit = 1024 * 1024;
                break;
            case "g":
            case "gib":
                unit = 1024L * 1024 * 1024;
                break;
            case "%":
                if (amount > 100)
                {
                    throw invalid(value);
                }
                return Runtime.getRuntime().maxMemory() / 100 * amount;
            default:
                throw invalid(value);
        }
        if (amount > Long.MAX_VALUE / unit)
        {
            throw invalid(value);
        }
        return amount * unit;
    }

    private static CommandLine.TypeConversionException invalid(final String value)
    {
        return new CommandLine.TypeConversionException(
            "'" + value + "' is not a size (use e.g. 1048576, 64MiB, 512m, 1g, or 25% of the heap)");
    }
}
