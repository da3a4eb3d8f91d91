package to.clasp.protocol;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Test helper: hex strings as in wire-protocol.md §10 (spaces ignored; "quoted" text inserted as UTF-8).
 */
public final class Hex
{
    private Hex()
    {
    }

    public static byte[] bytes(final String spec)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < spec.length())
        {
            final char c = spec.charAt(i);
            if (c == '"')
            {
                final int end = spec.indexOf('"', i + 1);
                out.writeBytes(spec.substring(i + 1, end).getBytes(StandardCharsets.UTF_8));
                i = end + 1;
            }
            else if (Character.isWhitespace(c))
            {
                i++;
            }
            else
            {
                out.write(Integer.parseInt(spec.substring(i, i + 2), 16));
                i += 2;
            }
        }
        return out.toByteArray();
    }

    public static UnsafeBuffer buffer(final String spec)
    {
        return new UnsafeBuffer(bytes(spec));
    }

    public static String of(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            if (i > 0)
            {
                sb.append(' ');
            }
            sb.append(String.format("%02x", buffer.getByte(offset + i) & 0xFF));
        }
        return sb.toString();
    }

    /**
     * Normalise a spec to the "xx xx" form {@link #of} produces, for readable assertion failures.
     */
    public static String normalise(final String spec)
    {
        final byte[] b = bytes(spec);
        return of(new UnsafeBuffer(b), 0, b.length);
    }
}
