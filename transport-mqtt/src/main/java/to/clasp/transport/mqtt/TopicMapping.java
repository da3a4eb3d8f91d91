package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import to.clasp.address.AddressRules;

/**
 * MQTT topics and topic filters ↔ CLASP addresses and patterns under one namespace (default {@code /mqtt}):
 * topic {@code a/b} ↔ address {@code /mqtt/a/b}; filter {@code a/+/#} ↔ pattern {@code /mqtt/a/*}{@code /**}.
 * <p>
 * CLASP addresses have no empty segments and no {@code *}, so MQTT topics that would need them are refused rather
 * than mangled: a topic with an empty level ({@code /a}, {@code a//b}, {@code a/}), a {@code *} or a NUL, one that
 * starts with {@code $} (MQTT reserves those for the broker), or one whose address would pass 1 024 bytes. The
 * namespace is either empty (topics map to the root: {@code a/b} ↔ {@code /a/b}) or a valid CLASP address.
 */
final class TopicMapping
{
    /** A topic or filter that cannot be mapped. */
    static final int INVALID = -1;
    /** The address (or pattern) would not fit the destination or the 1 024-byte limit. */
    static final int TOO_LONG = -2;

    private final String namespace;
    private final byte[] prefix; // namespace bytes followed by '/'

    TopicMapping(final String namespace)
    {
        if (!namespace.isEmpty() && !AddressRules.isValidAddress(namespace))
        {
            throw new IllegalArgumentException("namespace must be empty or a valid CLASP address: '" + namespace + "'");
        }
        if (namespace.endsWith("/"))
        {
            throw new IllegalArgumentException("namespace must not end with '/': '" + namespace + "'");
        }
        this.namespace = namespace;
        this.prefix = (namespace + "/").getBytes(StandardCharsets.UTF_8);
    }

    String namespace()
    {
        return namespace;
    }

    /**
     * Write the CLASP address of a topic: namespace, '/', the topic's UTF-8.
     *
     * @return bytes written, {@link #INVALID} for a topic that cannot be an address, {@link #TOO_LONG}.
     */
    int topicToAddress(final CharSequence topic, final MutableDirectBuffer dst, final int offset)
    {
        final int n = topic.length();
        if (n == 0 || topic.charAt(0) == '$')
        {
            return INVALID;
        }
        final int limit = Math.min(dst.capacity() - offset, AddressRules.MAX_ADDRESS_LENGTH);
        if (prefix.length > limit)
        {
            return TOO_LONG;
        }
        dst.putBytes(offset, prefix);
        int p = offset + prefix.length;
        char previous = '/';
        for (int i = 0; i < n; i++)
        {
            final char c = topic.charAt(i);
            if (c == '/' && previous == '/' || c == '+' || c == '#' || c == '*' || c == 0)
            {
                return INVALID;
            }
            previous = c;
            if (c < 0x80)
            {
                if (p - offset + 1 > limit)
                {
                    return TOO_LONG;
                }
                dst.putByte(p++, (byte)c);
            }
            else
            {
                // Rare: non-ASCII topic. Encode the rest through the JDK (surrogate pairs handled there).
                final byte[] rest = topic.subSequence(i, n).toString().getBytes(StandardCharsets.UTF_8);
                if (p - offset + rest.length > limit)
                {
                    return TOO_LONG;
                }
                if (topic.toString().indexOf("//", i) >= 0 || topic.charAt(n - 1) == '/')
                {
                    return INVALID;
                }
                for (final byte b : rest)
                {
                    if (b == '+' || b == '#' || b == '*' || b == 0)
                    {
                        return INVALID;
                    }
                }
                dst.putBytes(p, rest);
                return p + rest.length - offset;
            }
        }
        if (previous == '/')
        {
            return INVALID; // trailing '/': an empty last level
        }
        return p - offset;
    }

    /**
     * {@link #topicToAddress(CharSequence, MutableDirectBuffer, int)} for a topic given as ASCII bytes (the in-place
     * PUBLISH path, {@link PublishInPlace}, which leaves every other topic to the decoder): the same rules, checked
     * byte by byte, then one copy.
     */
    int asciiTopicToAddress(final DirectBuffer topic, final int topicOffset, final int n,
        final MutableDirectBuffer dst, final int offset)
    {
        if (n == 0 || topic.getByte(topicOffset) == '$')
        {
            return INVALID;
        }
        byte previous = '/';
        for (int i = 0; i < n; i++)
        {
            final byte c = topic.getByte(topicOffset + i);
            if (c == '/' && previous == '/' || c == '+' || c == '#' || c == '*' || c <= 0)
            {
                return INVALID; // an empty level, a wildcard, '*', NUL (or a byte the caller should not have passed)
            }
            previous = c;
        }
        if (previous == '/')
        {
            return INVALID; // trailing '/': an empty last level
        }
        final int length = prefix.length + n;
        if (length > Math.min(dst.capacity() - offset, AddressRules.MAX_ADDRESS_LENGTH))
        {
            return TOO_LONG;
        }
        dst.putBytes(offset, prefix);
        dst.putBytes(offset + prefix.length, topic, topicOffset, n);
        return length;
    }

    /**
     * @return the CLASP address of a topic, or null when the topic cannot be mapped.
     */
    String topicToAddress(final String topic)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[AddressRules.MAX_ADDRESS_LENGTH]);
        final int n = topicToAddress(topic, b, 0);
        return n < 0 ? null : b.getStringWithoutLengthUtf8(0, n);
    }

    /**
     * @return the CLASP pattern of a topic filter ({@code +} → {@code *}, a final {@code #} → {@code **}), or null
     * when the filter is not valid MQTT or cannot be mapped (empty level, {@code *}, {@code $} prefix, shared
     * subscriptions are refused by the caller before this).
     */
    String filterToPattern(final String filter)
    {
        if (filter.isEmpty() || filter.charAt(0) == '$' || filter.indexOf(0) >= 0 || filter.indexOf('*') >= 0)
        {
            return null;
        }
        final String[] levels = filter.split("/", -1);
        final StringBuilder pattern = new StringBuilder(namespace.length() + filter.length() + 8).append(namespace);
        for (int i = 0; i < levels.length; i++)
        {
            final String level = levels[i];
            pattern.append('/');
            if (level.equals("#"))
            {
                if (i != levels.length - 1)
                {
                    return null;
                }
                pattern.append("**");
            }
            else if (level.equals("+"))
            {
                pattern.append('*');
            }
            else if (level.isEmpty() || level.indexOf('+') >= 0 || level.indexOf('#') >= 0)
            {
                return null;
            }
            else
            {
                pattern.append(level);
            }
        }
        final String result = pattern.toString();
        return AddressRules.isValidPattern(result) ? result : null;
    }

    /**
     * @return where the topic starts in an address under the namespace ({@code /mqtt/a/b} → offset of {@code a}),
     * or -1 when the address is not under the namespace (or is the namespace itself: no MQTT topic is empty).
     */
    int topicOffset(final DirectBuffer address, final int offset, final int length)
    {
        if (length <= prefix.length)
        {
            return -1;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (address.getByte(offset + i) != prefix[i])
            {
                return -1;
            }
        }
        return offset + prefix.length;
    }

    /**
     * @return whether the address is exactly this topic's address (no allocation for ASCII topics).
     */
    boolean isAddressOf(final DirectBuffer address, final int offset, final int length, final String topic)
    {
        final int start = topicOffset(address, offset, length);
        if (start < 0)
        {
            return false;
        }
        final int n = offset + length - start;
        final int chars = topic.length();
        if (n < chars)
        {
            return false;
        }
        for (int i = 0; i < chars; i++)
        {
            final char c = topic.charAt(i);
            if (c >= 0x80)
            {
                final byte[] utf8 = topic.getBytes(StandardCharsets.UTF_8);
                if (utf8.length != n)
                {
                    return false;
                }
                for (int j = 0; j < n; j++)
                {
                    if (address.getByte(start + j) != utf8[j])
                    {
                        return false;
                    }
                }
                return true;
            }
            if (address.getByte(start + i) != (byte)c)
            {
                return false;
            }
        }
        return n == chars;
    }

    /**
     * @return whether the address (a pattern) is exactly {@code pattern}'s UTF-8.
     */
    static boolean sameText(final DirectBuffer bytes, final int offset, final int length, final String text)
    {
        final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (bytes.getByte(offset + i) != utf8[i])
            {
                return false;
            }
        }
        return true;
    }
}
