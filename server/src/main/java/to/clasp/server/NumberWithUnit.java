package to.clasp.server;

import java.util.Locale;

/**
 * A flag value such as {@code 30s} or {@code 64MiB}: a whole number followed by an optional unit, split once for the
 * duration and size converters.
 *
 * @param amount the number.
 * @param unit   what follows it, lower case ("" when none).
 */
record NumberWithUnit(long amount, String unit)
{
    /**
     * @return the parts, or null when {@code value} does not start with 1..{@code maxDigits} digits.
     */
    static NumberWithUnit parse(final String value, final int maxDigits)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split)))
        {
            split++;
        }
        if (split == 0 || split > maxDigits)
        {
            return null;
        }
        return new NumberWithUnit(Long.parseLong(text.substring(0, split)), text.substring(split));
    }
}
