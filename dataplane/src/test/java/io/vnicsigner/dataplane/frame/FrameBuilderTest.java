package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameBuilderTest
{
    private static final long SRC_MAC = MacAddress.parse("52:54:00:00:00:07");
    private static final long DST_MAC = MacAddress.parse("52:54:00:ff:00:01");
    private static final int SRC_IP = Ipv4Address.parse("10.1.0.7");
    private static final int DST_IP = Ipv4Address.parse("169.254.169.250");

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    @Test
    void shouldBuildIcmpEchoRequestThatValidatesEndToEnd()
    {
        final int length = FrameBuilder.icmpEchoRequest(buffer, SRC_MAC, DST_MAC, SRC_IP, DST_IP, 9, 3, 56);

        assertEquals(14 + 20 + 8 + 56, length);
        checkEthernetAndIp(length, Ipv4Flyweight.PROTOCOL_ICMP);
        assertEquals(0, ReferenceChecksum.checksum(buffer, ip.payloadOffset(), ip.payloadLength()));
        final IcmpFlyweight icmp = new IcmpFlyweight().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, icmp.validate(true));
        assertEquals(IcmpFlyweight.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(9, icmp.identifier());
        assertEquals(3, icmp.sequence());
        assertEquals(FrameBuilder.payloadByte(55), buffer.getByte(icmp.payloadOffset() + 55));
    }

    @Test
    void shouldBuildUdpThatValidatesEndToEnd()
    {
        final int length = FrameBuilder.udp(buffer, SRC_MAC, DST_MAC, SRC_IP, DST_IP, 5353, 53, 100);

        assertEquals(14 + 20 + 8 + 100, length);
        checkEthernetAndIp(length, Ipv4Flyweight.PROTOCOL_UDP);
        assertEquals(0, ReferenceChecksum.transportChecksum(
            SRC_IP, DST_IP, Ipv4Flyweight.PROTOCOL_UDP, buffer, ip.payloadOffset(), ip.payloadLength()));
        final UdpFlyweight udp = new UdpFlyweight().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, udp.validate(SRC_IP, DST_IP, true));
        assertEquals(5353, udp.sourcePort());
        assertEquals(53, udp.destinationPort());
        assertEquals(100, udp.payloadLength());
    }

    @Test
    void shouldBuildTcpSynThatValidatesEndToEnd()
    {
        final int length = FrameBuilder.tcpSyn(buffer, SRC_MAC, DST_MAC, SRC_IP, DST_IP, 40000, 80, 77, 64240, 5);

        assertEquals(14 + 20 + 40, length);
        checkEthernetAndIp(length, Ipv4Flyweight.PROTOCOL_TCP);
        assertEquals(0, ReferenceChecksum.transportChecksum(
            SRC_IP, DST_IP, Ipv4Flyweight.PROTOCOL_TCP, buffer, ip.payloadOffset(), ip.payloadLength()));
        final TcpFlyweight tcp = new TcpFlyweight().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, tcp.validate(SRC_IP, DST_IP, true));
        assertEquals(TcpFlyweight.SYN, tcp.flags());
        assertEquals(77, tcp.sequence());
        assertEquals(FrameBuilder.SYN_MSS, tcp.mssOption());
        assertEquals(FrameBuilder.SYN_WINDOW_SCALE, tcp.windowScaleOption());
    }

    @Test
    void shouldBuildTcpDataSegmentThatValidatesEndToEnd()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1000]);
        for (int i = 0; i < 1000; i++)
        {
            payload.putByte(i, (byte)(i * 7));
        }

        final int length = FrameBuilder.tcp(
            buffer, SRC_MAC, DST_MAC, SRC_IP, DST_IP, 40000, 80, 78, 1, TcpFlyweight.ACK, 502, payload, 100, 777);

        assertEquals(14 + 20 + 20 + 777, length);
        checkEthernetAndIp(length, Ipv4Flyweight.PROTOCOL_TCP);
        assertEquals(0, ReferenceChecksum.transportChecksum(
            SRC_IP, DST_IP, Ipv4Flyweight.PROTOCOL_TCP, buffer, ip.payloadOffset(), ip.payloadLength()));
        final TcpFlyweight tcp = new TcpFlyweight().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, tcp.validate(SRC_IP, DST_IP, true));
        assertEquals(777, tcp.payloadLength());
        assertEquals(payload.getByte(100), buffer.getByte(tcp.payloadOffset()));
        assertEquals(payload.getByte(876), buffer.getByte(tcp.payloadOffset() + 776));
    }

    @Test
    void shouldLeaveLongFramesUnpadded()
    {
        assertEquals(61, FrameBuilder.padToMinimum(buffer, 61));
        buffer.putByte(59, (byte)1);
        assertEquals(60, FrameBuilder.padToMinimum(buffer, 42));
        assertEquals(0, buffer.getByte(59));
    }

    private void checkEthernetAndIp(final int frameLength, final int protocol)
    {
        ethernet.wrap(buffer, 0, frameLength);
        assertEquals(FrameError.OK, ethernet.validate());
        assertEquals(SRC_MAC, ethernet.sourceMac());
        assertEquals(DST_MAC, ethernet.destinationMac());
        assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, ethernet.etherType());
        ip.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        assertEquals(FrameError.OK, ip.validate(true));
        assertEquals(0, ReferenceChecksum.checksum(buffer, ethernet.payloadOffset(), ip.headerLength()));
        assertEquals(protocol, ip.protocol());
        assertEquals(SRC_IP, ip.source());
        assertEquals(DST_IP, ip.destination());
        assertEquals(FrameBuilder.TTL, ip.ttl());
        assertEquals(Ipv4Flyweight.FLAG_DONT_FRAGMENT, ip.flagsAndFragmentOffset());
        assertEquals(frameLength - 14, ip.totalLength());
    }
}
