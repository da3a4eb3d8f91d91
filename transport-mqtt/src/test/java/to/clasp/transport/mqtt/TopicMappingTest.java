package to.clasp.transport.mqtt;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topic and filter mapping (docs/operations.md, "MQTT topics"). */
final class TopicMappingTest
{
    private final TopicMapping mqtt = new TopicMapping("/mqtt");

    @Test
    void topicsMapUnderTheNamespace()
    {
        assertEquals("/mqtt/sensors/temp", mqtt.topicToAddress("sensors/temp"));
        assertEquals("/mqtt/a", mqtt.topicToAddress("a"));
        assertEquals("/mqtt/zone/café", mqtt.topicToAddress("zone/café"));
        assertEquals("/a/b", new TopicMapping("").topicToAddress("a/b"));
        assertEquals("/site/1/a", new TopicMapping("/site/1").topicToAddress("a"));
    }

    @Test
    void topicsACLaspAddressCannotHoldAreRefused()
    {
        for (final String topic : new String[] {"", "/a", "a/", "a//b", "a/*/b", "a/+", "#", "$SYS/x", "a\u0000b",
            "zone/é//x", "x/" + "y".repeat(1100)})
        {
            assertNull(mqtt.topicToAddress(topic), topic);
        }
    }

    @Test
    void asciiBytesMapExactlyAsTheDecodedTopic()
    {
        for (final TopicMapping m : new TopicMapping[] {mqtt, new TopicMapping("")})
        {
            for (final String topic : new String[] {"sensors/temp", "a", "a/b/c", "$SYS/x", "/a", "a/", "a//b", "a/*/b",
                "a/+", "#", "a\u0000b", "x/" + "y".repeat(1000), "x/" + "y".repeat(1100), "z".repeat(1018),
                "z".repeat(1019)})
            {
                final UnsafeBuffer expected = new UnsafeBuffer(new byte[2048]);
                final UnsafeBuffer actual = new UnsafeBuffer(new byte[2048]);
                final byte[] bytes = ("..." + topic).getBytes(StandardCharsets.US_ASCII);
                final int n = m.topicToAddress(topic, expected, 1);
                assertEquals(n, m.asciiTopicToAddress(new UnsafeBuffer(bytes), 3, bytes.length - 3, actual, 1), topic);
                for (int i = 0; i < Math.max(n, 0); i++)
                {
                    assertEquals(expected.getByte(1 + i), actual.getByte(1 + i), topic);
                }
            }
        }
    }

    @Test
    void filtersMapToPatterns()
    {
        assertEquals("/mqtt/a/*/**", mqtt.filterToPattern("a/+/#"));
        assertEquals("/mqtt/**", mqtt.filterToPattern("#"));
        assertEquals("/mqtt/*", mqtt.filterToPattern("+"));
        assertEquals("/mqtt/sensors/*/temp", mqtt.filterToPattern("sensors/+/temp"));
        assertEquals("/**", new TopicMapping("").filterToPattern("#"));
        for (final String bad : new String[] {"", "a/#/b", "a#", "a+/b", "a//b", "/a", "a/", "$SYS/#", "a/*"})
        {
            assertNull(mqtt.filterToPattern(bad), bad);
        }
    }

    @Test
    void addressesBackToTopics()
    {
        final byte[] a = "/mqtt/sensors/temp".getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer b = new UnsafeBuffer(a);
        assertEquals(6, mqtt.topicOffset(b, 0, a.length));
        assertTrue(mqtt.isAddressOf(b, 0, a.length, "sensors/temp"));
        assertFalse(mqtt.isAddressOf(b, 0, a.length, "sensors/tem"));
        assertFalse(mqtt.isAddressOf(b, 0, a.length, "sensors/temp2"));
        final byte[] other = "/mqttx/a".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, mqtt.topicOffset(new UnsafeBuffer(other), 0, other.length));
        final byte[] root = "/mqtt".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, mqtt.topicOffset(new UnsafeBuffer(root), 0, root.length), "no MQTT topic is empty");
    }

    @Test
    void namespaceMustBeAnAddressOrEmpty()
    {
        assertThrows(IllegalArgumentException.class, () -> new TopicMapping("mqtt"));
        assertThrows(IllegalArgumentException.class, () -> new TopicMapping("/mqtt/"));
        assertThrows(IllegalArgumentException.class, () -> new TopicMapping("/a/*"));
    }
}
