package io.vnicsigner.dataplane.intercept;

import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.switching.GuestPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.pipeline.FrameRings;
import io.vnicsigner.dataplane.pipeline.Wakeup;
import io.vnicsigner.dataplane.tcp.SegmentSink;
import io.vnicsigner.dataplane.tcp.TcpEndpoint;
import io.vnicsigner.dataplane.tcp.TcpStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Joins guests' TCP frames to the userspace {@link TcpEndpoint}: decoded segments go in, the segments it emits are
 * framed (Ethernet, IPv4 with the instance's hop limit as TTL, TCP with checksum) straight into the ring back to the
 * switch, which sends them to the guest that owns the destination IP. Runs on the interceptor agent's thread. The
 * endpoint's status codes become counters here, since the endpoint itself counts nothing.
 */
public final class TcpInterceptor implements SigningIpTcp, SegmentSink
{
    private static final int EVENTS_PER_CYCLE = 256;
    private static final int MAX_FRAME = 2048;

    private final SigningIp signingIp;
    private final SystemCounters counters;
    private final RingBuffer txRing;
    private final Wakeup wakeup;
    private final Int2ObjectHashMap<GuestPort> guestByIp = new Int2ObjectHashMap<>();
    private final TcpEndpoint endpoint;
    private final HttpSessions application;
    private final boolean verifyChecksums;
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final TcpFlyweight tcpOut = new TcpFlyweight();
    private short identification;

    /**
     * @param endpointFactory builds the endpoint around this interceptor, which is its {@link SegmentSink}.
     * @param application     receives the endpoint's connection events (the HTTP side).
     */
    public TcpInterceptor(
        final SigningIp signingIp, final GuestPort[] guests, final SystemCounters counters,
        final RingBuffer txRing, final Wakeup wakeup,
        final java.util.function.Function<SegmentSink, TcpEndpoint> endpointFactory,
        final java.util.function.Function<TcpEndpoint, HttpSessions> application, final boolean verifyChecksums)
    {
        this.signingIp = signingIp;
        this.counters = counters;
        this.txRing = txRing;
        this.wakeup = wakeup;
        this.verifyChecksums = verifyChecksums;
        for (final GuestPort guest : guests)
        {
            guestByIp.put(guest.ip(), guest);
        }
        this.endpoint = endpointFactory.apply(this);
        this.application = application.apply(endpoint);
    }

    public TcpEndpoint endpoint()
    {
        return endpoint;
    }

    public boolean verifyChecksums()
    {
        return verifyChecksums;
    }

    public void onSegment(final GuestPort guest, final Ipv4Flyweight ip, final TcpFlyweight tcp, final long nowNs)
    {
        final int status = endpoint.onSegment(
            nowNs, ip.source(), tcp.sourcePort(), ip.destination(), tcp.destinationPort(),
            tcp.sequence(), tcp.acknowledgment(), tcp.flags(), tcp.window(),
            tcp.mssOption(), tcp.windowScaleOption(), tcp.sackPermittedOption(), tcp.hasTimestamps(),
            tcp.tsVal(), tcp.tsEcr(), ip.buffer(), tcp.payloadOffset(), tcp.payloadLength());
        count(status);
        application.nowNs(nowNs);
        endpoint.pollEvents(application, EVENTS_PER_CYCLE);
    }

    public int doWork(final long nowNs)
    {
        application.nowNs(nowNs);
        final int expired = endpoint.onTimer(nowNs);
        return expired + endpoint.pollEvents(application, EVENTS_PER_CYCLE) + application.doWork(nowNs);
    }

    private void count(final int status)
    {
        switch (status)
        {
            case TcpStatus.INVALID -> counters.incrementShared(SystemCounter.TCP_INVALID_SEGMENTS);
            case TcpStatus.REJECTED_HOST_LIMIT -> counters.increment(SystemCounter.TCP_REJECTED_HOST_LIMIT);
            case TcpStatus.REJECTED_INSTANCE_LIMIT -> counters.increment(SystemCounter.TCP_REJECTED_INSTANCE_LIMIT);
            case TcpStatus.REJECTED_HALF_OPEN_LIMIT ->
                counters.increment(SystemCounter.TCP_REJECTED_HALF_OPEN_LIMIT);
            case TcpStatus.SYN_COOKIE_SENT -> counters.increment(SystemCounter.TCP_SYN_COOKIES_SENT);
            case TcpStatus.SYN_COOKIE_INVALID -> counters.increment(SystemCounter.TCP_SYN_COOKIES_INVALID);
            case TcpStatus.OUT_OF_WINDOW -> counters.increment(SystemCounter.TCP_OUT_OF_WINDOW);
            case TcpStatus.OUT_OF_ORDER_DROPPED -> counters.increment(SystemCounter.TCP_OUT_OF_ORDER_DROPPED);
            case TcpStatus.NO_RECEIVE_BUFFER -> counters.increment(SystemCounter.TCP_NO_RECEIVE_BUFFER);
            default ->
            {
            }
        }
    }

    public void onSegment(
        final int localIp, final int localPort, final int remoteIp, final int remotePort,
        final int seq, final int ack, final int flags, final int window, final int mss, final int wscale,
        final DirectBuffer data, final int offset, final int length)
    {
        final GuestPort guest = guestByIp.get(remoteIp);
        final int ipOffset = EthernetFlyweight.HEADER_LENGTH;
        final int tcpOffset = ipOffset + Ipv4Flyweight.MIN_HEADER_LENGTH;
        if (guest == null || tcpOffset + TcpFlyweight.MAX_HEADER_LENGTH + length > MAX_FRAME)
        {
            counters.increment(SystemCounter.TCP_TO_UNKNOWN_GUEST);
            return;
        }
        final int optionsLength = (mss >= 0 ? TcpFlyweight.MSS_OPTION_LENGTH : 0) +
            (wscale >= 0 ? 1 + TcpFlyweight.WINDOW_SCALE_OPTION_LENGTH : 0);
        final int tcpLength = TcpFlyweight.MIN_HEADER_LENGTH + optionsLength + length;
        final int claim = txRing.tryClaim(FrameRings.MSG_FRAME, FrameRings.FRAME_OFFSET + tcpOffset + tcpLength);
        if (claim < 0)
        {
            counters.increment(SystemCounter.PORT_TX_RING_FULL);
            return;
        }
        // The frame is built straight into the claimed slot: one copy of the payload, from the send buffer.
        final AtomicBuffer frame = txRing.buffer();
        frame.putInt(claim + FrameRings.GUEST_INDEX_OFFSET, guest.index());
        final int base = claim + FrameRings.FRAME_OFFSET;
        final int optionsOffset = base + tcpOffset + TcpFlyweight.MIN_HEADER_LENGTH;
        int written = 0;
        if (mss >= 0)
        {
            written += TcpFlyweight.writeMssOption(frame, optionsOffset, mss);
        }
        if (wscale >= 0)
        {
            written += TcpFlyweight.writeNopOption(frame, optionsOffset + written);
            written += TcpFlyweight.writeWindowScaleOption(frame, optionsOffset + written, wscale);
        }
        ethernet.wrap(frame, base, tcpOffset + tcpLength)
            .destinationMac(guest.mac())
            .sourceMac(signingIp.mac())
            .etherType(EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(
            frame, base + ipOffset, Ipv4Flyweight.MIN_HEADER_LENGTH + tcpLength, ++identification & 0xFFFF,
            guest.hopLimit(), Ipv4Flyweight.PROTOCOL_TCP, localIp, remoteIp);
        TcpFlyweight.writeHeader(frame, base + tcpOffset, localPort, remotePort, seq, ack, flags, window);
        if (length > 0)
        {
            frame.putBytes(optionsOffset + optionsLength, data, offset, length);
        }
        tcpOut.wrap(frame, base + tcpOffset, tcpLength)
            .setHeaderLength(TcpFlyweight.MIN_HEADER_LENGTH + optionsLength)
            .computeChecksum(localIp, remoteIp);
        txRing.commit(claim);
        wakeup.signal();
        counters.increment(SystemCounter.TCP_SEGMENTS_OUT);
        if ((flags & TcpFlyweight.RST) != 0)
        {
            counters.increment(SystemCounter.TCP_RST_SENT);
        }
    }
}
