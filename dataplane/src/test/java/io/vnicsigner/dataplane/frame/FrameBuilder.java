package io.vnicsigner.dataplane.frame;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes complete, checksum-correct Ethernet frames at offset 0 of a buffer for tests, returning the
 * frame length; payload bytes follow a fixed pattern so tests can check them.
 */
public final class FrameBuilder
{
    public static final int MIN_FRAME_LENGTH = 60;
    public static final int TTL = 64;
    public static final int IDENTIFICATION = 0x1c46;
    public static final int SYN_MSS = 1460;
    public static final int SYN_WINDOW_SCALE = 7;

    private static final int IP_OFFSET = EthernetFlyweight.HEADER_LENGTH;
    private static final int L4_OFFSET = IP_OFFSET + Ipv4Flyweight.MIN_HEADER_LENGTH;

    private FrameBuilder()
    {
    }

    /**
     * The byte the builders put at index {@code i} of a generated payload.
     *
     * @param i index in the payload.
     * @return the pattern byte.
     */
    public static byte payloadByte(final int i)
    {
        return (byte)('a' + (i % 23));
    }

    /**
     * A broadcast ARP request asking who has {@code targetIp}.
     *
     * @return 42.
     */
    public static int arpRequest(final MutableDirectBuffer buf, final long srcMac, final int srcIp, final int targetIp)
    {
        return arp(buf, ArpFlyweight.OP_REQUEST, srcMac, srcIp, MacAddress.BROADCAST, 0L, targetIp);
    }

    /**
     * A unicast ARP reply saying {@code srcIp} is at {@code srcMac}, sent to {@code dstMac}/{@code dstIp}.
     *
     * @return 42.
     */
    public static int arpReply(
        final MutableDirectBuffer buf, final long srcMac, final int srcIp, final long dstMac, final int dstIp)
    {
        return arp(buf, ArpFlyweight.OP_REPLY, srcMac, srcIp, dstMac, dstMac, dstIp);
    }

    /**
     * An ICMP echo request with {@code payloadLen} pattern bytes.
     *
     * @return the frame length.
     */
    public static int icmpEchoRequest(
        final MutableDirectBuffer buf,
        final long srcMac,
        final long dstMac,
        final int srcIp,
        final int dstIp,
        final int id,
        final int seq,
        final int payloadLen)
    {
        final int icmpLength = IcmpFlyweight.HEADER_LENGTH + payloadLen;
        ethernet(buf, srcMac, dstMac, EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(
            buf, IP_OFFSET, Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength, IDENTIFICATION, TTL,
            Ipv4Flyweight.PROTOCOL_ICMP, srcIp, dstIp);
        fillPayload(buf, L4_OFFSET + IcmpFlyweight.HEADER_LENGTH, payloadLen);
        new IcmpFlyweight().wrap(buf, L4_OFFSET, icmpLength)
            .type(IcmpFlyweight.TYPE_ECHO_REQUEST)
            .code(0)
            .identifier(id)
            .sequence(seq)
            .computeChecksum();
        return L4_OFFSET + icmpLength;
    }

    /**
     * A UDP datagram with {@code payloadLen} pattern bytes and a checksum.
     *
     * @return the frame length.
     */
    public static int udp(
        final MutableDirectBuffer buf,
        final long srcMac,
        final long dstMac,
        final int srcIp,
        final int dstIp,
        final int srcPort,
        final int dstPort,
        final int payloadLen)
    {
        final int udpLength = UdpFlyweight.HEADER_LENGTH + payloadLen;
        ethernet(buf, srcMac, dstMac, EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(
            buf, IP_OFFSET, Ipv4Flyweight.MIN_HEADER_LENGTH + udpLength, IDENTIFICATION, TTL,
            Ipv4Flyweight.PROTOCOL_UDP, srcIp, dstIp);
        fillPayload(buf, L4_OFFSET + UdpFlyweight.HEADER_LENGTH, payloadLen);
        new UdpFlyweight().wrap(buf, L4_OFFSET, udpLength)
            .sourcePort(srcPort)
            .destinationPort(dstPort)
            .udpLength(udpLength)
            .computeChecksum(srcIp, dstIp);
        return L4_OFFSET + udpLength;
    }

    /**
     * A TCP segment without options carrying {@code payloadLen} bytes copied from {@code payload}.
     *
     * @return the frame length.
     */
    public static int tcp(
        final MutableDirectBuffer buf,
        final long srcMac,
        final long dstMac,
        final int srcIp,
        final int dstIp,
        final int srcPort,
        final int dstPort,
        final int seq,
        final int ack,
        final int flags,
        final int window,
        final DirectBuffer payload,
        final int payloadOff,
        final int payloadLen)
    {
        final int headerLength = TcpFlyweight.writeHeader(buf, L4_OFFSET, srcPort, dstPort, seq, ack, flags, window);
        if (payloadLen > 0)
        {
            buf.putBytes(L4_OFFSET + headerLength, payload, payloadOff, payloadLen);
        }
        return finishTcp(buf, srcMac, dstMac, srcIp, dstIp, headerLength + payloadLen);
    }

    /**
     * A SYN with the options Linux sends: MSS 1460, SACK-permitted, timestamps (tsEcr 0), NOP, window
     * scale 7; a 40-byte header.
     *
     * @return the frame length.
     */
    public static int tcpSyn(
        final MutableDirectBuffer buf,
        final long srcMac,
        final long dstMac,
        final int srcIp,
        final int dstIp,
        final int srcPort,
        final int dstPort,
        final int seq,
        final int window,
        final int tsVal)
    {
        int at = L4_OFFSET;
        at += TcpFlyweight.writeHeader(buf, L4_OFFSET, srcPort, dstPort, seq, 0, TcpFlyweight.SYN, window);
        at += TcpFlyweight.writeMssOption(buf, at, SYN_MSS);
        at += TcpFlyweight.writeSackPermittedOption(buf, at);
        at += TcpFlyweight.writeTimestampsOption(buf, at, tsVal, 0);
        at += TcpFlyweight.writeNopOption(buf, at);
        at += TcpFlyweight.writeWindowScaleOption(buf, at, SYN_WINDOW_SCALE);
        at += TcpFlyweight.writeNopPadding(buf, at, at - L4_OFFSET - TcpFlyweight.MIN_HEADER_LENGTH);
        final int headerLength = at - L4_OFFSET;
        new TcpFlyweight().wrap(buf, L4_OFFSET, headerLength).setHeaderLength(headerLength);
        return finishTcp(buf, srcMac, dstMac, srcIp, dstIp, headerLength);
    }

    /**
     * Zero-pads a frame to the 60-byte Ethernet minimum, as a NIC would.
     *
     * @return the padded length, at least 60.
     */
    public static int padToMinimum(final MutableDirectBuffer buf, final int frameLength)
    {
        if (frameLength >= MIN_FRAME_LENGTH)
        {
            return frameLength;
        }
        buf.setMemory(frameLength, MIN_FRAME_LENGTH - frameLength, (byte)0);
        return MIN_FRAME_LENGTH;
    }

    private static int finishTcp(
        final MutableDirectBuffer buf,
        final long srcMac,
        final long dstMac,
        final int srcIp,
        final int dstIp,
        final int tcpLength)
    {
        ethernet(buf, srcMac, dstMac, EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(
            buf, IP_OFFSET, Ipv4Flyweight.MIN_HEADER_LENGTH + tcpLength, IDENTIFICATION, TTL,
            Ipv4Flyweight.PROTOCOL_TCP, srcIp, dstIp);
        new TcpFlyweight().wrap(buf, L4_OFFSET, tcpLength).computeChecksum(srcIp, dstIp);
        return L4_OFFSET + tcpLength;
    }

    private static int arp(
        final MutableDirectBuffer buf,
        final int operation,
        final long srcMac,
        final int srcIp,
        final long ethernetDst,
        final long targetMac,
        final int targetIp)
    {
        ethernet(buf, srcMac, ethernetDst, EthernetFlyweight.ETHERTYPE_ARP);
        new ArpFlyweight().wrap(buf, IP_OFFSET, ArpFlyweight.LENGTH)
            .writeHeader()
            .operation(operation)
            .senderMac(srcMac)
            .senderIp(srcIp)
            .targetMac(targetMac)
            .targetIp(targetIp);
        return IP_OFFSET + ArpFlyweight.LENGTH;
    }

    private static void ethernet(
        final MutableDirectBuffer buf, final long srcMac, final long dstMac, final int etherType)
    {
        new EthernetFlyweight().wrap(buf, 0, EthernetFlyweight.HEADER_LENGTH)
            .destinationMac(dstMac)
            .sourceMac(srcMac)
            .etherType(etherType);
    }

    private static void fillPayload(final MutableDirectBuffer buf, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buf.putByte(offset + i, payloadByte(i));
        }
    }
}
