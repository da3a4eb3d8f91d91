package to.clasp.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Source addresses allowed to open sessions ({@code --aeron-allow 10.0.0.0/8,192.168.1.7,fd00::/8}): IPv4 and IPv6
 * networks in CIDR notation, a bare address meaning that one host. Only numeric addresses are accepted (no name is
 * ever looked up). An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is checked as its IPv4 address.
 * Immutable and thread-safe.
 */
public final class CidrAllowList
{
    private final List<byte[]> networks;
    private final int[] prefixes;
    private final String text;

    private CidrAllowList(final List<byte[]> networks, final int[] prefixes, final String text)
    {
        this.networks = networks;
        this.prefixes = prefixes;
        this.text = text;
    }

    /**
     * Parse a comma-separated list.
     *
     * @throws IllegalArgumentException naming the entry that is not an address or CIDR network.
     */
    public static CidrAllowList parse(final String list)
    {
        final List<byte[]> networks = new ArrayList<>();
        final List<Integer> prefixes = new ArrayList<>();
        for (final String raw : list.split(",", -1))
        {
            final String entry = raw.strip();
            if (entry.isEmpty())
            {
                throw new IllegalArgumentException("empty entry in '" + list + "'");
            }
            final int slash = entry.indexOf('/');
            final byte[] address = numeric(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null)
            {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR network");
            }
            int prefix = address.length * 8;
            if (slash >= 0)
            {
                try
                {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                }
                catch (final NumberFormatException ex)
                {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8)
                {
                    throw new IllegalArgumentException("'" + entry + "': prefix length must be 0.." + address.length * 8);
                }
            }
            networks.add(address);
            prefixes.add(prefix);
        }
        return new CidrAllowList(networks, prefixes.stream().mapToInt(Integer::intValue).toArray(), list.strip());
    }

    /** Is this numeric address (IPv4 or IPv6 literal) in one of the networks? False for anything unparsable. */
    public boolean allows(final String address)
    {
        final byte[] bytes = numeric(address);
        if (bytes == null)
        {
            return false;
        }
        for (int i = 0; i < networks.size(); i++)
        {
            if (inNetwork(bytes, networks.get(i), prefixes[i]))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Is the host of an Aeron source identity ({@code 10.1.2.3:40123}, {@code [fd00::7]:40123}) allowed?
     */
    public boolean allowsSourceIdentity(final String identity)
    {
        if (identity == null)
        {
            return false;
        }
        final String host;
        if (identity.startsWith("["))
        {
            final int close = identity.indexOf(']');
            host = close < 0 ? identity : identity.substring(1, close);
        }
        else
        {
            final int colon = identity.lastIndexOf(':');
            host = colon < 0 || identity.indexOf(':') != colon ? identity : identity.substring(0, colon);
        }
        return allows(host);
    }

    private static boolean inNetwork(final byte[] address, final byte[] network, final int prefix)
    {
        if (address.length != network.length)
        {
            return false;
        }
        final int whole = prefix / 8;
        for (int i = 0; i < whole; i++)
        {
            if (address[i] != network[i])
            {
                return false;
            }
        }
        final int rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }
        final int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    /** The bytes of a numeric IPv4/IPv6 literal (IPv4-mapped IPv6 folded to IPv4), or null; never a DNS lookup. */
    private static byte[] numeric(final String literal)
    {
        final boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        final boolean v6 = literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6)
        {
            return null;
        }
        try
        {
            final InetAddress address = InetAddress.getByName(literal);
            final byte[] bytes = address.getAddress();
            if (address instanceof Inet6Address && isV4Mapped(bytes))
            {
                return java.util.Arrays.copyOfRange(bytes, 12, 16);
            }
            return bytes;
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }

    private static boolean isV4Mapped(final byte[] b)
    {
        for (int i = 0; i < 10; i++)
        {
            if (b[i] != 0)
            {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
