package io.vnicsigner.dataplane.intercept;

import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.ArpFlyweight;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.FrameError;
import io.vnicsigner.dataplane.frame.IcmpFlyweight;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.switching.GuestPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.switching.Transmitter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Answers for the signing IP on the guest's link: ARP requests get the signing MAC, ICMP echo requests get a reply
 * with the instance's hop limit as TTL, and TCP goes to the {@link SigningIpTcp} handler. Every other IPv4 protocol
 * and every IPv4 fragment addressed to the signing IP is dropped and counted (fragments are not reassembled).
 * <p>
 * Replies are built in one preallocated scratch frame, so answering allocates nothing.
 */
public final class SigningIpResponder
{
    private static final int SCRATCH_LENGTH = 2048;

    private final SigningIp signingIp;
    private final SystemCounters counters;
    private final Transmitter transmitter;
    private final SigningIpTcp tcp;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SCRATCH_LENGTH, 64));
    private final EthernetFlyweight outEthernet = new EthernetFlyweight();
    private final ArpFlyweight outArp = new ArpFlyweight();
    private final Ipv4Flyweight outIp = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final IcmpFlyweight outIcmp = new IcmpFlyweight();
    private final TcpFlyweight tcpIn = new TcpFlyweight();
    private int identification;

    public SigningIpResponder(
        final SigningIp signingIp, final SystemCounters counters, final Transmitter transmitter, final SigningIpTcp tcp)
    {
        this.signingIp = signingIp;
        this.counters = counters;
        this.transmitter = transmitter;
        this.tcp = tcp;
    }

    /**
     * An ARP frame whose target is the signing IP, already checked against the guest's identity.
     */
    public void onArp(final GuestPort guest, final ArpFlyweight arp)
    {
        if (arp.operation() != ArpFlyweight.OP_REQUEST)
        {
            counters.increment(SystemCounter.SIGNING_IP_ARP_DROPPED);
            return;
        }
        outEthernet.wrap(scratch, 0, SCRATCH_LENGTH)
            .destinationMac(arp.senderMac())
            .sourceMac(signingIp.mac())
            .etherType(EthernetFlyweight.ETHERTYPE_ARP);
        outArp.wrap(scratch, EthernetFlyweight.HEADER_LENGTH, ArpFlyweight.LENGTH)
            .writeHeader()
            .operation(ArpFlyweight.OP_REPLY)
            .senderMac(signingIp.mac())
            .senderIp(signingIp.ip())
            .targetMac(arp.senderMac())
            .targetIp(arp.senderIp());
        transmitter.send(guest, scratch, 0, EthernetFlyweight.HEADER_LENGTH + ArpFlyweight.LENGTH);
        counters.increment(SystemCounter.SIGNING_IP_ARP_REPLIES);
    }

    /**
     * An IPv4 packet addressed to the signing IP whose header is structurally valid and whose source is the guest's.
     */
    public void onIpv4(final GuestPort guest, final EthernetFlyweight ethernet, final Ipv4Flyweight ip, final long nowNs)
    {
        if (ip.validate(true) != FrameError.OK)
        {
            counters.increment(SystemCounter.SIGNING_IP_BAD_CHECKSUM);
            return;
        }
        if (ip.isFragment())
        {
            counters.increment(SystemCounter.SIGNING_IP_FRAGMENTS);
            return;
        }
        switch (ip.protocol())
        {
            case Ipv4Flyweight.PROTOCOL_ICMP -> onIcmp(guest, ethernet, ip);
            case Ipv4Flyweight.PROTOCOL_TCP -> onTcp(guest, ip, nowNs);
            default -> counters.increment(SystemCounter.SIGNING_IP_UNSUPPORTED_PROTOCOL);
        }
    }

    private void onIcmp(final GuestPort guest, final EthernetFlyweight ethernet, final Ipv4Flyweight ip)
    {
        icmp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (icmp.validate(true) != FrameError.OK || icmp.type() != IcmpFlyweight.TYPE_ECHO_REQUEST ||
            icmp.code() != 0 || EthernetFlyweight.HEADER_LENGTH + ip.totalLength() > SCRATCH_LENGTH)
        {
            counters.increment(SystemCounter.SIGNING_IP_ICMP_DROPPED);
            return;
        }
        final int icmpLength = ip.payloadLength();
        final int ipOffset = EthernetFlyweight.HEADER_LENGTH;
        final int icmpOffset = ipOffset + Ipv4Flyweight.MIN_HEADER_LENGTH;
        outEthernet.wrap(scratch, 0, SCRATCH_LENGTH)
            .destinationMac(ethernet.sourceMac())
            .sourceMac(signingIp.mac())
            .etherType(EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(
            scratch, ipOffset, Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength, nextIdentification(), guest.hopLimit(),
            Ipv4Flyweight.PROTOCOL_ICMP, signingIp.ip(), ip.source());
        scratch.putBytes(icmpOffset, ip.buffer(), ip.payloadOffset(), icmpLength);
        outIcmp.wrap(scratch, icmpOffset, icmpLength).type(IcmpFlyweight.TYPE_ECHO_REPLY).computeChecksum();
        transmitter.send(guest, scratch, 0, icmpOffset + icmpLength);
        counters.increment(SystemCounter.SIGNING_IP_ICMP_ECHO_REPLIES);
    }

    private void onTcp(final GuestPort guest, final Ipv4Flyweight ip, final long nowNs)
    {
        counters.increment(SystemCounter.TCP_SEGMENTS_IN);
        tcpIn.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (tcpIn.validate(ip.source(), ip.destination(), tcp.verifyChecksums()) != FrameError.OK)
        {
            counters.incrementShared(SystemCounter.TCP_INVALID_SEGMENTS);
            return;
        }
        tcp.onSegment(guest, ip, tcpIn, nowNs);
    }

    /**
     * Gives the TCP handler its turn: timers and connection service.
     */
    public int doWork(final long nowNs)
    {
        return tcp.doWork(nowNs);
    }

    private int nextIdentification()
    {
        identification = (identification + 1) & 0xFFFF;
        return identification;
    }
}
