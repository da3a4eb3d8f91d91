package to.clasp.transport.ws.testing;

import java.io.ByteArrayOutputStream;

/**
 * Hex helpers for frame-exact assertions: {@code Hex.bytes("53 01 00 03 23 00 00")}.
 */
public final class Hex
{
    private Hex()
    {
    }

    /** Parse hex pairs; whitespace and '|' separators are ignored. */
    public static byte[] bytes(final String hex)
    {
        final String clean = hex.replaceAll("[\\s|]", "");
        if (clean.length() % 2 != 0)
        {
            throw new IllegalArgumentException("odd hex length: " + hex);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(clean.length() / 2);
        for (int i = 0; i < clean.length(); i += 2)
        {
            out.write(Integer.parseInt(clean.substring(i, i + 2), 16));
        }
        return out.toByteArray();
    }

    /** Lower-case hex pairs separated by spaces. */
    public static String of(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++)
        {
            if (i > 0)
            {
                sb.append(' ');
            }
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.toString();
    }
}
