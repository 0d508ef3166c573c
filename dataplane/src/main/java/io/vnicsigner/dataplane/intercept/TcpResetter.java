package io.vnicsigner.dataplane.intercept;

import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.switching.GuestPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.switching.Transmitter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Refuses TCP to the signing IP with a reset, as RFC 9293 §3.10.7.1 prescribes for a closed port. It is the
 * handler for ports with no listener, and for every port until a TCP endpoint is configured.
 */
public final class TcpResetter implements SigningIpTcp
{
    private static final int FRAME_LENGTH =
        EthernetFlyweight.HEADER_LENGTH + Ipv4Flyweight.MIN_HEADER_LENGTH + 20;

    private final SigningIp signingIp;
    private final SystemCounters counters;
    private final Transmitter transmitter;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final TcpFlyweight out = new TcpFlyweight();

    public TcpResetter(final SigningIp signingIp, final SystemCounters counters, final Transmitter transmitter)
    {
        this.signingIp = signingIp;
        this.counters = counters;
        this.transmitter = transmitter;
    }

    public void onSegment(final GuestPort guest, final Ipv4Flyweight ip, final TcpFlyweight tcp, final long nowNs)
    {
        reset(guest, ip, tcp);
    }

    /**
     * Answers a segment with RST: if it carried an ACK, the reset takes that sequence number; otherwise it
     * acknowledges the segment. A reset is never answered.
     */
    public void reset(final GuestPort guest, final Ipv4Flyweight ip, final TcpFlyweight tcp)
    {
        final int flags = tcp.flags();
        if ((flags & TcpFlyweight.RST) != 0)
        {
            return;
        }
        final int seq;
        final int ack;
        final int outFlags;
        if ((flags & TcpFlyweight.ACK) != 0)
        {
            seq = tcp.acknowledgment();
            ack = 0;
            outFlags = TcpFlyweight.RST;
        }
        else
        {
            int length = tcp.payloadLength();
            length += (flags & TcpFlyweight.SYN) != 0 ? 1 : 0;
            length += (flags & TcpFlyweight.FIN) != 0 ? 1 : 0;
            seq = 0;
            ack = tcp.sequence() + length;
            outFlags = TcpFlyweight.RST | TcpFlyweight.ACK;
        }
        final int ipOffset = EthernetFlyweight.HEADER_LENGTH;
        final int tcpOffset = ipOffset + Ipv4Flyweight.MIN_HEADER_LENGTH;
        ethernet.wrap(scratch, 0, FRAME_LENGTH)
            .destinationMac(guest.mac())
            .sourceMac(signingIp.mac())
            .etherType(EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(
            scratch, ipOffset, Ipv4Flyweight.MIN_HEADER_LENGTH + 20, 0, guest.hopLimit(),
            Ipv4Flyweight.PROTOCOL_TCP, signingIp.ip(), ip.source());
        TcpFlyweight.writeHeader(
            scratch, tcpOffset, tcp.destinationPort(), tcp.sourcePort(), seq, ack, outFlags, 0);
        out.wrap(scratch, tcpOffset, 20).computeChecksum(signingIp.ip(), ip.source());
        transmitter.send(guest, scratch, 0, FRAME_LENGTH);
        counters.increment(SystemCounter.TCP_RST_SENT);
    }
}
