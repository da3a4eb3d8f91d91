package to.clasp.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrAllowListTest
{
    @Test
    void networksHostsAndPrefixes()
    {
        final CidrAllowList list = CidrAllowList.parse("10.0.0.0/8, 192.168.1.7,172.16.0.0/12,fd00::/8,::1");
        assertTrue(list.allows("10.255.1.2"));
        assertFalse(list.allows("11.0.0.1"));
        assertTrue(list.allows("192.168.1.7"));
        assertFalse(list.allows("192.168.1.8"));
        assertTrue(list.allows("172.31.255.255"));
        assertFalse(list.allows("172.32.0.0"));
        assertTrue(list.allows("fd12:3456::1"));
        assertFalse(list.allows("fe80::1"));
        assertTrue(list.allows("::1"));
        assertTrue(list.allows("::ffff:10.1.2.3"), "IPv4-mapped IPv6 is checked as IPv4");
        assertFalse(list.allows("localhost"), "names are never resolved");
        assertFalse(list.allows("10.1.2"));
        assertTrue(CidrAllowList.parse("0.0.0.0/0").allows("8.8.8.8"));
        assertTrue(CidrAllowList.parse("10.1.2.128/25").allows("10.1.2.200"));
        assertFalse(CidrAllowList.parse("10.1.2.128/25").allows("10.1.2.100"));
    }

    @Test
    void aeronSourceIdentities()
    {
        final CidrAllowList list = CidrAllowList.parse("127.0.0.0/8,fd00::/8");
        assertTrue(list.allowsSourceIdentity("127.0.0.1:40123"));
        assertFalse(list.allowsSourceIdentity("192.168.0.1:40123"));
        assertTrue(list.allowsSourceIdentity("[fd00::7]:40123"));
        assertFalse(list.allowsSourceIdentity("[fe80::7]:40123"));
        assertFalse(list.allowsSourceIdentity(null));
        assertFalse(list.allowsSourceIdentity("?"));
    }

    @Test
    void badEntriesAreNamed()
    {
        assertEquals("'10.0.0.0/33': prefix length must be 0..32",
            assertThrows(IllegalArgumentException.class, () -> CidrAllowList.parse("10.0.0.0/33")).getMessage());
        assertEquals("'example.com' is not an IP address or CIDR network",
            assertThrows(IllegalArgumentException.class, () -> CidrAllowList.parse("example.com")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CidrAllowList.parse("10.0.0.1,"));
        assertThrows(IllegalArgumentException.class, () -> CidrAllowList.parse("10.0.0.1/x"));
    }
}
