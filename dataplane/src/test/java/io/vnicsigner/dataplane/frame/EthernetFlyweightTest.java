package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EthernetFlyweightTest
{
    private final EthernetFlyweight ethernet = new EthernetFlyweight();

    @Test
    void shouldReadHeaderAtAnOffset()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex("eeee ffffffffffff 525400123456 0806 0001"));

        ethernet.wrap(buffer, 2, 16);

        assertEquals(FrameError.OK, ethernet.validate());
        assertEquals(MacAddress.BROADCAST, ethernet.destinationMac());
        assertEquals(0x5254_0012_3456L, ethernet.sourceMac());
        assertEquals(EthernetFlyweight.ETHERTYPE_ARP, ethernet.etherType());
        assertFalse(ethernet.vlanTagged());
        assertEquals(16, ethernet.payloadOffset());
        assertEquals(2, ethernet.payloadLength());
    }

    @Test
    void shouldRecogniseVlanAndQinqTaggedFrames()
    {
        // 802.1Q tag: TPID 8100, TCI 0064 (VLAN 100), then the inner EtherType 0800.
        final UnsafeBuffer tagged = new UnsafeBuffer(hex("525400000001 525400000002 8100 0064 0800 4500"));
        final UnsafeBuffer qinq = new UnsafeBuffer(hex("525400000001 525400000002 88a8 00c8 8100 0064"));

        assertTrue(ethernet.wrap(tagged, 0, 20).vlanTagged());
        assertEquals(EthernetFlyweight.ETHERTYPE_VLAN, ethernet.etherType());
        assertTrue(ethernet.wrap(qinq, 0, 20).vlanTagged());
        assertEquals(EthernetFlyweight.ETHERTYPE_QINQ, ethernet.etherType());
    }

    @Test
    void shouldRejectFrameShorterThanHeader()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[14]);

        assertEquals(FrameError.TRUNCATED, ethernet.wrap(buffer, 0, 13).validate());
        assertEquals(FrameError.OK, ethernet.wrap(buffer, 0, 14).validate());
        assertEquals(0, ethernet.payloadLength());
    }

    @Test
    void shouldWriteHeaderFields()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[14]);

        ethernet.wrap(buffer, 0, 14)
            .destinationMac(0x0102_0304_0506L)
            .sourceMac(0x5254_00AB_CDEFL)
            .etherType(EthernetFlyweight.ETHERTYPE_IPV4);

        assertArrayEquals(hex("010203040506 525400abcdef 0800"), buffer.byteArray());
    }
}
