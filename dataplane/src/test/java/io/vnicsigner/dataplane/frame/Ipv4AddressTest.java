package io.vnicsigner.dataplane.frame;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Ipv4AddressTest
{
    @Test
    void shouldParseDottedDecimalWithFirstOctetInHighBits()
    {
        assertEquals(0xA9FE_A9FA, Ipv4Address.parse("169.254.169.250"));
        assertEquals(0, Ipv4Address.parse("0.0.0.0"));
        assertEquals(-1, Ipv4Address.parse("255.255.255.255"));
        assertEquals(0x0A00_020F, Ipv4Address.parse("10.0.2.15"));
    }

    @Test
    void shouldFormatDottedDecimal()
    {
        assertEquals("169.254.169.250", Ipv4Address.format(0xA9FE_A9FA));
        assertEquals("255.255.255.255", Ipv4Address.format(-1));
        assertEquals("10.0.2.15", Ipv4Address.format(Ipv4Address.parse("10.0.2.15")));
    }

    @Test
    void shouldRejectMalformedText()
    {
        for (final String bad : new String[]{
            null, "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04", "1..3.4", "1.2.3.4.", ".1.2.3",
            "a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "1.2.3.1000"})
        {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), String.valueOf(bad));
        }
    }
}
