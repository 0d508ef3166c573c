package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest
{
    @Test
    void shouldParseWithFirstOctetInHighBits()
    {
        assertEquals(0x5254_0000_0001L, MacAddress.parse("52:54:00:00:00:01"));
        assertEquals(0xAABB_CCDD_EEFFL, MacAddress.parse("AA:bb:Cc:dd:ee:FF"));
    }

    @Test
    void shouldFormatLowerCaseWithColons()
    {
        assertEquals("52:54:00:0a:bc:01", MacAddress.format(0x5254_000A_BC01L));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(MacAddress.BROADCAST));
        assertEquals("00:00:00:00:00:00", MacAddress.format(0));
    }

    @Test
    void shouldRejectMalformedText()
    {
        for (final String bad : new String[]{
            null, "", "52:54:00:00:00", "52:54:00:00:00:01:02", "52-54-00-00-00-01", "5:54:00:00:00:011",
            "52:54:00:00:00:0g", " 52:54:00:00:00:1"})
        {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), String.valueOf(bad));
        }
    }

    @Test
    void shouldReadAndWriteSixOctetsInNetworkOrder()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[10]);

        MacAddress.write(buffer, 2, 0x0102_0304_0506L);

        assertArrayEquals(hex("0000010203040506 0000"), buffer.byteArray());
        assertEquals(0x0102_0304_0506L, MacAddress.read(buffer, 2));
    }

    @Test
    void shouldClassifyGroupBroadcastAndLocalBits()
    {
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01")));
        assertTrue(MacAddress.isMulticast(MacAddress.BROADCAST));
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
        assertFalse(MacAddress.isBroadcast(MacAddress.parse("01:00:5e:00:00:01")));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("52:54:00:00:00:01")));
        assertTrue(MacAddress.isLocallyAdministered(MacAddress.parse("52:54:00:00:00:01")));
        assertFalse(MacAddress.isLocallyAdministered(MacAddress.parse("00:1b:21:00:00:01")));
    }
}
