package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ArpFlyweightTest
{
    /**
     * A QEMU guest (52:54:00:12:34:56, 10.0.2.15) asking who has 10.0.2.2, laid out byte for byte as
     * on the wire, with the 18 bytes of padding that bring it to the 60-byte minimum.
     */
    private static final String ARP_REQUEST_FRAME =
        "ffffffffffff 525400123456 0806" +
        "0001 0800 06 04 0001 525400123456 0a00020f 000000000000 0a000202" +
        "000000000000000000000000000000000000";

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();

    @Test
    void shouldParseWireArpRequest()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(ARP_REQUEST_FRAME));
        assertEquals(60, buffer.capacity());

        ethernet.wrap(buffer, 0, 60);
        assertEquals(EthernetFlyweight.ETHERTYPE_ARP, ethernet.etherType());
        arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());

        assertEquals(FrameError.OK, arp.validate());
        assertEquals(ArpFlyweight.OP_REQUEST, arp.operation());
        assertEquals(MacAddress.parse("52:54:00:12:34:56"), arp.senderMac());
        assertEquals(Ipv4Address.parse("10.0.2.15"), arp.senderIp());
        assertEquals(0L, arp.targetMac());
        assertEquals(Ipv4Address.parse("10.0.2.2"), arp.targetIp());
    }

    @Test
    void shouldTurnRequestIntoReplyInPlace()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(ARP_REQUEST_FRAME));
        final long ourMac = MacAddress.parse("52:55:0a:00:02:02");
        arp.wrap(buffer, 14, 46);

        final long requesterMac = arp.senderMac();
        final int requesterIp = arp.senderIp();
        arp.operation(ArpFlyweight.OP_REPLY)
            .targetMac(requesterMac)
            .targetIp(requesterIp)
            .senderMac(ourMac)
            .senderIp(Ipv4Address.parse("10.0.2.2"));

        final byte[] expected = hex(
            "ffffffffffff 525400123456 0806" +
            "0001 0800 06 04 0002 52550a000202 0a000202 525400123456 0a00020f" +
            "000000000000000000000000000000000000");
        assertArrayEquals(expected, buffer.byteArray());
        assertEquals(FrameError.OK, arp.validate());
    }

    @Test
    void shouldWriteEthernetIpv4Header()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[28]);

        arp.wrap(buffer, 0, 28).writeHeader().operation(ArpFlyweight.OP_REQUEST);

        assertArrayEquals(hex("0001 0800 06 04 0001"), java.util.Arrays.copyOf(buffer.byteArray(), 8));
        assertEquals(1, arp.hardwareType());
        assertEquals(0x0800, arp.protocolType());
    }

    @Test
    void shouldRejectShortPacket()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(ARP_REQUEST_FRAME));

        assertEquals(FrameError.TRUNCATED, arp.wrap(buffer, 14, 27).validate());
        assertEquals(FrameError.OK, arp.wrap(buffer, 14, 28).validate());
    }

    @Test
    void shouldRejectNonEthernetHardware()
    {
        assertEquals(FrameError.ARP_UNSUPPORTED_HARDWARE, validateWithByte(14, 0x06));
        assertEquals(FrameError.ARP_UNSUPPORTED_HARDWARE, validateWithByte(14 + 4, 8));
    }

    @Test
    void shouldRejectNonIpv4Protocol()
    {
        assertEquals(FrameError.ARP_UNSUPPORTED_PROTOCOL, validateWithByte(14 + 2, 0x86));
        assertEquals(FrameError.ARP_UNSUPPORTED_PROTOCOL, validateWithByte(14 + 5, 16));
    }

    @Test
    void shouldRejectUnknownOperation()
    {
        assertEquals(FrameError.ARP_BAD_OPERATION, validateWithByte(14 + 7, 3));
        assertEquals(FrameError.ARP_BAD_OPERATION, validateWithByte(14 + 7, 0));
    }

    @Test
    void shouldAcceptBuilderRequestAndReply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final long guestMac = MacAddress.parse("52:54:00:00:00:07");
        final int guestIp = Ipv4Address.parse("10.1.0.7");
        final int signingIp = Ipv4Address.parse("169.254.169.250");

        assertEquals(42, FrameBuilder.arpRequest(buffer, guestMac, guestIp, signingIp));
        ethernet.wrap(buffer, 0, 42);
        assertEquals(MacAddress.BROADCAST, ethernet.destinationMac());
        assertEquals(guestMac, ethernet.sourceMac());
        arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        assertEquals(FrameError.OK, arp.validate());
        assertEquals(ArpFlyweight.OP_REQUEST, arp.operation());
        assertEquals(signingIp, arp.targetIp());

        final long gatewayMac = MacAddress.parse("52:54:00:ff:00:01");
        assertEquals(42, FrameBuilder.arpReply(buffer, gatewayMac, signingIp, guestMac, guestIp));
        ethernet.wrap(buffer, 0, 42);
        assertEquals(guestMac, ethernet.destinationMac());
        assertEquals(gatewayMac, ethernet.sourceMac());
        arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        assertEquals(FrameError.OK, arp.validate());
        assertEquals(ArpFlyweight.OP_REPLY, arp.operation());
        assertEquals(gatewayMac, arp.senderMac());
        assertEquals(signingIp, arp.senderIp());
        assertEquals(guestMac, arp.targetMac());
        assertEquals(guestIp, arp.targetIp());
    }

    private int validateWithByte(final int index, final int value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(ARP_REQUEST_FRAME));
        buffer.putByte(index, (byte)value);
        return arp.wrap(buffer, 14, 46).validate();
    }
}
